import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { WebhookSubscriptionSpec } from '@imagestreams/contracts';
import type { DataSource } from 'typeorm';

export interface NewDelivery {
  id: string;
  subscriptionUid: string;
  eventId: string;
  eventType: string;
  eventSubject?: string;
  payload: string;
}

/** A claimed delivery joined with what sending it needs from its subscription. */
export interface DeliveryJob {
  id: string;
  event_id: string;
  payload: string;
  attempts: number;
  subscription_uid: string;
  spec: WebhookSubscriptionSpec;
  signing_secret: string;
}

export interface DeliveryRow {
  id: string;
  event_id: string;
  event_type: string;
  event_subject: string | null;
  state: 'pending' | 'succeeded' | 'dead';
  attempts: number;
  next_attempt_at: Date;
  created_at: Date;
  delivered_at: Date | null;
}

export interface AttemptRow {
  delivery_id: string;
  attempted_at: Date;
  status_code: number | null;
  latency_ms: number;
  error: string | null;
  response_snippet: string | null;
}

export interface AttemptRecord {
  attemptedAt: Date;
  statusCode?: number;
  latencyMs: number;
  error?: string;
  responseSnippet?: string;
}

const JOB_COLUMNS = 'd.id, d.event_id, d.payload, d.attempts, d.subscription_uid, s.spec, s.signing_secret';

@Injectable()
export class DeliveryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Inserts deliveries already leased to this process, so it can send them right away while no
   * other replica's poller picks them up. An event seen twice inserts nothing the second time.
   * Returns the ids that are new.
   */
  async insertLeased(deliveries: NewDelivery[], leaseMs: number): Promise<string[]> {
    if (deliveries.length === 0) return [];
    const values: unknown[] = [leaseMs];
    const rows = deliveries.map((delivery, index) => {
      const base = index * 6 + 2;
      values.push(delivery.id, delivery.subscriptionUid, delivery.eventId, delivery.eventType, delivery.eventSubject ?? null, delivery.payload);
      return `($${base}, $${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}, clock_timestamp() + $1::bigint * interval '1 millisecond')`;
    });
    const inserted: { id: string }[] = await this.dataSource.query(
      `INSERT INTO deliveries (id, subscription_uid, event_id, event_type, event_subject, payload, leased_until)
       VALUES ${rows.join(', ')}
       ON CONFLICT (subscription_uid, event_id) DO NOTHING RETURNING id`,
      values,
    );
    return inserted.map((row) => row.id);
  }

  /**
   * Claims due deliveries whose lease is free or expired (a crashed replica's work comes back
   * this way). SKIP LOCKED lets N replicas poll without waiting for or duplicating each other.
   */
  async claimDue(limit: number, leaseMs: number): Promise<DeliveryJob[]> {
    return this.dataSource.query(
      `WITH due AS (
         SELECT id FROM deliveries
         WHERE state = 'pending' AND next_attempt_at <= clock_timestamp()
           AND (leased_until IS NULL OR leased_until < clock_timestamp())
         ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE deliveries d SET leased_until = clock_timestamp() + $2::bigint * interval '1 millisecond'
         FROM due WHERE d.id = due.id RETURNING d.*
       )
       SELECT ${JOB_COLUMNS} FROM claimed d JOIN webhook_subscriptions s ON s.uid = d.subscription_uid`,
      [limit, leaseMs],
    );
  }

  /** The attempt row and the delivery's next state in one statement: atomic, one round trip. */
  async recordAttempt(deliveryId: string, attempt: AttemptRecord, outcome: { state: 'succeeded' | 'dead' } | { state: 'pending'; retryInMs: number }): Promise<void> {
    await this.dataSource.query(
      `WITH attempt AS (
         INSERT INTO delivery_attempts (delivery_id, attempted_at, status_code, latency_ms, error, response_snippet)
         VALUES ($1, $2, $3, $4, $5, $6)
       )
       UPDATE deliveries SET attempts = attempts + 1, leased_until = NULL, state = $7,
         next_attempt_at = CASE WHEN $7 = 'pending' THEN clock_timestamp() + $8::bigint * interval '1 millisecond' ELSE next_attempt_at END,
         delivered_at = CASE WHEN $7 = 'succeeded' THEN clock_timestamp() END
       WHERE id = $1`,
      [
        deliveryId,
        attempt.attemptedAt,
        attempt.statusCode ?? null,
        attempt.latencyMs,
        attempt.error ?? null,
        attempt.responseSnippet ?? null,
        outcome.state,
        outcome.state === 'pending' ? outcome.retryInMs : 0,
      ],
    );
  }

  async forSubscription(subscriptionUid: string, limit = 500): Promise<{ deliveries: DeliveryRow[]; attempts: AttemptRow[] }> {
    const deliveries: DeliveryRow[] = await this.dataSource.query(
      'SELECT id, event_id, event_type, event_subject, state, attempts, next_attempt_at, created_at, delivered_at FROM deliveries WHERE subscription_uid = $1 ORDER BY created_at DESC LIMIT $2',
      [subscriptionUid, limit],
    );
    const attempts: AttemptRow[] = deliveries.length
      ? await this.dataSource.query('SELECT * FROM delivery_attempts WHERE delivery_id = ANY($1::uuid[]) ORDER BY id', [deliveries.map((d) => d.id)])
      : [];
    return { deliveries, attempts };
  }
}
