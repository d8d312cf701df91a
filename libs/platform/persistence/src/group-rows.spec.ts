import { groupRows } from './group-rows';

describe('groupRows', () => {
  it('groups by key and keeps the query order inside each group', () => {
    const rows = [
      { parent: 'a', n: 1 },
      { parent: 'b', n: 2 },
      { parent: 'a', n: 3 },
    ];
    const groups = groupRows(rows, (row) => row.parent);
    expect([...groups.keys()]).toEqual(['a', 'b']);
    expect(groups.get('a')?.map((row) => row.n)).toEqual([1, 3]);
    expect(groups.get('b')?.map((row) => row.n)).toEqual([2]);
  });

  it('returns an empty map for no rows', () => {
    expect(groupRows([], () => 'x').size).toBe(0);
  });
});
