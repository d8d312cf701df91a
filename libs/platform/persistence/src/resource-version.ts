import type { DataSource, EntityManager } from 'typeorm';

/**
 * Every service that serves Kubernetes-style resources keeps one `resource_version_seq` in its
 * schema; a list's resourceVersion is the sequence's latest value. Before the first `nextval`
 * Postgres reports `last_value` 1 although 1 has not been handed out yet, so that is 0: a watch
 * resuming from it must still hear about the object that will get 1.
 */
export async function currentResourceVersion(db: DataSource | EntityManager): Promise<string> {
  const rows: { last_value: string }[] = await db.query('SELECT CASE WHEN is_called THEN last_value ELSE 0 END AS last_value FROM resource_version_seq');
  return String(rows[0].last_value);
}
