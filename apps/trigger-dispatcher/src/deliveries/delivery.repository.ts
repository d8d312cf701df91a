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
  leaseMs: number;
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

export interface AttemptResult {
  deliveryId: string;
  attempt: AttemptRecord;
  outcome: { state: 'succeeded' | 'dead' } | { state: 'pending'; retryInMs: number };
}

const JOB_COLUMNS = 'd.id, d.event_id, d.payload, d.attempts, d.subscription_uid, s.spec, s.signing_secret';

@Injectable()
export class DeliveryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Inserts deliveries already leased to this process, so it can send them right away while no
   * other replica's poller picks them up. An event seen twice inserts nothing the second time.
   * One statement for any number of rows (atomic on its own); returns the ids that are new.
   */
  async insertLeased(deliveries: NewDelivery[]): Promise<string[]> {
    if (deliveries.length === 0) return [];
    const inserted: { id: string }[] = await this.dataSource.query(
      `INSERT INTO deliveries (id, subscription_uid, event_id, event_type, event_subject, payload, leased_until)
       SELECT id, subscription_uid, event_id, event_type, event_subject, payload, clock_timestamp() + lease_ms * interval '1 millisecond'
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::bigint[])
         AS input (id, subscription_uid, event_id, event_type, event_subject, payload, lease_ms)
       ON CONFLICT (subscription_uid, event_id) DO NOTHING RETURNING id`,
      [
        deliveries.map((d) => d.id),
        deliveries.map((d) => d.subscriptionUid),
        deliveries.map((d) => d.eventId),
        deliveries.map((d) => d.eventType),
        deliveries.map((d) => d.eventSubject ?? null),
        deliveries.map((d) => d.payload),
        deliveries.map((d) => d.leaseMs),
      ],
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

  /** Attempt rows and the deliveries' next states for any number of attempts, in one statement. */
  async recordAttempts(results: AttemptResult[]): Promise<void> {
    if (results.length === 0) return;
    await this.dataSource.query(
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::int[], $4::int[], $5::text[], $6::text[], $7::text[], $8::bigint[])
           AS t (delivery_id, attempted_at, status_code, latency_ms, error, response_snippet, state, retry_ms)
       ), attempt AS (
         INSERT INTO delivery_attempts (delivery_id, attempted_at, status_code, latency_ms, error, response_snippet)
         SELECT delivery_id, attempted_at, status_code, latency_ms, error, response_snippet FROM input
       )
       UPDATE deliveries d SET attempts = d.attempts + 1, leased_until = NULL, state = input.state,
         next_attempt_at = CASE WHEN input.state = 'pending' THEN clock_timestamp() + input.retry_ms * interval '1 millisecond' ELSE d.next_attempt_at END,
         delivered_at = CASE WHEN input.state = 'succeeded' THEN clock_timestamp() END
       FROM input WHERE d.id = input.delivery_id`,
      [
        results.map((r) => r.deliveryId),
        results.map((r) => r.attempt.attemptedAt),
        results.map((r) => r.attempt.statusCode ?? null),
        results.map((r) => r.attempt.latencyMs),
        results.map((r) => r.attempt.error ?? null),
        results.map((r) => r.attempt.responseSnippet ?? null),
        results.map((r) => r.outcome.state),
        results.map((r) => (r.outcome.state === 'pending' ? r.outcome.retryInMs : 0)),
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
