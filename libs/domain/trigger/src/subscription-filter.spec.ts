import {
  EventFacts,
  matchesSubscription,
  shortEventType,
  SubscriptionFilter,
  SubscriptionMatchInput,
  validateSubscriptionFilter,
} from './subscription-filter';

const TAG_CHANGED = 'io.imagestreams.tag.changed.v1';

function tagEvent(overrides: Partial<EventFacts> = {}): EventFacts {
  return { type: TAG_CHANGED, namespace: 'team-a', imageStream: 'web', tag: 'latest', ...overrides };
}

describe('shortEventType', () => {
  it.each([
    ['io.imagestreams.tag.changed.v1', 'tag.changed'],
    ['io.imagestreams.tag.deleted.v1', 'tag.deleted'],
    ['io.imagestreams.imagestream.created.v1', 'imagestream.created'],
    ['io.imagestreams.imagestream.deleted.v1', 'imagestream.deleted'],
    ['io.imagestreams.import.failed.v1', 'import.failed'],
    ['io.imagestreams.trigger.fired.v1', 'trigger.fired'],
    ['io.imagestreams.tag.changed.v12', 'tag.changed'],
    ['io.imagestreams.tag.changed', 'tag.changed'],
    ['tag.changed', 'tag.changed'],
    ['com.example.thing.v2', 'com.example.thing'],
    ['io.imagestreams.tag.v1beta', 'tag.v1beta'],
  ])('%s -> %s', (type, expected) => {
    expect(shortEventType(type)).toBe(expected);
  });
});

describe('matchesSubscription', () => {
  type Case = [name: string, sub: SubscriptionMatchInput, event: EventFacts, expected: boolean];

  const ns = 'team-a';
  const withFilter = (filter: SubscriptionFilter): SubscriptionMatchInput => ({ namespace: ns, filter });

  describe('namespace and event type', () => {
    it.each<Case>([
      ['same namespace, no filter', { namespace: ns }, tagEvent(), true],
      ['other namespace', { namespace: 'team-b' }, tagEvent(), false],
      ['namespace is case-sensitive', { namespace: 'Team-A' }, tagEvent(), false],
      ['events omitted = all types', { namespace: ns }, tagEvent({ type: 'io.imagestreams.import.failed.v1' }), true],
      ['events empty = all types', { namespace: ns, events: [] }, tagEvent({ type: 'io.imagestreams.trigger.fired.v1' }), true],
      ['listed short type', { namespace: ns, events: ['tag.changed'] }, tagEvent(), true],
      ['one of several types', { namespace: ns, events: ['tag.deleted', 'tag.changed'] }, tagEvent(), true],
      ['unlisted type', { namespace: ns, events: ['tag.deleted'] }, tagEvent(), false],
      ['full type in events is not the short form', { namespace: ns, events: [TAG_CHANGED] }, tagEvent(), false],
      ['newer event version still matches', { namespace: ns, events: ['tag.changed'] }, tagEvent({ type: 'io.imagestreams.tag.changed.v2' }), true],
      ['namespace checked before type', { namespace: 'team-b', events: ['tag.changed'] }, tagEvent(), false],
    ])('%s', (_name, sub, event, expected) => {
      expect(matchesSubscription(sub, event)).toBe(expected);
    });
  });

  describe('imageStreams globs', () => {
    it.each<Case>([
      ['exact name', withFilter({ imageStreams: ['web'] }), tagEvent(), true],
      ['prefix glob', withFilter({ imageStreams: ['web-*'] }), tagEvent({ imageStream: 'web-frontend' }), true],
      ['prefix glob needs the dash', withFilter({ imageStreams: ['web-*'] }), tagEvent({ imageStream: 'web' }), false],
      ['any of several globs', withFilter({ imageStreams: ['api', 'web*'] }), tagEvent(), true],
      ['none of several globs', withFilter({ imageStreams: ['api', 'db-*'] }), tagEvent(), false],
      ['star matches names starting with a dot', withFilter({ imageStreams: ['*'] }), tagEvent({ imageStream: '.hidden' }), true],
      ['question mark', withFilter({ imageStreams: ['we?'] }), tagEvent(), true],
      ['brace alternatives', withFilter({ imageStreams: ['{api,web}'] }), tagEvent(), true],
      ['character class', withFilter({ imageStreams: ['ap[ip]'] }), tagEvent({ imageStream: 'app' }), true],
      ['case-sensitive', withFilter({ imageStreams: ['WEB'] }), tagEvent(), false],
      ['empty list = any', withFilter({ imageStreams: [] }), tagEvent(), true],
      ['event without image stream fails', withFilter({ imageStreams: ['*'] }), tagEvent({ imageStream: undefined }), false],
      ['unvalidated empty glob matches nothing', withFilter({ imageStreams: [''] }), tagEvent(), false],
      ['unvalidated empty glob does not hide a good one', withFilter({ imageStreams: ['', 'web'] }), tagEvent(), true],
    ])('%s', (_name, sub, event, expected) => {
      expect(matchesSubscription(sub, event)).toBe(expected);
    });
  });

  describe('tags globs', () => {
    it.each<Case>([
      ['literal tag', withFilter({ tags: ['latest'] }), tagEvent(), true],
      ['v* matches versions', withFilter({ tags: ['v*', 'latest'] }), tagEvent({ tag: 'v1.2.3' }), true],
      ['v* and latest miss other tags', withFilter({ tags: ['v*', 'latest'] }), tagEvent({ tag: 'stable' }), false],
      ['star matches any tag', withFilter({ tags: ['*'] }), tagEvent({ tag: 'x' }), true],
      ['empty list = any', withFilter({ tags: [] }), tagEvent(), true],
      ['event without tag fails', withFilter({ tags: ['*'] }), tagEvent({ tag: undefined }), false],
      ['event with empty tag fails', withFilter({ tags: ['*'] }), tagEvent({ tag: '' }), false],
      ['tag filter does not affect streams', withFilter({ tags: ['web'] }), tagEvent({ tag: 'latest' }), false],
    ])('%s', (_name, sub, event, expected) => {
      expect(matchesSubscription(sub, event)).toBe(expected);
    });
  });

  describe('tagSemver', () => {
    const range = '>=1.2.0 <2';
    it.each<[tag: string | undefined, expected: boolean]>([
      ['1.2.0', true],
      ['1.9.9', true],
      ['v1.2.3', true],
      ['1.1.9', false],
      ['2.0.0', false],
      ['v2.0.0', false],
      ['1.3.0-rc.1', false], // prereleases only match ranges that name them (npm rules)
      ['1.5', false], // no coercion
      ['1', false],
      ['latest', false],
      ['V1.2.3', false], // only a lowercase v is tolerated
      ['vv1.2.3', false],
      ['=1.2.3', false],
      [' 1.2.3', false],
      ['1.2.3 ', false],
      ['01.2.3', false],
      ['1.2.3-ubi8', false],
      ['', false],
      [undefined, false],
    ])('%s satisfies ">=1.2.0 <2": %s', (tag, expected) => {
      expect(matchesSubscription(withFilter({ tagSemver: range }), tagEvent({ tag }))).toBe(expected);
    });

    it.each<[range: string, tag: string, expected: boolean]>([
      ['^1.2.0', 'v1.4.0', true],
      ['~1.2.0', '1.3.0', false],
      ['1.x', '1.0.0', true],
      ['*', 'v3.0.0', true],
      ['*', 'latest', false],
      ['>=1.3.0-rc.0 <1.3.0', '1.3.0-rc.1', true],
      ['>=1.0.0 || >=3.0.0', '3.1.0', true],
      ['not a range', '1.2.3', false], // an unvalidated bad range fails closed
    ])('range %s with tag %s: %s', (semverRange, tag, expected) => {
      expect(matchesSubscription(withFilter({ tagSemver: semverRange }), tagEvent({ tag }))).toBe(expected);
    });
  });

  describe('all filters are ANDed', () => {
    const sub: SubscriptionMatchInput = {
      namespace: ns,
      events: ['tag.changed'],
      filter: { imageStreams: ['web-*'], tags: ['v*'], tagSemver: '>=1.2.0 <2' },
    };
    it.each<[name: string, event: EventFacts, expected: boolean]>([
      ['everything matches', tagEvent({ imageStream: 'web-ui', tag: 'v1.2.3' }), true],
      ['wrong namespace', tagEvent({ namespace: 'team-b', imageStream: 'web-ui', tag: 'v1.2.3' }), false],
      ['wrong type', tagEvent({ type: 'io.imagestreams.tag.deleted.v1', imageStream: 'web-ui', tag: 'v1.2.3' }), false],
      ['wrong stream', tagEvent({ imageStream: 'api', tag: 'v1.2.3' }), false],
      ['tag glob fails', tagEvent({ imageStream: 'web-ui', tag: '1.2.3' }), false],
      ['semver fails', tagEvent({ imageStream: 'web-ui', tag: 'v2.0.0' }), false],
      ['no tag', tagEvent({ imageStream: 'web-ui', tag: undefined }), false],
    ])('%s', (_name, event, expected) => {
      expect(matchesSubscription(sub, event)).toBe(expected);
    });
  });

  it('imagestream events without a tag pass when only stream globs are set', () => {
    const event: EventFacts = { type: 'io.imagestreams.imagestream.created.v1', namespace: ns, imageStream: 'web-ui' };
    expect(matchesSubscription(withFilter({ imageStreams: ['web-*'] }), event)).toBe(true);
    expect(matchesSubscription(withFilter({ imageStreams: ['web-*'], tagSemver: '*' }), event)).toBe(false);
  });

  it('gives the same answer on repeated calls (compiled globs are cached)', () => {
    const sub = withFilter({ imageStreams: ['web-*'] });
    for (let i = 0; i < 3; i++) {
      expect(matchesSubscription(sub, tagEvent({ imageStream: 'web-1' }))).toBe(true);
      expect(matchesSubscription(sub, tagEvent({ imageStream: 'api' }))).toBe(false);
    }
  });

  it('keeps matching correctly after more distinct globs than the cache holds', () => {
    for (let i = 0; i < 1500; i++) {
      expect(matchesSubscription(withFilter({ tags: [`t${i}-*`] }), tagEvent({ tag: `t${i}-x` }))).toBe(true);
    }
    expect(matchesSubscription(withFilter({ tags: ['t0-*'] }), tagEvent({ tag: 't0-y' }))).toBe(true);
    expect(matchesSubscription(withFilter({ tags: ['t0-*'] }), tagEvent({ tag: 't1-y' }))).toBe(false);
  });
});

describe('validateSubscriptionFilter', () => {
  it.each<[name: string, filter: SubscriptionFilter | undefined]>([
    ['undefined filter', undefined],
    ['empty filter', {}],
    ['the documented example', { imageStreams: ['web-*'], tags: ['v*', 'latest'], tagSemver: '>=1.2.0 <2' }],
    ['empty lists', { imageStreams: [], tags: [] }],
    ['caret range', { tagSemver: '^1.2.0' }],
    ['x-range', { tagSemver: '1.x' }],
    ['star range', { tagSemver: '*' }],
    ['union range', { tagSemver: '1.2.x || >=2.1.0 <3' }],
    ['glob with braces and classes', { tags: ['{a,b}-[0-9]*'] }],
  ])('accepts %s', (_name, filter) => {
    expect(validateSubscriptionFilter(filter)).toEqual([]);
  });

  it.each<[name: string, filter: SubscriptionFilter, expected: string[]]>([
    [
      'invalid semver range',
      { tagSemver: 'not a range' },
      ['filter.tagSemver: "not a range" is not a valid semver range'],
    ],
    [
      'empty semver range',
      { tagSemver: '' },
      ['filter.tagSemver: must be a non-empty semver range (omit it to match any tag)'],
    ],
    [
      'blank semver range',
      { tagSemver: '   ' },
      ['filter.tagSemver: must be a non-empty semver range (omit it to match any tag)'],
    ],
    ['empty stream glob', { imageStreams: ['web', ''] }, ['filter.imageStreams[1]: glob must not be empty']],
    ['blank tag glob', { tags: ['  '] }, ['filter.tags[0]: glob must not be empty']],
    [
      'several problems at once',
      { imageStreams: [''], tags: ['', 'ok', ''], tagSemver: '>=1.2.0 <<2' },
      [
        'filter.imageStreams[0]: glob must not be empty',
        'filter.tags[0]: glob must not be empty',
        'filter.tags[2]: glob must not be empty',
        'filter.tagSemver: ">=1.2.0 <<2" is not a valid semver range',
      ],
    ],
  ])('rejects %s', (_name, filter, expected) => {
    expect(validateSubscriptionFilter(filter)).toEqual(expected);
  });

  it.each<[name: string, filter: unknown, expected: string[]]>([
    ['non-list globs', { tags: 'v*' }, ['filter.tags: must be a list of glob strings']],
    ['non-string glob', { imageStreams: ['web', 3] }, ['filter.imageStreams[1]: must be a string']],
    [
      'non-string range',
      { tagSemver: 1 },
      ['filter.tagSemver: must be a non-empty semver range (omit it to match any tag)'],
    ],
  ])('rejects untyped JSON input: %s', (_name, filter, expected) => {
    expect(validateSubscriptionFilter(filter as SubscriptionFilter)).toEqual(expected);
  });
});

describe('tagRegex filter', () => {
  const sub = (tagRegex: string) => ({ namespace: 'ns', filter: { tagRegex } });
  const event = (tag?: string) => ({ type: 'io.imagestreams.tag.changed.v1', namespace: 'ns', imageStream: 'app', tag });

  it.each([
    ['v\\d+', 'v12', true],
    ['v\\d+', 'v12-rc', false],
    ['v\\d+', 'xv12', false],
    ['release-.*|latest', 'latest', true],
    ['release-.*|latest', 'release-2024', true],
    ['release-.*|latest', 'stable', false],
  ])('%s on tag %s matches: %s (anchored to the whole name)', (pattern, tag, expected) => {
    expect(matchesSubscription(sub(pattern), event(tag))).toBe(expected);
  });

  it('never matches an event without a tag', () => {
    expect(matchesSubscription(sub('.*'), event(undefined))).toBe(false);
  });

  it.each([
    ['', 'non-empty'],
    ['(a+)+', 'exponential'],
    ['[unclosed', 'invalid regular expression'],
    ['a'.repeat(257), 'at most 256'],
  ])('rejects %j (%s)', (pattern, message) => {
    expect(validateSubscriptionFilter({ tagRegex: pattern }).join('\n')).toContain(message);
  });

  it('accepts a safe pattern', () => {
    expect(validateSubscriptionFilter({ tagRegex: '^v?\\d+\\.\\d+$' })).toEqual([]);
  });
});
