import {
  applySpecDefaults,
  assignTagGenerations,
  nextStreamGeneration,
  SpecTag,
  SpecTagError,
  SpecTagInput,
  validateSpecTags,
} from './spec-tags';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

const tag = (overrides: Partial<SpecTag> = {}): SpecTag => ({
  name: 'latest',
  annotations: null,
  from: { kind: 'DockerImage', name: 'quay.io/acme/app:latest' },
  generation: 2,
  importPolicy: { importMode: 'Legacy' },
  referencePolicy: { type: 'Source' },
  ...overrides,
});

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

describe('applySpecDefaults', () => {
  it.each<[label: string, input: SpecTagInput, expected: SpecTag]>([
    [
      'bare tag: every default filled in',
      { name: 'v1' },
      {
        name: 'v1',
        annotations: null,
        generation: null,
        importPolicy: { importMode: 'Legacy' },
        referencePolicy: { type: 'Source' },
      },
    ],
    [
      'empty strings count as absent',
      // An older client may send the Go zero values.
      { name: 'v1', importPolicy: { importMode: '' as never }, referencePolicy: { type: '' as never } },
      {
        name: 'v1',
        annotations: null,
        generation: null,
        importPolicy: { importMode: 'Legacy' },
        referencePolicy: { type: 'Source' },
      },
    ],
    [
      'explicit values are kept',
      {
        name: 'v1',
        annotations: { a: 'b' },
        from: { kind: 'ImageStreamTag', name: 'other:v1', namespace: 'shared' },
        reference: true,
        generation: 4,
        importPolicy: { insecure: true, scheduled: true, importMode: 'PreserveOriginal' },
        referencePolicy: { type: 'Local' },
      },
      {
        name: 'v1',
        annotations: { a: 'b' },
        from: { kind: 'ImageStreamTag', name: 'other:v1', namespace: 'shared' },
        reference: true,
        generation: 4,
        importPolicy: { insecure: true, scheduled: true, importMode: 'PreserveOriginal' },
        referencePolicy: { type: 'Local' },
      },
    ],
    [
      'other import policy fields survive the importMode default',
      { name: 'v1', importPolicy: { scheduled: true } },
      {
        name: 'v1',
        annotations: null,
        generation: null,
        importPolicy: { scheduled: true, importMode: 'Legacy' },
        referencePolicy: { type: 'Source' },
      },
    ],
    [
      'null annotations and generation stay null; empty annotations stay empty',
      { name: 'v1', annotations: {}, generation: null },
      {
        name: 'v1',
        annotations: {},
        generation: null,
        importPolicy: { importMode: 'Legacy' },
        referencePolicy: { type: 'Source' },
      },
    ],
    [
      'generation 0 is a value, not absence',
      { name: 'v1', generation: 0 },
      {
        name: 'v1',
        annotations: null,
        generation: 0,
        importPolicy: { importMode: 'Legacy' },
        referencePolicy: { type: 'Source' },
      },
    ],
  ])('%s', (_label, input, expected) => {
    expect(applySpecDefaults(input)).toStrictEqual(expected);
  });

  it('uses the cluster default import mode when one is configured', () => {
    expect(applySpecDefaults({ name: 'v1' }, 'PreserveOriginal').importPolicy).toEqual({
      importMode: 'PreserveOriginal',
    });
    expect(applySpecDefaults({ name: 'v1', importPolicy: { importMode: 'Legacy' } }, 'PreserveOriginal').importPolicy)
      .toEqual({ importMode: 'Legacy' });
  });

  it('copies nested objects and never mutates its input', () => {
    const input = deepFreeze<SpecTagInput>({
      name: 'v1',
      annotations: { a: 'b' },
      from: { kind: 'DockerImage', name: 'nginx' },
      importPolicy: { scheduled: true },
      referencePolicy: { type: 'Local' },
    });
    const result = applySpecDefaults(input);
    expect(result.annotations).not.toBe(input.annotations);
    expect(result.from).not.toBe(input.from);
    expect(result.importPolicy).not.toBe(input.importPolicy);
    expect(result.referencePolicy).not.toBe(input.referencePolicy);
  });
});

describe('nextStreamGeneration', () => {
  const spec = { lookupPolicy: { local: false }, tags: [tag()] };

  const reordered = { ...spec, tags: [tag({ name: 'a' }), tag({ name: 'b' })] };

  it.each<[label: string, oldGeneration: number, oldSpec: unknown, newSpec: unknown, expected: number]>([
    ['identical spec: unchanged', 3, spec, { lookupPolicy: { local: false }, tags: [tag()] }, 3],
    ['key order is irrelevant', 3, spec, { tags: [tag()], lookupPolicy: { local: false } }, 3],
    ['a key set to undefined equals a missing key', 3, spec, { ...spec, dockerImageRepository: undefined }, 3],
    ['a tag added', 3, spec, { ...spec, tags: [tag(), tag({ name: 'v2' })] }, 4],
    ['a tag removed', 3, spec, { ...spec, tags: [] }, 4],
    [
      'only scheduled changed (not a tag change, still a spec change)',
      3,
      spec,
      { ...spec, tags: [tag({ importPolicy: { importMode: 'Legacy', scheduled: true } })] },
      4,
    ],
    ['only annotations changed', 3, spec, { ...spec, tags: [tag({ annotations: { a: 'b' } })] }, 4],
    ['only referencePolicy changed', 3, spec, { ...spec, tags: [tag({ referencePolicy: { type: 'Local' } })] }, 4],
    ['lookupPolicy changed', 3, spec, { ...spec, lookupPolicy: { local: true } }, 4],
    [
      'tags reordered (arrays compare in order)',
      3,
      reordered,
      { ...spec, tags: [tag({ name: 'b' }), tag({ name: 'a' })] },
      4,
    ],
    ['generation 0 bumps although nothing changed', 0, spec, { lookupPolicy: { local: false }, tags: [tag()] }, 1],
    ['generation 0 bumps once when the spec changed too', 0, spec, { ...spec, tags: [] }, 1],
  ])('%s', (_label, oldGeneration, oldSpec, newSpec, expected) => {
    expect(nextStreamGeneration(oldGeneration, oldSpec, newSpec)).toBe(expected);
  });

  it.each([-1, 1.5, Number.NaN])('rejects generation %p', (generation) => {
    expect(() => nextStreamGeneration(generation, spec, spec)).toThrow(RangeError);
  });
});

describe('assignTagGenerations', () => {
  const NS = 'team';
  const STREAM_GENERATION = 5;

  describe('create', () => {
    it('gives every tag the stream generation, whatever the client sent', () => {
      const tags = [
        tag({ name: 'a', generation: 9 }),
        tag({ name: 'b', generation: null }),
        tag({ name: 'c', generation: 0 }),
        tag({ name: 'd', from: undefined, generation: 3 }),
      ];
      const result = assignTagGenerations(undefined, tags, 1, NS);
      expect(result.tags.map((t) => t.generation)).toEqual([1, 1, 1, 1]);
    });

    it('marks every tag with a from as changed, in input order', () => {
      const tags = [tag({ name: 'z' }), tag({ name: 'nofrom', from: undefined }), tag({ name: 'a' })];
      expect(assignTagGenerations(undefined, tags, 1, NS).changed).toEqual(['z', 'a']);
    });

    it('treats an empty old tag list as an update, not a create', () => {
      const result = assignTagGenerations([], [tag({ generation: 9 })], STREAM_GENERATION, NS);
      expect(result).toEqual({ tags: [tag({ generation: STREAM_GENERATION })], changed: ['latest'] });
    });
  });

  describe('update', () => {
    const stored = tag({ generation: 2 });

    it.each<[label: string, old: SpecTag | undefined, next: SpecTag, generation: number, changed: boolean]>([
      // The client cannot pick a generation.
      ['unchanged tag keeps its stored generation', stored, tag({ generation: 2 }), 2, false],
      ['an arbitrary client generation is replaced by the stored one', stored, tag({ generation: 7 }), 2, false],
      ['a lower client generation is replaced by the stored one', stored, tag({ generation: 1 }), 2, false],
      ['null from a legacy client keeps the stored generation', stored, tag({ generation: null }), 2, false],
      // Generation 0 forces a re-import.
      ['0 over a stored non-zero value forces re-resolution', stored, tag({ generation: 0 }), 5, true],
      // What counts as changed.
      [
        'from.name differs',
        stored,
        tag({ from: { kind: 'DockerImage', name: 'quay.io/acme/app:v2' }, generation: 2 }),
        5,
        true,
      ],
      [
        "from.namespace set to the stream's own namespace is not a change",
        tag({ from: { kind: 'ImageStreamTag', name: 'src:v1' } }),
        tag({ from: { kind: 'ImageStreamTag', name: 'src:v1', namespace: NS } }),
        2,
        false,
      ],
      [
        "from.namespace cleared from the stream's own namespace is not a change",
        tag({ from: { kind: 'ImageStreamTag', name: 'src:v1', namespace: NS } }),
        tag({ from: { kind: 'ImageStreamTag', name: 'src:v1', namespace: '' } }),
        2,
        false,
      ],
      [
        'from.namespace moved to another namespace',
        tag({ from: { kind: 'ImageStreamTag', name: 'src:v1' } }),
        tag({ from: { kind: 'ImageStreamTag', name: 'src:v1', namespace: 'shared' } }),
        5,
        true,
      ],
      ['reference turned on', stored, tag({ reference: true }), 5, true],
      ['reference turned off', tag({ reference: true }), tag({ reference: false }), 5, true],
      ['reference false vs absent is no change', tag({ reference: false }), tag(), 2, false],
      [
        'importMode differs',
        stored,
        tag({ importPolicy: { importMode: 'PreserveOriginal' } }),
        5,
        true,
      ],
      ['absent importMode reads as Legacy', stored, tag({ importPolicy: undefined }), 2, false],
      // What does not count as changed.
      ['only scheduled changed', stored, tag({ importPolicy: { importMode: 'Legacy', scheduled: true } }), 2, false],
      ['only insecure changed', stored, tag({ importPolicy: { importMode: 'Legacy', insecure: true } }), 2, false],
      ['only referencePolicy changed', stored, tag({ referencePolicy: { type: 'Local' } }), 2, false],
      ['only annotations changed', stored, tag({ annotations: { note: 'x' } }), 2, false],
      [
        // §4.1 lists what counts; kind is not among them (same as OpenShift).
        'only from.kind changed',
        tag({ from: { kind: 'DockerImage', name: 'src:v1' } }),
        tag({ from: { kind: 'ImageStreamTag', name: 'src:v1' } }),
        2,
        false,
      ],
      // New tags.
      ['a new tag with a from', undefined, tag({ name: 'new', generation: null }), 5, true],
      ['a new tag ignores the client generation', undefined, tag({ name: 'new', generation: 9 }), 5, true],
      [
        'a new tag without from gets the generation but needs no resolution',
        undefined,
        tag({ name: 'new', from: undefined }),
        5,
        false,
      ],
      // Generations that end up 0 or null.
      [
        'stored null (legacy object) is filled in, not a change',
        tag({ generation: null }),
        tag({ generation: null }),
        5,
        false,
      ],
      ['stored 0 is filled in, not a change', tag({ generation: 0 }), tag({ generation: 3 }), 5, false],
      ['0 over a stored null is still a forced re-import', tag({ generation: null }), tag({ generation: 0 }), 5, true],
      // Tags without from.
      ['from removed: nothing to resolve, stored generation kept', stored, tag({ from: undefined }), 2, false],
      ['from added to a tag that had none', tag({ from: undefined }), tag(), 5, true],
      [
        '0 on a tag without from: new generation, nothing to resolve',
        tag({ from: undefined }),
        tag({ from: undefined, generation: 0 }),
        5,
        false,
      ],
    ])('%s', (_label, old, next, generation, changed) => {
      const oldTags = old === undefined ? [tag({ name: 'other' })] : [old];
      const result = assignTagGenerations(oldTags, [next], STREAM_GENERATION, NS);
      expect(result.tags).toEqual([{ ...next, generation }]);
      expect(result.changed).toEqual(changed ? [next.name] : []);
    });

    it('handles several tags at once, keeping input order and dropping removed tags', () => {
      const oldTags = [tag({ name: 'a' }), tag({ name: 'b' }), tag({ name: 'gone' })];
      const newTags = [
        tag({ name: 'c', generation: null }),
        tag({ name: 'b', from: { kind: 'DockerImage', name: 'quay.io/acme/app:v2' } }),
        tag({ name: 'a', generation: 8 }),
      ];
      expect(assignTagGenerations(oldTags, newTags, STREAM_GENERATION, NS)).toEqual({
        tags: [
          tag({ name: 'c', generation: 5 }),
          tag({ name: 'b', from: { kind: 'DockerImage', name: 'quay.io/acme/app:v2' }, generation: 5 }),
          tag({ name: 'a', generation: 2 }),
        ],
        changed: ['c', 'b'],
      });
    });

    it('never mutates its inputs', () => {
      const oldTags = deepFreeze([tag({ name: 'a' })]);
      const newTags = deepFreeze([tag({ name: 'a', generation: 0 }), tag({ name: 'b', generation: null })]);
      const result = assignTagGenerations(oldTags, newTags, STREAM_GENERATION, NS);
      expect(result.tags[0]).not.toBe(newTags[0]);
      expect(newTags[0].generation).toBe(0);
    });
  });

  it.each([0, -1, 1.5])('rejects stream generation %p', (generation) => {
    expect(() => assignTagGenerations(undefined, [tag()], generation, NS)).toThrow(RangeError);
  });
});

describe('validateSpecTags', () => {
  const KINDS = "valid values are 'DockerImage', 'ImageStreamImage', 'ImageStreamTag'";
  const POLICIES = 'valid values are "Source", "Local"';
  const MODES = "invalid import mode, valid modes are '', 'Legacy', 'PreserveOriginal'";
  const TAG_GRAMMAR = 'must match "[\\w][\\w.-]{0,127}"';

  it.each<[label: string, tags: SpecTag[], expected: SpecTagError[]]>([
    ['no tags', [], []],
    [
      'a valid set of tags',
      [
        tag(),
        tag({ name: 'v1.2-rc_1', from: { kind: 'ImageStreamTag', name: 'other:v1', namespace: 'x' } }),
        tag({ name: 'pinned', from: { kind: 'ImageStreamImage', name: `other@${DIGEST}` } }),
        tag({ name: 'nofrom', from: undefined, referencePolicy: undefined, importPolicy: undefined }),
        tag({ name: '_', from: { kind: 'DockerImage', name: `quay.io/acme/app:v1@${DIGEST}` } }),
        tag({
          name: 'x'.repeat(128),
          importPolicy: { importMode: 'PreserveOriginal' },
          referencePolicy: { type: 'Local' },
        }),
      ],
      [],
    ],
    [
      'duplicate tag names are reported once per repetition',
      [tag(), tag({ name: 'v1' }), tag(), tag()],
      [
        { field: 'spec.tags[latest]', message: 'duplicate tag name' },
        { field: 'spec.tags[latest]', message: 'duplicate tag name' },
      ],
    ],
    ['an empty tag name', [tag({ name: '' })], [{ field: 'spec.tags[].name', message: 'name is required' }]],
    [
      'a tag name starting with "."',
      [tag({ name: '.hidden' })],
      [{ field: 'spec.tags[.hidden].name', message: TAG_GRAMMAR }],
    ],
    ['a tag name starting with "-"', [tag({ name: '-x' })], [{ field: 'spec.tags[-x].name', message: TAG_GRAMMAR }]],
    // A `:` makes the istag name `<stream>:<a>:<b>` unaddressable.
    ['a tag name containing ":"', [tag({ name: 'a:b' })], [{ field: 'spec.tags[a:b].name', message: TAG_GRAMMAR }]],
    ['a tag name containing "/"', [tag({ name: 'a/b' })], [{ field: 'spec.tags[a/b].name', message: TAG_GRAMMAR }]],
    [
      'a tag name over 128 characters',
      [tag({ name: 'x'.repeat(129) })],
      [{ field: `spec.tags[${'x'.repeat(129)}].name`, message: TAG_GRAMMAR }],
    ],
    [
      'an unknown from.kind',
      [tag({ from: { kind: 'ImageStream' as never, name: 'x' } })],
      [{ field: 'spec.tags[latest].from.kind', message: KINDS }],
    ],
    [
      'a missing from.kind',
      [tag({ from: { name: 'x' } as never })],
      [{ field: 'spec.tags[latest].from.kind', message: KINDS }],
    ],
    [
      'an empty from.name',
      [tag({ from: { kind: 'ImageStreamTag', name: '' } })],
      [{ field: 'spec.tags[latest].from.name', message: 'name is required' }],
    ],
    [
      'a missing from.name',
      [tag({ from: { kind: 'DockerImage' } as never })],
      [{ field: 'spec.tags[latest].from.name', message: 'name is required' }],
    ],
    [
      'a DockerImage name with uppercase',
      [tag({ from: { kind: 'DockerImage', name: 'quay.io/Acme/app' } })],
      [{ field: 'spec.tags[latest].from.name', message: 'repository name must be lowercase' }],
    ],
    [
      'a DockerImage name that is not a reference',
      [tag({ from: { kind: 'DockerImage', name: 'quay.io/acme/app::v1' } })],
      [{ field: 'spec.tags[latest].from.name', message: 'invalid tag format' }],
    ],
    [
      'a DockerImage name with a short digest',
      [tag({ from: { kind: 'DockerImage', name: 'quay.io/acme/app@sha256:abc' } })],
      [{ field: 'spec.tags[latest].from.name', message: 'invalid checksum digest length' }],
    ],
    [
      // Only DockerImage names are references; the others are checked when resolved.
      'an ImageStreamTag name is not parsed as a pull spec',
      [tag({ from: { kind: 'ImageStreamTag', name: 'Not A Reference' } })],
      [],
    ],
    [
      'an unknown referencePolicy.type',
      [tag({ referencePolicy: { type: 'Remote' as never } })],
      [{ field: 'spec.tags[latest].referencePolicy.type', message: POLICIES }],
    ],
    ['an empty referencePolicy.type is left to the defaults', [tag({ referencePolicy: { type: '' as never } })], []],
    [
      'referencePolicy.type is case-sensitive',
      [tag({ referencePolicy: { type: 'local' as never } })],
      [{ field: 'spec.tags[latest].referencePolicy.type', message: POLICIES }],
    ],
    [
      'an unknown importMode',
      [tag({ importPolicy: { importMode: 'All' as never } })],
      [{ field: 'spec.tags[latest].importPolicy.importMode', message: MODES }],
    ],
    ['an empty importMode is left to the defaults', [tag({ importPolicy: { importMode: '' as never } })], []],
    [
      'several problems on one tag are all reported, in field order',
      [
        tag({
          name: 'bad/name',
          from: { kind: 'Nope' as never, name: '' },
          referencePolicy: { type: 'x' as never },
          importPolicy: { importMode: 'y' as never },
        }),
      ],
      [
        { field: 'spec.tags[bad/name].name', message: TAG_GRAMMAR },
        { field: 'spec.tags[bad/name].from.kind', message: KINDS },
        { field: 'spec.tags[bad/name].from.name', message: 'name is required' },
        { field: 'spec.tags[bad/name].referencePolicy.type', message: POLICIES },
        { field: 'spec.tags[bad/name].importPolicy.importMode', message: MODES },
      ],
    ],
    [
      'problems on several tags are reported in tag order',
      [
        tag({ name: 'a', from: { kind: 'DockerImage', name: '' } }),
        tag({ name: 'b', referencePolicy: { type: 'z' as never } }),
      ],
      [
        { field: 'spec.tags[a].from.name', message: 'name is required' },
        { field: 'spec.tags[b].referencePolicy.type', message: POLICIES },
      ],
    ],
  ])('%s', (_label, tags, expected) => {
    expect(validateSpecTags(tags)).toEqual(expected);
  });
});
