import { DEFAULT_BULK_IMPORT_LIMIT, orderRepositoryTags, splitBulkImport } from './bulk-tag-order';

describe('orderRepositoryTags', () => {
  it.each<[label: string, tags: string[], expected: string[]]>([
    [
      'latest, minor versions, full versions, then the rest',
      ['nightly', '5.1.3', 'v5.1', 'latest', '5.0', 'alpine', '4.9.12', '5.1-rc1'],
      ['latest', 'v5.1', '5.1-rc1', '5.0', '5.1.3', '4.9.12', 'alpine', 'nightly'],
    ],
    ['an empty tag counts as latest', ['1.0', ''], ['latest', '1.0']],
    ['an empty tag and latest are one tag', ['', 'latest', 'latest'], ['latest']],
    ['minor versions compare numerically, not as text', ['1.9', '1.10', '1.2'], ['1.10', '1.9', '1.2']],
    ['the unprefixed spelling of the same version comes first', ['v5.1', '5.1', 'v5.1.3', '5.1.3'], ['5.1', 'v5.1', '5.1.3', 'v5.1.3']],
    ['a minor release outranks its candidates', ['5.1-rc1', '5.1', '5.1-beta'], ['5.1', '5.1-rc1', '5.1-beta']],
    ['a release outranks its pre-releases', ['2.0.0-rc.1', '2.0.0', '1.9.9'], ['2.0.0', '2.0.0-rc.1', '1.9.9']],
    ['full versions with a suffix', ['v5.1.3-x', '5.1.4-ubi8', '5.1.3'], ['5.1.4-ubi8', '5.1.3', 'v5.1.3-x']],
    ['build metadata ties are settled by name', ['1.0.0+b', '1.0.0+a'], ['1.0.0+a', '1.0.0+b']],
    [
      'near-versions are ordinary tags',
      ['01.2', '5.1-rc_1', '5.1-rc.1', 'V5.1', '5', '1.2.3.4', 'v', '5.1-'],
      ['01.2', '1.2.3.4', '5', '5.1-', '5.1-rc.1', '5.1-rc_1', 'V5.1', 'v'],
    ],
    ['other tags sort by code point', ['b', 'B', 'a-1', 'a'], ['B', 'a', 'a-1', 'b']],
    ['huge version numbers keep their order', ['20240102000000.0', '20240101000000.0'], ['20240102000000.0', '20240101000000.0']],
    ['nothing', [], []],
  ])('%s', (_label, tags, expected) => {
    expect(orderRepositoryTags(tags)).toEqual(expected);
  });

  it('does not depend on the order the registry listed the tags in', () => {
    const tags = ['latest', '1.0', 'v1.0', '1.0-rc1', '1.0.0', 'v1.0.0', '1.0.0+a', '1.0.0+b', 'edge', ''];
    const expected = orderRepositoryTags(tags);
    expect(orderRepositoryTags([...tags].reverse())).toEqual(expected);
    expect(orderRepositoryTags([...tags].sort())).toEqual(expected);
  });

  it('leaves its input alone', () => {
    const tags = ['b', 'latest', 'a'];
    orderRepositoryTags(tags);
    expect(tags).toEqual(['b', 'latest', 'a']);
  });
});

describe('splitBulkImport', () => {
  const tags = ['edge', '1.0.0', '1.1', 'latest', '1.0'];

  it.each<[label: string, limit: number, imported: string[], additional: string[]]>([
    ['keeps the first N in priority order', 2, ['latest', '1.1'], ['1.0', '1.0.0', 'edge']],
    ['imports everything with -1', -1, ['latest', '1.1', '1.0', '1.0.0', 'edge'], []],
    ['imports everything when the limit is larger', 10, ['latest', '1.1', '1.0', '1.0.0', 'edge'], []],
    ['imports nothing with 0', 0, [], ['latest', '1.1', '1.0', '1.0.0', 'edge']],
  ])('%s', (_label, limit, imported, additional) => {
    expect(splitBulkImport(tags, limit)).toEqual({ imported, additional });
  });

  it('defaults to OpenShift’s limit of 50', () => {
    const many = Array.from({ length: 60 }, (_, i) => `t${String(i).padStart(2, '0')}`);
    const split = splitBulkImport(many);
    expect(DEFAULT_BULK_IMPORT_LIMIT).toBe(50);
    expect(split.imported).toEqual(many.slice(0, 50));
    expect(split.additional).toEqual(many.slice(50));
  });

  it.each([-2, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects the limit %p', (limit) => {
    expect(() => splitBulkImport(tags, limit)).toThrow(RangeError);
  });
});
