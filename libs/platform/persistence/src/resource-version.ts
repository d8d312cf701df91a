import type { DataSource, EntityManager } from 'typeorm';

/**
 * Every service that serves Kubernetes-style resources keeps one `resource_version_seq` in its
 * schema; a list's resourceVersion is the sequence's latest value.
 */
export async function currentResourceVersion(db: DataSource | EntityManager): Promise<string> {
  const rows: { last_value: string }[] = await db.query('SELECT last_value FROM resource_version_seq');
  return String(rows[0].last_value);
}
