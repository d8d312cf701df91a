import type { Pool, PoolClient, QueryResultRow } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs `text` as a named prepared statement: Postgres parses, analyzes and plans it once per
 * connection instead of on every call (TypeORM's `query()` sends unnamed statements only). For the
 * large CTE statements of the hot paths that was a fifth of their Postgres time. Only for statements
 * whose plan does not depend on the values (arrays or JSON unpacked in SQL, keys looked up by
 * index): after five executions Postgres may keep one generic plan for all values, sized on the
 * tables as they were then (a service whose tables start empty and grow fast opts out of generic
 * plans: ServiceDatabaseOptions.customPlans). Each `name` must
 * always carry the same `text`, and its result columns must be named, never `*`: Postgres replans a
 * prepared statement when a migration changes its tables, but refuses one whose result columns
 * changed (a replica still running while another migrates). Inside a transaction (`manager.queryRunner`) the statement runs on
 * the transaction's connection; otherwise on any pooled connection. Returns the rows, whatever the
 * statement (RETURNING rows of an UPDATE included).
 */
export async function preparedQuery<T extends QueryResultRow>(db: DataSource | EntityManager, name: string, text: string, values: unknown[]): Promise<T[]> {
  const manager = 'driver' in db ? db.manager : db;
  if (manager.queryRunner) {
    const client = (await manager.queryRunner.connect()) as PoolClient;
    return (await client.query<T>({ name, text, values })).rows;
  }
  const pool = (manager.connection.driver as unknown as { master: Pool }).master;
  return (await pool.query<T>({ name, text, values })).rows;
}
