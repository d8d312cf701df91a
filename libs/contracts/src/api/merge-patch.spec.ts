import { applyMergePatch } from './merge-patch';

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

describe('applyMergePatch', () => {
  // The RFC 7386 appendix cases, each restated with our own keys and values.
  it.each<[label: string, target: unknown, patch: unknown, expected: unknown]>([
    ['a member changes value', { color: 'red' }, { color: 'blue' }, { color: 'blue' }],
    ['a new member is added', { color: 'red' }, { size: 'L' }, { color: 'red', size: 'L' }],
    ['null removes a member', { color: 'red' }, { color: null }, {}],
    ['null removes only that member', { color: 'red', size: 'L' }, { color: null }, { size: 'L' }],
    ['an array replaces an array', { ports: ['80'] }, { ports: '443' }, { ports: '443' }],
    ['a scalar replaces an array', { ports: ['80'] }, { ports: 8080 }, { ports: 8080 }],
    ['an array replaces a scalar', { ports: 'none' }, { ports: ['80'] }, { ports: ['80'] }],
    ['arrays are replaced whole, never merged', { ports: ['80', '443'] }, { ports: ['8080'] }, { ports: ['8080'] }],
    [
      'nested objects merge, null removes inside them',
      { meta: { owner: 'ana', team: 'web' } },
      { meta: { owner: 'bo', team: null } },
      { meta: { owner: 'bo' } },
    ],
    [
      'an array of objects is taken as is, not merged',
      { tags: [{ name: 'v1', keep: true }] },
      { tags: [{ name: 'v1' }] },
      { tags: [{ name: 'v1' }] },
    ],
    ['an object patch on an array target replaces it with an object', ['a', 'b'], { x: 1 }, { x: 1 }],
    ['an array patch replaces an object target', { x: 1 }, ['a'], ['a']],
    ['an array patch replaces an array target', ['a', 'b'], ['c'], ['c']],
    ['null members already in the target are kept', { note: null }, { size: 'L' }, { note: null, size: 'L' }],
    ['an object patch on an array target drops the patch nulls', ['a'], { x: 1, y: null }, { x: 1 }],
    ['nulls two levels down in a new member leave empty objects', {}, { a: { b: { c: null } } }, { a: { b: {} } }],
    ['a string patch replaces an object target', { x: 1 }, 'plain', 'plain'],
    ['a null patch replaces the whole target', { x: 1 }, null, null],
    ['an empty object patch changes nothing', { x: 1 }, {}, { x: 1 }],
    [
      'null inside a nested object patch on a missing member leaves an empty object',
      {},
      { meta: { gone: null } },
      { meta: {} },
    ],
    ['nulls inside an array are values, not deletions', { list: [1] }, { list: [null, 2] }, { list: [null, 2] }],
    [
      'an object patch on a scalar member replaces it with the merged object',
      { meta: 'x' },
      { meta: { a: 1, b: null } },
      { meta: { a: 1 } },
    ],
    ['null on a member that does not exist is a no-op', { a: 1 }, { b: null }, { a: 1 }],
    ['an object patch on a null target merges into an empty object', null, { a: 1 }, { a: 1 }],
    ['an object patch on an undefined target merges into an empty object', undefined, { a: 1 }, { a: 1 }],
    [
      'false, 0 and "" are values, not deletions',
      { a: 1, b: 2, c: 3 },
      { a: false, b: 0, c: '' },
      { a: false, b: 0, c: '' },
    ],
    ['undefined members in the patch are skipped', { a: 1 }, { a: undefined, b: undefined }, { a: 1 }],
  ])('%s', (_label, target, patch, expected) => {
    expect(applyMergePatch(target, patch)).toStrictEqual(expected);
  });

  it('patches an image stream spec the way kubectl patch --type merge does', () => {
    const stream = {
      metadata: { name: 'app', labels: { tier: 'web', old: 'yes' } },
      spec: { lookupPolicy: { local: false }, tags: [{ name: 'latest' }] },
    };
    const patch = { metadata: { labels: { old: null, new: 'yes' } }, spec: { lookupPolicy: { local: true } } };
    expect(applyMergePatch(stream, patch)).toStrictEqual({
      metadata: { name: 'app', labels: { tier: 'web', new: 'yes' } },
      spec: { lookupPolicy: { local: true }, tags: [{ name: 'latest' }] },
    });
  });

  it('never mutates its inputs and never aliases the patch', () => {
    const target = deepFreeze({ a: { b: 1 }, keep: { c: 2 }, list: [1] });
    const patch = deepFreeze({ a: { b: 2 }, list: [{ d: 3 }], added: { e: 4 } });
    const result = applyMergePatch(target, patch) as Record<string, unknown>;
    expect(result).toStrictEqual({ a: { b: 2 }, keep: { c: 2 }, list: [{ d: 3 }], added: { e: 4 } });
    expect(result).not.toBe(target);
    expect(result['list']).not.toBe(patch.list);
    expect((result['list'] as unknown[])[0]).not.toBe(patch.list[0]);
    expect(result['added']).not.toBe(patch.added);
  });

  it('returns a copy, not the patch itself, when the patch replaces the target', () => {
    const patch = [{ a: 1 }];
    const result = applyMergePatch({}, patch);
    expect(result).toStrictEqual(patch);
    expect(result).not.toBe(patch);
  });

  it('keeps "__proto__" as an ordinary member instead of changing the prototype', () => {
    const patch = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');
    const result = applyMergePatch({}, patch) as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect((result as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.keys(result).sort()).toEqual(['__proto__', 'a']);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it('merges into an existing "__proto__" member and can delete it', () => {
    const target = JSON.parse('{"__proto__": {"x": 1}}');
    const merged = applyMergePatch(target, JSON.parse('{"__proto__": {"y": 2}}')) as Record<string, unknown>;
    expect(Object.getOwnPropertyDescriptor(merged, '__proto__')?.value).toStrictEqual({ x: 1, y: 2 });
    const removed = applyMergePatch(target, JSON.parse('{"__proto__": null}')) as Record<string, unknown>;
    expect(Object.keys(removed)).toEqual([]);
  });
});
