import { PeriodicTask, returnedRows } from '@imagestreams/platform-persistence';
import type { DataSource } from 'typeorm';
import { deleteUnusedEvents } from './delivery-events';

/** Deliveries one transaction removes at most, so no pass holds locks or builds WAL for long. */
const PRUNE_BATCH = 2_000;

/** Replicas prune one at a time: a second pruner would only wait for the first one's rows. */
const PRUNER_LOCK_KEY = 'trigger-dispatcher.prune-delivery-log';

/**
 * Removes settled deliveries (succeeded, dead, skipped) created longer than `retentionMs` ago, with
 * their attempts (cascade) and the stored events no delivery needs any more, in batches of short
 * transactions. Pending deliveries stay, however old (a paused subscription's backlog). Each batch
 * walks the subscriptions' `(subscription_uid, created_at)` index below the cut-off, so a pass
 * with nothing to remove costs one short index probe per subscription, not a scan of the log.
 * The cut-off is statement_timestamp(), not clock_timestamp(): only a stable value can be an index
 * condition (with clock_timestamp() each pass read every row of the log, 308 pages against 3 for
 * 20,000 deliveries). Returns how many deliveries went; 0 also when another replica is pruning.
 */
export async function pruneDeliveryLog(dataSource: DataSource, retentionMs: number, batchSize = PRUNE_BATCH): Promise<number> {
  let removed = 0;
  for (;;) {
    const batch = await dataSource.transaction(async (manager) => {
      const [{ turn }]: { turn: boolean }[] = await manager.query('SELECT pg_try_advisory_xact_lock(hashtextextended($1, 0)) AS turn', [PRUNER_LOCK_KEY]);
      if (!turn) return 0;
      const deleted = returnedRows<{ event_id: string }>(
        await manager.query(
          `DELETE FROM deliveries WHERE id IN (
             SELECT old.id FROM webhook_subscriptions s CROSS JOIN LATERAL (
               SELECT d.id FROM deliveries d
               WHERE d.subscription_uid = s.uid AND d.created_at < statement_timestamp() - $1::bigint * interval '1 millisecond' AND d.state <> 'pending'
               LIMIT $2
             ) old
             LIMIT $2
           )
           RETURNING event_id`,
          [retentionMs, batchSize],
        ),
      );
      await deleteUnusedEvents(manager, [...new Set(deleted.map((row) => row.event_id))]);
      return deleted.length;
    });
    removed += batch;
    if (batch < batchSize) return removed;
  }
}

const PRUNE_INTERVAL_MS = 60_000;

/** Keeps the delivery log to WEBHOOK_DELIVERY_RETENTION_HOURS, once a minute. */
export class DeliveryLogPruner extends PeriodicTask {
  constructor(
    private readonly dataSource: DataSource,
    private readonly retentionMs: number,
  ) {
    super('pruning the delivery log', PRUNE_INTERVAL_MS);
  }

  protected runRound(): Promise<number> {
    return pruneDeliveryLog(this.dataSource, this.retentionMs);
  }
}
