import { addTagEvent, AddTagEventResult, currentTagEvent, pruneHistory, TagEvent } from './tag-history';

const IMAGE_A = `sha256:${'a'.repeat(64)}`;
const IMAGE_B = `sha256:${'b'.repeat(64)}`;
const IMAGE_C = `sha256:${'c'.repeat(64)}`;

const event = (overrides: Partial<TagEvent> = {}): TagEvent => ({
  created: '2026-01-01T00:00:00Z',
  dockerImageReference: `quay.io/acme/app@${IMAGE_A}`,
  image: IMAGE_A,
  generation: 1,
  ...overrides,
});

const current = event();
const older = event({
  created: '2025-12-01T00:00:00Z',
  dockerImageReference: `quay.io/acme/app@${IMAGE_C}`,
  image: IMAGE_C,
  generation: 1,
});
const history: readonly TagEvent[] = Object.freeze([current, older]);
const LATER = '2026-02-01T00:00:00Z';

describe('addTagEvent', () => {
  it.each<[label: string, next: TagEvent, expected: AddTagEventResult]>([
    [
      'same reference, image and generation: nothing changes',
      event({ created: LATER }),
      { history: [current, older], changed: false, kind: 'none' },
    ],
    [
      'same reference and image, new generation: generation updated in place',
      event({ created: LATER, generation: 2 }),
      { history: [{ ...current, generation: 2 }, older], changed: true, kind: 'generation-updated' },
    ],
    [
      'same reference, other image: image and generation overwritten in place',
      event({ created: LATER, image: IMAGE_B, generation: 3 }),
      { history: [{ ...current, image: IMAGE_B, generation: 3 }, older], changed: true, kind: 'replaced-top' },
    ],
    [
      'same image, other reference: reference and generation overwritten in place',
      event({ created: LATER, dockerImageReference: `registry.local/ns/app@${IMAGE_A}`, generation: 4 }),
      {
        history: [{ ...current, dockerImageReference: `registry.local/ns/app@${IMAGE_A}`, generation: 4 }, older],
        changed: true,
        kind: 'replaced-top',
      },
    ],
    [
      'other reference and image: prepended',
      event({ created: LATER, dockerImageReference: `quay.io/acme/app@${IMAGE_B}`, image: IMAGE_B, generation: 5 }),
      {
        history: [
          event({ created: LATER, dockerImageReference: `quay.io/acme/app@${IMAGE_B}`, image: IMAGE_B, generation: 5 }),
          current,
          older,
        ],
        changed: true,
        kind: 'prepended',
      },
    ],
    [
      'rollback to an image deeper in history: prepended again, not moved',
      event({ created: LATER, dockerImageReference: older.dockerImageReference, image: IMAGE_C, generation: 6 }),
      {
        history: [
          event({ created: LATER, dockerImageReference: older.dockerImageReference, image: IMAGE_C, generation: 6 }),
          current,
          older,
        ],
        changed: true,
        kind: 'prepended',
      },
    ],
  ])('%s', (_label, next, expected) => {
    expect(addTagEvent(history, next)).toEqual(expected);
  });

  it('starts the history of a tag that has none', () => {
    expect(addTagEvent([], current)).toEqual({ history: [current], changed: true, kind: 'prepended' });
  });

  it('keeps the original created time when the current entry is overwritten in place', () => {
    const result = addTagEvent(history, event({ created: LATER, image: IMAGE_B }));
    expect(result.history[0].created).toBe(current.created);
  });

  it('records the new created time when an event is prepended', () => {
    const result = addTagEvent(history, event({ created: LATER, dockerImageReference: 'x', image: IMAGE_B }));
    expect(result.history[0].created).toBe(LATER);
  });

  it('only ever compares with the current entry', () => {
    // `older` matches the next event exactly, but it is not items[0].
    const result = addTagEvent(history, older);
    expect(result.kind).toBe('prepended');
    expect(result.history).toEqual([older, current, older]);
  });

  describe('reference-only tags (empty image)', () => {
    const pointer = event({ dockerImageReference: 'quay.io/acme/app:v1', image: '' });

    it('overwrites a pointer with a new pull spec in place, as both have the same (empty) image', () => {
      const next = event({ created: LATER, dockerImageReference: 'quay.io/acme/app:v2', image: '', generation: 2 });
      expect(addTagEvent([pointer], next)).toEqual({
        history: [{ ...pointer, dockerImageReference: 'quay.io/acme/app:v2', generation: 2 }],
        changed: true,
        kind: 'replaced-top',
      });
    });

    it('gives a pointer its image in place when the same pull spec is imported', () => {
      const next = event({ created: LATER, dockerImageReference: 'quay.io/acme/app:v1', image: IMAGE_B, generation: 2 });
      expect(addTagEvent([pointer], next).kind).toBe('replaced-top');
    });
  });

  it('never mutates its inputs', () => {
    const input = [event(), older];
    const snapshot = structuredClone(input);
    const next = event({ image: IMAGE_B, generation: 9 });
    const nextSnapshot = structuredClone(next);

    for (const candidate of [next, event({ generation: 9 }), event({ dockerImageReference: 'y', image: 'z' })]) {
      addTagEvent(input, candidate);
    }
    expect(input).toEqual(snapshot);
    expect(next).toEqual(nextSnapshot);
  });

  it('returns a new array even when nothing changed', () => {
    const input = [current];
    const result = addTagEvent(input, current);
    expect(result.changed).toBe(false);
    expect(result.history).not.toBe(input);
  });

  it('does not share the prepended event object with the caller', () => {
    const next = event({ dockerImageReference: 'y', image: IMAGE_B });
    const result = addTagEvent(history, next);
    expect(result.history[0]).toEqual(next);
    expect(result.history[0]).not.toBe(next);
  });
});

describe('currentTagEvent', () => {
  it('is the newest entry', () => {
    expect(currentTagEvent(history)).toBe(current);
  });

  it('is undefined for an empty history', () => {
    expect(currentTagEvent([])).toBeUndefined();
  });
});

describe('pruneHistory', () => {
  const five = [1, 2, 3, 4, 5].map((generation) => event({ generation, image: `sha256:${String(generation).repeat(64)}` }));

  it.each<[limit: number | undefined, keptGenerations: number[]]>([
    [undefined, [1, 2, 3, 4, 5]],
    [0, [1, 2, 3, 4, 5]],
    [1, [1]],
    [3, [1, 2, 3]],
    [5, [1, 2, 3, 4, 5]],
    [10, [1, 2, 3, 4, 5]],
  ])('limit %s keeps generations %j (the newest entries)', (limit, keptGenerations) => {
    expect(pruneHistory(five, limit).map((entry) => entry.generation)).toEqual(keptGenerations);
  });

  it('never removes the current entry', () => {
    expect(pruneHistory(five, 1)[0]).toBe(five[0]);
  });

  it('handles an empty history', () => {
    expect(pruneHistory([], 3)).toEqual([]);
  });

  it('returns a new array and leaves the input alone', () => {
    const input = [...five];
    const result = pruneHistory(input, 2);
    expect(input).toHaveLength(5);
    expect(pruneHistory(input)).not.toBe(input);
    expect(result).toHaveLength(2);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects limit %s', (limit) => {
    expect(() => pruneHistory(five, limit)).toThrow(RangeError);
  });
});
