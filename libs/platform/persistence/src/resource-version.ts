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

/**
 * Migration SQL for a service whose changes are watched: `next_resource_version()` hands out the
 * next resourceVersion only once the calling transaction has a transaction id. Taken that way, a
 * resourceVersion that is handed out but not yet committed always belongs to a transaction that a
 * later snapshot lists as running, which is what {@link settledResourceVersion} waits for.
 * (`nextval` alone does not assign one, and a statement assigns it at its first row write, after
 * evaluating the values it writes.)
 */
export const NEXT_RESOURCE_VERSION_FUNCTION_SQL = `
  CREATE FUNCTION next_resource_version() RETURNS bigint LANGUAGE sql VOLATILE AS $$
    SELECT pg_current_xact_id();
    SELECT nextval('resource_version_seq');
  $$`;

export interface SettledResourceVersion {
  resourceVersion: string;
  /** False when writers still ran at the deadline: changes at or below `resourceVersion` may still commit. */
  settled: boolean;
}

const SETTLE_TIMEOUT_MS = 1_000;
const SETTLE_MAX_PAUSE_MS = 16;

/**
 * The newest resourceVersion below which nothing can commit any more. Writes take their
 * resourceVersions from one sequence but commit in any order, so the sequence's position alone can
 * be ahead of a write still in flight: a watch that moved past it, or a list that answered it,
 * would never hear of that write. So: read the position, then note the transactions running at
 * that moment (their ids, from `pg_stat_activity`) and wait until none of them runs any more.
 * Every write at or below the position took its resourceVersion, and so its transaction id
 * (`next_resource_version()`), before the position was read, so it is among them, or already over.
 * (A snapshot's in-progress list would not do: it leaves out the newest running transactions,
 * those at or above its horizon.) The wait is the length of the longest write in flight, usually a
 * few milliseconds; after `timeoutMs` the position is answered unsettled. Writers must run as the
 * same database role as the reader, or one with `pg_read_all_stats`, for their ids to be visible.
 */
export async function settledResourceVersion(db: DataSource | EntityManager, timeoutMs = SETTLE_TIMEOUT_MS): Promise<SettledResourceVersion> {
  const resourceVersion = await currentResourceVersion(db);
  const [running]: { xids: string[] }[] = await db.query(
    "SELECT coalesce(array_agg(backend_xid::text), '{}') AS xids FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND pid <> pg_backend_pid()",
  );
  if (running.xids.length === 0) return { resourceVersion, settled: true };
  const deadline = Date.now() + timeoutMs;
  for (let pauseMs = 1; Date.now() < deadline; pauseMs = Math.min(pauseMs * 2, SETTLE_MAX_PAUSE_MS)) {
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    const [check]: { settled: boolean }[] = await db.query('SELECT NOT EXISTS (SELECT FROM pg_stat_activity WHERE backend_xid = ANY ($1::xid[])) AS settled', [running.xids]);
    if (check.settled) return { resourceVersion, settled: true };
  }
  return { resourceVersion, settled: false };
}
