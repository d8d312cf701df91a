/**
 * Groups child rows fetched in one query by their parent key, keeping query order within each
 * group (`Map.groupBy` arrives with Node 21; this project runs on 20).
 */
export function groupRows<TRow, TKey>(rows: readonly TRow[], keyOf: (row: TRow) => TKey): Map<TKey, TRow[]> {
  const groups = new Map<TKey, TRow[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return groups;
}
