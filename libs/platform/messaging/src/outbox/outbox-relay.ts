import { Logger } from '@nestjs/common';
import { context, ROOT_CONTEXT } from '@opentelemetry/api';
import type { Counter } from 'prom-client';
import type { DataSource } from 'typeorm';
import { outboxPublishedCounter } from '../telemetry/messaging-metrics';

export type PublishFn = (subject: string, payload: Uint8Array, eventId: string) => Promise<unknown>;

export interface OutboxRelayOptions {
  batchSize?: number;
  /** Safety net: rows committed by a process that died before relaying are found by polling. */
  pollIntervalMs?: number;
  /** Published rows are kept this long for inspection, then deleted. */
  retentionMs?: number;
}

interface OutboxRow {
  id: string;
  subject: string;
  payload: string;
}

/**
 * Moves committed outbox rows to JetStream. Each batch is claimed with `FOR UPDATE SKIP LOCKED`
 * (N replicas never publish the same row concurrently) and marked published, published with
 * `Nats-Msg-Id` = event id, and committed only then. A crash after publishing but before the commit
 * republishes the rows later; JetStream's duplicate window drops the copies.
 */
export class OutboxRelay {
  private readonly logger = new Logger('OutboxRelay');
  private readonly batchSize: number;
  private running: Promise<number> | undefined;
  private polling = false;
  private rerun = false;
  private stopped = true;
  private pollTimer: NodeJS.Timeout | undefined;
  private lastCleanup = 0;
  private readonly published: Counter = outboxPublishedCounter();

  constructor(
    private readonly dataSource: DataSource,
    private readonly publish: PublishFn,
    private readonly options: OutboxRelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 100;
  }

  start(): void {
    this.stopped = false;
    this.pollTimer = setInterval(() => void this.poll(), this.options.pollIntervalMs ?? 1_000);
    this.kick();
  }

  /**
   * The safety net's look, every second in every service with an outbox: one read of the partial
   * index of unpublished rows, and a relay pass only if it finds one. An empty pass is a claiming
   * transaction, three round trips (each waking Postgres and the service) for nothing, which is
   * what nearly every poll finds. Returns whether it started a pass.
   */
  async poll(): Promise<boolean> {
    if (this.stopped || !this.idle) return false;
    this.polling = true;
    try {
      const pending: unknown[] = await this.dataSource.query('SELECT 1 FROM outbox WHERE published_at IS NULL LIMIT 1');
      if (pending.length === 0) {
        await this.cleanupIfDue();
        return false;
      }
      this.kick();
      return true;
    } catch (error) {
      this.logger.warn(`outbox poll failed: ${(error as Error).message}`);
      return false;
    } finally {
      this.polling = false;
    }
  }

  /** Neither a relay pass nor a poll is running. */
  get idle(): boolean {
    return !this.running && !this.polling;
  }

  /** Ask for a relay pass now (called right after a transaction with outbox rows commits). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.rerun = true;
      return;
    }
    // Outside the kicking request's trace: a pass publishes whatever is due, for any request.
    this.running = context.with(ROOT_CONTEXT, () => this.drain()).finally(() => (this.running = undefined));
  }

  /** Finish the pass in progress, then stop; unpublished rows stay for the next process. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    await this.running;
  }

  /** Publishes until no unpublished rows remain; returns how many were published. */
  async drain(): Promise<number> {
    let total = 0;
    do {
      this.rerun = false;
      try {
        for (;;) {
          const published = await this.publishBatch();
          total += published;
          if (published < this.batchSize) break;
        }
        await this.cleanupIfDue();
      } catch (error) {
        // The rows stay unpublished; the next kick or poll retries them.
        this.logger.warn(`outbox relay pass failed: ${(error as Error).message}`);
        return total;
      }
    } while (this.rerun && !this.stopped);
    return total;
  }

  /**
   * Claims and marks a batch in one statement, publishes it, then commits: a failed publish rolls
   * the marks back, and a crash before the commit leaves the rows unpublished, as if never claimed.
   * (Three round trips a batch: BEGIN, the UPDATE, COMMIT; a SELECT and a separate UPDATE were four.)
   */
  private async publishBatch(): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      // RETURNING follows no order; events go out in the order they were written.
      const rows: OutboxRow[] = await manager.query(
        `WITH claimed AS (
           UPDATE outbox SET published_at = clock_timestamp()
           WHERE seq IN (SELECT seq FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED)
           RETURNING seq, id, subject, payload
         )
         SELECT id, subject, payload FROM claimed ORDER BY seq`,
        [this.batchSize],
      );
      if (rows.length === 0) return 0;
      const encoder = new TextEncoder();
      // One connection keeps publish order; awaiting them together keeps the batch fast.
      await Promise.all(rows.map((row) => this.publish(row.subject, encoder.encode(row.payload), row.id)));
      this.published.inc(rows.length);
      return rows.length;
    });
  }

  /** What `/metrics` reports: unpublished rows and the age of the oldest (the partial index answers it). */
  async backlog(): Promise<{ unpublished: number; oldestAgeSeconds: number }> {
    const [row]: { unpublished: number; oldest_age_seconds: number | null }[] = await this.dataSource.query(
      'SELECT count(*)::int AS unpublished, EXTRACT(EPOCH FROM clock_timestamp() - min(created_at))::float8 AS oldest_age_seconds FROM outbox WHERE published_at IS NULL',
    );
    return { unpublished: Number(row?.unpublished ?? 0), oldestAgeSeconds: Math.max(0, Number(row?.oldest_age_seconds ?? 0)) };
  }

  private async cleanupIfDue(): Promise<void> {
    const retentionMs = this.options.retentionMs ?? 24 * 3_600_000;
    if (Date.now() - this.lastCleanup < 60_000) return;
    this.lastCleanup = Date.now();
    await this.dataSource.query(`DELETE FROM outbox WHERE published_at < clock_timestamp() - ($1::bigint * interval '1 millisecond')`, [retentionMs]);
  }
}
