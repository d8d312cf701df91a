import type { DataSource, EntityManager } from 'typeorm';
import { MicroBatcher } from './micro-batcher';

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
 * Migration SQL for a service whose changes are watched (first version, kept as it was applied):
 * `next_resource_version()` gave the transaction its id before taking the next resourceVersion.
 * Replaced by {@link RESOURCE_VERSION_WRITERS_FUNCTION_SQL}.
 */
export const NEXT_RESOURCE_VERSION_FUNCTION_SQL = `
  CREATE FUNCTION next_resource_version() RETURNS bigint LANGUAGE sql VOLATILE AS $$
    SELECT pg_current_xact_id();
    SELECT nextval('resource_version_seq');
  $$`;

/**
 * Marks the transactions that write watched changes: a shared advisory lock, one per schema, that
 * `next_resource_version()` takes before handing out a resourceVersion and that the transaction
 * holds until it ends. Shared, so writers never wait for each other; readers only look at it in
 * `pg_locks`, never take it.
 */
const WRITERS_LOCK_CLASS = 1_919_251_297;
const WRITERS_LOCK_KEYS = `${WRITERS_LOCK_CLASS}, hashtext(current_schema()) & 2147483647`;
const HELD_WRITERS_LOCK = `locktype = 'advisory' AND classid = ${WRITERS_LOCK_CLASS} AND objid = (hashtext(current_schema()) & 2147483647)::oid AND objsubid = 2 AND granted`;

/** Migration SQL: `next_resource_version()` takes the writers' lock, then the next resourceVersion. */
export const RESOURCE_VERSION_WRITERS_FUNCTION_SQL = `
  CREATE OR REPLACE FUNCTION next_resource_version() RETURNS bigint LANGUAGE sql VOLATILE AS $$
    SELECT pg_advisory_xact_lock_shared(${WRITERS_LOCK_KEYS});
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
 * would never hear of that write. So: read the position, then note the transactions of this schema
 * that hold the writers' lock at that moment (`pg_locks`), and wait until none of them holds it any
 * more. Every write at or below the position took the lock, then its resourceVersion
 * (`next_resource_version()`), before the position was read, so it is among them, or already over.
 * Only those writers are waited for: a long transaction elsewhere in the cluster, or a session left
 * open in a transaction, delays nothing. The wait is the length of the longest write in flight,
 * usually a few milliseconds; after `timeoutMs` the position is answered unsettled.
 */
export function settledResourceVersion(db: DataSource | EntityManager, timeoutMs = SETTLE_TIMEOUT_MS): Promise<SettledResourceVersion> {
  if (timeoutMs !== SETTLE_TIMEOUT_MS || !('driver' in db)) return readSettledResourceVersion(db, timeoutMs);
  let shared = sharedReads.get(db);
  if (!shared) {
    shared = new MicroBatcher((callers) => readSettledResourceVersion(db, SETTLE_TIMEOUT_MS).then((settled) => callers.map(() => settled)), Number.POSITIVE_INFINITY, 1);
    sharedReads.set(db, shared);
  }
  return shared.submit(undefined);
}

/**
 * Every watcher of a process asks after each write it hears of, so a hundred watchers would read
 * `pg_locks` a hundred times for the same answer. Callers of one DataSource share a read instead:
 * one read at a time, and whoever asks while it runs waits for the next one, which starts after they
 * asked. A read already under way when someone asks could predate a write that caller has already
 * heard of; the next one cannot.
 */
const sharedReads = new WeakMap<DataSource, MicroBatcher<undefined, SettledResourceVersion>>();

async function readSettledResourceVersion(db: DataSource | EntityManager, timeoutMs: number): Promise<SettledResourceVersion> {
  const resourceVersion = await currentResourceVersion(db);
  const [writers]: { held: string[] }[] = await db.query(
    `SELECT coalesce(array_agg(virtualtransaction), '{}') AS held FROM pg_locks WHERE ${HELD_WRITERS_LOCK} AND pid <> pg_backend_pid()`,
  );
  if (writers.held.length === 0) return { resourceVersion, settled: true };
  const deadline = Date.now() + timeoutMs;
  for (let pauseMs = 1; Date.now() < deadline; pauseMs = Math.min(pauseMs * 2, SETTLE_MAX_PAUSE_MS)) {
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
    const [check]: { settled: boolean }[] = await db.query(`SELECT NOT EXISTS (SELECT FROM pg_locks WHERE ${HELD_WRITERS_LOCK} AND virtualtransaction = ANY ($1::text[])) AS settled`, [writers.held]);
    if (check.settled) return { resourceVersion, settled: true };
  }
  return { resourceVersion, settled: false };
}
