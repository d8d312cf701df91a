import type { DataSource } from 'typeorm';
import { PeriodicTask } from './periodic-task';
import { settledResourceVersion } from './resource-version';

/**
 * The change log behind `?watch=true`, as every owning service keeps it: `watch_log` rows written
 * with each change, and `watch_log_horizon`, the oldest resourceVersion a watch may still resume
 * from. Pruning moves the horizon past what it drops, in one statement, so a watcher asking for a
 * pruned range gets 410 Expired rather than a silent gap.
 */
export async function watchLogHorizon(dataSource: DataSource): Promise<bigint> {
  const rows: { resource_version: string }[] = await dataSource.query('SELECT resource_version FROM watch_log_horizon');
  return BigInt(rows[0].resource_version);
}

export async function pruneWatchLog(dataSource: DataSource, olderThanMs: number): Promise<void> {
  await dataSource.query(
    `WITH pruned AS (
       DELETE FROM watch_log WHERE created_at < clock_timestamp() - $1::bigint * interval '1 millisecond' RETURNING resource_version
     )
     UPDATE watch_log_horizon SET resource_version = greatest(resource_version, coalesce((SELECT max(resource_version) FROM pruned), 0))`,
    [olderThanMs],
  );
}

const PRUNE_INTERVAL_MS = 60_000;

/** Keeps a service's watch log to its retention, once a minute; register it with a factory provider. */
export class WatchLogPruner extends PeriodicTask {
  constructor(
    private readonly dataSource: DataSource,
    private readonly retentionMs: number,
  ) {
    super('pruning the watch log', PRUNE_INTERVAL_MS);
  }

  protected runRound(): Promise<void> {
    return pruneWatchLog(this.dataSource, this.retentionMs);
  }
}

/** Change-log entries one watch read delivers at most; a longer backlog takes several reads. */
const WATCH_READ_LIMIT = 5_000;

/** What a watch read delivers: log entries, oldest first, and where the watcher goes on from. */
export interface SettledEntries<T> {
  entries: T[];
  resourceVersion: string;
}

/**
 * The change-log entries after `since` that no write still in flight can overtake (up to the
 * settled resourceVersion; `read` fetches them, at most `limit`). A write in flight below the
 * log's newest entry would otherwise be skipped by every watcher that read past it. While writers
 * still run at the settle deadline, nothing is delivered and the watcher stays where it was.
 */
export async function settledEntries<T extends { resource_version: string }>(
  dataSource: DataSource,
  since: string,
  read: (upTo: string, limit: number) => Promise<T[]>,
): Promise<SettledEntries<T>> {
  const window = await settledResourceVersion(dataSource);
  if (!window.settled) return { entries: [], resourceVersion: since };
  const entries = await read(window.resourceVersion, WATCH_READ_LIMIT);
  return { entries, resourceVersion: nextWatchCursor(since, window.resourceVersion, entries) };
}

/**
 * Where a watcher goes on from after a read of the entries after `since` up to `settledUpTo`: past
 * the whole settled range when the read got all of it (entries of other namespaces or kinds
 * included, so a quiet watch does not re-read them), else past the last entry it got.
 */
function nextWatchCursor(since: string, settledUpTo: string, entries: readonly { resource_version: string }[]): string {
  if (entries.length >= WATCH_READ_LIMIT) return String(entries[entries.length - 1].resource_version);
  return BigInt(settledUpTo) > BigInt(since) ? settledUpTo : since;
}
