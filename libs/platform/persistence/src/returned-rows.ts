/**
 * The rows of an `UPDATE … RETURNING` or `DELETE … RETURNING` run through `DataSource#query`.
 * TypeORM's Postgres driver answers those two commands with `[rows, affectedCount]` (and every other
 * command with the rows themselves), so indexing the raw result silently reads the wrong thing.
 */
export function returnedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
