import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DeliveryOutcome, WebhookSubscriptionSpec } from '@imagestreams/contracts';
import { PgErrorCodes, preparedQuery, retryOn, retryOnDeadlock, returnedRows } from '@imagestreams/platform-persistence';
import type { DataSource, EntityManager } from 'typeorm';
import type { StoredSigningSecrets } from '../subscriptions/signing-secrets';
import { storeEvents } from './delivery-events';

/** One delivery to record. Deliveries of one event (same `eventId`) carry the same event fields. */
export interface NewDelivery {
  id: string;
  subscriptionUid: string;
  eventId: string;
  eventType: string;
  eventSubject?: string;
  payload: string;
  /** Lease it to this process for this long; null leaves it unleased, for any replica's poller. */
  leaseMs: number | null;
  /** Origin of the receiver URL: what per-target concurrency counts. */
  target: string;
  /** `<namespace>/<stream>:<tag>` for tag moves: deliveries with one key are sent in `orderingSeq` order. */
  orderingKey?: string;
  orderingSeq?: string;
  /** An older move of the same key is in the same batch: this one waits for it (recorded unleased). */
  queuedBehind?: boolean;
}

/**
 * A claimed delivery joined with what sending it needs from its subscription. The signing secrets
 * stay sealed until the moment of signing.
 */
export interface DeliveryJob extends StoredSigningSecrets {
  id: string;
  event_id: string;
  payload: string;
  attempts: number;
  subscription_uid: string;
  target: string;
  spec: WebhookSubscriptionSpec;
  /** When this process got (or renewed) the lease, to renew it before it runs out while queued. */
  leasedAt?: number;
  /**
   * The lease as Postgres wrote it, as text (microseconds intact): renewing succeeds only while the
   * row still holds exactly this lease, i.e. no other process has taken the delivery over.
   */
  lease?: string;
  /** A tag move (ordered per tag): when it settles, the next move of that tag may be waiting. */
  ordered?: boolean;
}

export interface DeliveryRow {
  id: string;
  event_id: string;
  event_type: string;
  event_subject: string | null;
  state: DeliveryOutcome;
  attempts: number;
  next_attempt_at: Date;
  created_at: Date;
  delivered_at: Date | null;
  /** Read for one delivery only (`one`), not for lists. */
  payload?: string | null;
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
  subscriptionUid: string;
  attempt: AttemptRecord;
  outcome: { state: 'succeeded' | 'dead' } | { state: 'pending'; retryInMs: number };
  /** Whether the attempt extends or ends the subscription's failure streak (pings do neither). */
  streak: 'success' | 'failure' | 'none';
  /** The receiver said 410 Gone: the subscription is disabled for this reason. */
  disableReason?: string;
  /** A tag move: settling it may unblock the tag's next move. */
  ordered?: boolean;
}

/** A subscription the recorded attempts disabled (410 Gone, or its failure streak reached the limit). */
export interface DisabledSubscription {
  uid: string;
  namespace: string;
  name: string;
  disabled_reason: string;
  consecutive_failures: number;
}

/** A subscription's failure streak after recording attempts. */
interface FailureStreak {
  uid: string;
  consecutive_failures: number;
  disabled_reason: string | null;
  disable_after: number | null;
}

const JOB_COLUMNS = `d.id, d.event_id, e.payload, d.attempts, d.subscription_uid, d.target, d.leased_until::text AS lease, d.ordering_key IS NOT NULL AS ordered, s.spec,
  s.sealed_signing_secret, s.signing_secret, s.sealed_previous_signing_secret, s.previous_signing_secret, s.previous_secret_expires_at`;

@Injectable()
export class DeliveryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Records deliveries, the sendable ones already leased to this process so it can send them at
   * once while no other replica's poller picks them up; an event seen twice inserts nothing.
   * Returns the deliveries this process should send now, with their lease.
   *
   * Per-tag ordering (one transaction, the keys advisory-locked in sorted order so replicas planning
   * moves of one tag take turns). Moves of a tag go out one after another, oldest first: a move with
   * an older sibling still pending waits unleased until the poller finds it unblocked. Skipped
   * (`skipped`, never sent) are only a move older than one already recorded, and an older move that
   * already failed and waits for a retry: a newer move supersedes it instead of queueing behind a
   * receiver's outage.
   */
  async insertLeased(deliveries: NewDelivery[]): Promise<Map<string, string>> {
    if (deliveries.length === 0) return new Map();
    // An event's own fields (the payload above all) go once per event, not once per delivery:
    // with ten subscriptions that is a tenth of the bytes to escape, send and parse.
    const events = [...new Map(deliveries.map((d) => [d.eventId, d])).values()];
    const eventIndex = new Map(events.map((d, index) => [d.eventId, index + 1]));
    // One statement, so one round trip and its own transaction: locks, superseding and the INSERT
    // are the plan_deliveries() function (see its migration).
    const inserted = await preparedQuery<{ id: string; lease: string | null }>(
      this.dataSource,
      'plan-deliveries',
      'SELECT planned_id AS id, planned_lease AS lease FROM plan_deliveries($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)',
      [
        events.map((d) => d.eventId),
        events.map((d) => d.eventType),
        events.map((d) => d.eventSubject ?? null),
        events.map((d) => d.payload),
        events.map((d) => d.orderingKey ?? null),
        events.map((d) => d.orderingSeq ?? null),
        deliveries.map((d) => d.id),
        deliveries.map((d) => d.subscriptionUid),
        deliveries.map((d) => eventIndex.get(d.eventId)),
        deliveries.map((d) => d.leaseMs),
        deliveries.map((d) => d.target),
        deliveries.map((d) => d.queuedBehind === true),
      ],
    );
    return new Map(inserted.filter((row) => row.lease !== null).map((row) => [row.id, row.lease as string]));
  }

  /**
   * Claims due deliveries whose lease is free or expired (a crashed replica's work comes back
   * this way), skipping targets this process has no room for, moves whose older sibling is still
   * pending, and subscriptions that are paused or disabled (their deliveries wait, and resume when
   * the subscription is edited). SKIP LOCKED lets N replicas poll without waiting for or duplicating each other.
   *
   * `expiredLeases: false` leaves out leases that ran out: the worker looks for those on its timer
   * only, not on every poll a settled move or a drained target asks for. That scan walks the lease
   * index below now, where every delivered row's entry stays until vacuum (about 26,000 of them
   * after 20 s at 2,000 webhooks/s), while the unleased index holds only what waits.
   */
  async claimDue(limit: number, leaseGraceMs: number, saturatedTargets: string[] = [], { expiredLeases = true } = {}): Promise<DeliveryJob[]> {
    // Candidates come from the two claim indexes only (unleased and due; lease run out), never from
    // a walk over the leased rows being sent right now. Each is an ordered index scan, which marks
    // the entries of rows that have since been delivered as dead as it passes them (a bitmap scan
    // would visit them again every poll until vacuum); paused and disabled subscriptions are one
    // array computed up front, so no join tempts the planner away from those scans. The row's own
    // state is checked again on the row itself, under its lock, in a form no index answers.
    // statement_timestamp(), not clock_timestamp(): an index condition must be stable.
    const claimable = `NOT (d.target = ANY($3::text[]))
      AND NOT (d.subscription_uid = ANY (ARRAY(SELECT uid FROM webhook_subscriptions s
        WHERE s.disabled_reason IS NOT NULL OR coalesce((s.spec->>'paused')::boolean, false))))
      AND (d.ordering_key IS NULL OR NOT EXISTS (
        SELECT 1 FROM deliveries o WHERE o.subscription_uid = d.subscription_uid AND o.ordering_key = d.ordering_key
          AND o.ordering_seq < d.ordering_seq AND o.state = 'pending'))`;
    const expired = `SELECT id FROM deliveries d WHERE state = 'pending' AND leased_until IS NOT NULL AND leased_until < statement_timestamp()
         AND ${claimable}
       ORDER BY leased_until LIMIT $1`;
    const claim = `WITH unleased AS MATERIALIZED (
         SELECT id FROM deliveries d WHERE state = 'pending' AND leased_until IS NULL AND next_attempt_at <= statement_timestamp()
           AND ${claimable}
         ORDER BY next_attempt_at LIMIT $1
       ), expired AS MATERIALIZED (
         ${expiredLeases ? expired : 'SELECT NULL::uuid AS id WHERE false'}
       ), due AS (
         SELECT id FROM deliveries d
         WHERE id IN (SELECT id FROM unleased UNION ALL SELECT id FROM expired)
           AND state = 'pending' AND next_attempt_at <= statement_timestamp()
           AND coalesce(leased_until, '-infinity') < statement_timestamp()
           AND ${claimable}
         ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED
       ), claimed AS (
         -- Each lease outlives its own subscription's request timeout (plus grace), as at insert time.
         UPDATE deliveries d
         SET leased_until = clock_timestamp() + (coalesce((s.spec->>'timeoutSeconds')::int, 60) * 1000 + $2::bigint) * interval '1 millisecond'
         FROM due, webhook_subscriptions s WHERE d.id = due.id AND s.uid = d.subscription_uid RETURNING d.*
       )
       SELECT ${JOB_COLUMNS}
       FROM claimed d JOIN webhook_subscriptions s ON s.uid = d.subscription_uid JOIN delivery_events e ON e.event_id = d.event_id`;
    const params = [limit, leaseGraceMs, saturatedTargets];
    if (!expiredLeases) return this.dataSource.query(claim, params);
    // Only an ordered index scan marks the entries of rows delivered since the last claim as dead
    // (kill_prior_tuple), so the next scan steps over them without visiting the heap: 0.6 ms on
    // 90,000 delivered rows instead of 14 ms. A bitmap scan marks nothing and visits every delivered
    // row's page again each time (52 ms there, growing until vacuum), and the planner picks one
    // whenever the statistics are stale, which is exactly while deliveries pour in.
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL enable_bitmapscan = off');
      return manager.query(claim, params);
    });
  }

  /**
   * renewLease for many deliveries in one statement; returns the new lease of each renewed one
   * (those missing were taken over by another process or are no longer pending).
   */
  async renewLeases(leases: { id: string; lease: string; leaseMs: number }[]): Promise<Map<string, string>> {
    if (leases.length === 0) return new Map();
    const rows: { id: string; lease: string }[] = returnedRows(
      await this.dataSource.query(
        `UPDATE deliveries d SET leased_until = clock_timestamp() + r.lease_ms * interval '1 millisecond'
         FROM unnest($1::uuid[], $2::timestamptz[], $3::bigint[]) AS r (id, lease, lease_ms)
         WHERE d.id = r.id AND d.state = 'pending' AND d.leased_until = r.lease AND d.leased_until > clock_timestamp()
         RETURNING d.id, d.leased_until::text AS lease`,
        [leases.map((entry) => entry.id), leases.map((entry) => entry.lease), leases.map((entry) => entry.leaseMs)],
      ),
    );
    return new Map(rows.map((row) => [row.id, row.lease]));
  }

  /**
   * Extends a lease this process still holds, i.e. one still exactly as this process wrote it; the
   * new lease when it did, `undefined` when it ran out and another process may have taken the delivery.
   */
  async renewLease(id: string, lease: string, leaseMs: number): Promise<string | undefined> {
    return (await this.renewLeases([{ id, lease, leaseMs }])).get(id);
  }


  /**
   * Attempt rows and the deliveries' next states for any number of attempts, in one statement with
   * what they mean for their subscriptions' failure streaks: a success ends the streak, a failure
   * extends it. A subscription whose receiver said 410 Gone or whose streak reached its limit is then
   * disabled (and `onDisabled` called in that transaction, so the caller can publish it). A retry of
   * a move that a newer move of the same tag has meanwhile overtaken is skipped instead.
   */
  async recordAttempts(results: AttemptResult[], defaultDisableAfterFailures: number, onDisabled: (manager: EntityManager, disabled: DisabledSubscription[]) => Promise<void>): Promise<void> {
    if (results.length === 0) return;
    // A delivery deleted (with its subscription) after the statement took its snapshot passes the
    // statement's own existence check and then fails the attempt's foreign key: run it again, and
    // its new snapshot leaves that attempt out like any other deleted delivery's.
    const streaks = await retryOn([PgErrorCodes.deadlockDetected, PgErrorCodes.foreignKeyViolation], () => this.recordAttemptsOnce(results));
    const goneReasons = new Map(results.filter((r) => r.streak !== 'none' && r.disableReason).map((r) => [r.subscriptionUid, r.disableReason as string]));
    const toDisable = streaks
      .filter((row) => row.disabled_reason === null)
      .map((row) => ({
        uid: row.uid,
        reason: goneReasons.get(row.uid) ?? (row.consecutive_failures >= (row.disable_after ?? defaultDisableAfterFailures) ? `failed ${row.consecutive_failures} attempts in a row` : undefined),
      }))
      .filter((row): row is { uid: string; reason: string } => row.reason !== undefined);
    // Disabling (and its event) is a transaction of its own. Should this process die before it, the
    // streak is recorded and the subscription's next failed attempt, at or past the limit, disables it.
    // Ordered locking leaves other writers of subscription rows (PATCH, disable) that can still
    // collide; the side Postgres aborts runs again.
    if (toDisable.length) await retryOnDeadlock(() => this.disable(toDisable, onDisabled));
  }

  /** Disables the subscriptions not disabled yet, and hands them to `onDisabled` in the same transaction. */
  private disable(toDisable: { uid: string; reason: string }[], onDisabled: (manager: EntityManager, disabled: DisabledSubscription[]) => Promise<void>): Promise<void> {
    return this.dataSource.transaction(async (manager) => {
      const rows = returnedRows<DisabledSubscription>(
        await manager.query(
          `UPDATE webhook_subscriptions s SET disabled_reason = input.reason, status_changed_at = now(), resource_version = nextval('resource_version_seq')
           FROM unnest($1::uuid[], $2::text[]) AS input (uid, reason)
           WHERE s.uid = input.uid AND s.disabled_reason IS NULL
           RETURNING s.uid, s.namespace, s.name, s.disabled_reason, s.consecutive_failures`,
          [toDisable.map((row) => row.uid), toDisable.map((row) => row.reason)],
        ),
      );
      if (rows.length) await onDisabled(manager, rows);
    });
  }

  /** One statement (one round trip, its own transaction): the attempts, the deliveries' next states, and the streaks they change. */
  private recordAttemptsOnce(results: AttemptResult[]): Promise<FailureStreak[]> {
    return preparedQuery<FailureStreak>(
      this.dataSource,
      'record-attempts',
      `WITH input AS (
         SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::int[], $4::int[], $5::text[], $6::text[], $7::text[], $8::bigint[])
           AS t (delivery_id, attempted_at, status_code, latency_ms, error, response_snippet, state, retry_ms)
       ), attempt AS (
         -- A delivery whose subscription was deleted while it was being sent is gone: its attempt
         -- is not recorded, and the rest of the batch is.
         INSERT INTO delivery_attempts (delivery_id, attempted_at, status_code, latency_ms, error, response_snippet)
         SELECT delivery_id, attempted_at, status_code, latency_ms, error, response_snippet FROM input
         WHERE EXISTS (SELECT 1 FROM deliveries d WHERE d.id = input.delivery_id)
       ), settled AS (
         UPDATE deliveries d SET attempts = d.attempts + 1, leased_until = NULL,
           state = CASE WHEN input.state = 'pending' AND d.ordering_key IS NOT NULL AND EXISTS (
               SELECT 1 FROM deliveries n WHERE n.subscription_uid = d.subscription_uid AND n.ordering_key = d.ordering_key
                 AND n.ordering_seq > d.ordering_seq AND n.state <> 'skipped') THEN 'skipped' ELSE input.state END,
           next_attempt_at = CASE WHEN input.state = 'pending' THEN clock_timestamp() + input.retry_ms * interval '1 millisecond' ELSE d.next_attempt_at END,
           delivered_at = CASE WHEN input.state = 'succeeded' THEN clock_timestamp() END
         FROM input WHERE d.id = input.delivery_id
       ), per_subscription AS (
         SELECT subscription_uid, bool_or(streak = 'success') AS any_success, count(*) FILTER (WHERE streak = 'failure') AS failures
         FROM unnest($9::uuid[], $10::text[]) AS t (subscription_uid, streak) WHERE streak <> 'none' GROUP BY subscription_uid
       ), locked AS (
         -- Only rows whose count changes (a success on a clean streak changes nothing), locked in
         -- uid order: concurrent batches (replicas, or this process's own) never wait in a cycle.
         SELECT s.uid FROM webhook_subscriptions s JOIN per_subscription p ON p.subscription_uid = s.uid
         WHERE NOT (p.any_success AND s.consecutive_failures = 0)
         ORDER BY s.uid FOR UPDATE OF s
       )
       UPDATE webhook_subscriptions s
       SET consecutive_failures = CASE WHEN p.any_success THEN 0 ELSE s.consecutive_failures + p.failures END
       FROM per_subscription p, locked l WHERE s.uid = p.subscription_uid AND l.uid = s.uid
       RETURNING s.uid, s.consecutive_failures, s.disabled_reason, (s.spec->'retry'->>'disableAfterFailures')::int AS disable_after`,
      [
        results.map((r) => r.deliveryId),
        results.map((r) => r.attempt.attemptedAt),
        results.map((r) => r.attempt.statusCode ?? null),
        results.map((r) => r.attempt.latencyMs),
        results.map((r) => r.attempt.error ?? null),
        results.map((r) => r.attempt.responseSnippet ?? null),
        results.map((r) => r.outcome.state),
        results.map((r) => (r.outcome.state === 'pending' ? r.outcome.retryInMs : 0)),
        results.map((r) => r.subscriptionUid),
        results.map((r) => r.streak),
      ],
    );
  }

  async forSubscription(subscriptionUid: string, filter: { eventId?: string; outcome?: DeliveryOutcome; limit?: number } = {}): Promise<{ deliveries: DeliveryRow[]; attempts: AttemptRow[] }> {
    const deliveries: DeliveryRow[] = await this.dataSource.query(
      `SELECT id, event_id, event_type, event_subject, state, attempts, next_attempt_at, created_at, delivered_at FROM deliveries
       WHERE subscription_uid = $1 AND ($2::uuid IS NULL OR event_id = $2) AND ($3::text IS NULL OR state = $3)
       ORDER BY created_at DESC, id LIMIT $4`,
      [subscriptionUid, filter.eventId ?? null, filter.outcome ?? null, filter.limit ?? 500],
    );
    return { deliveries, attempts: await this.attemptsOf(deliveries.map((d) => d.id)) };
  }

  /** One delivery with its attempts and the payload it sends. */
  async one(subscriptionUid: string, id: string): Promise<{ delivery: DeliveryRow; attempts: AttemptRow[] } | undefined> {
    const [delivery]: DeliveryRow[] = await this.dataSource.query(
      `SELECT d.id, d.event_id, d.event_type, d.event_subject, d.state, d.attempts, d.next_attempt_at, d.created_at, d.delivered_at, e.payload
       FROM deliveries d LEFT JOIN delivery_events e ON e.event_id = d.event_id WHERE d.subscription_uid = $1 AND d.id = $2`,
      [subscriptionUid, id],
    );
    return delivery ? { delivery, attempts: await this.attemptsOf([id]) } : undefined;
  }

  /**
   * Queues deliveries again with a fresh retry budget (the log keeps their earlier attempts). A
   * delivery in flight is left alone. Redelivery is an explicit request, so it is exempt from
   * per-tag ordering. Returns how many were queued.
   */
  async requeue(subscriptionUid: string, selector: { id: string } | { state: 'dead' }): Promise<number> {
    const rows: unknown[] = await this.dataSource.query(
      `UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = clock_timestamp(), leased_until = NULL,
         ordering_key = NULL, ordering_seq = NULL, delivered_at = NULL
       WHERE subscription_uid = $1 AND ($2::uuid IS NULL OR id = $2) AND ($3::text IS NULL OR state = $3)
         AND NOT (state = 'pending' AND leased_until > clock_timestamp())
       RETURNING id`,
      [subscriptionUid, 'id' in selector ? selector.id : null, 'state' in selector ? selector.state : null],
    );
    return returnedRows(rows).length;
  }

  /** Replayed events: new deliveries for events never planned for the subscription, the others queued again. */
  async replay(deliveries: NewDelivery[]): Promise<number> {
    if (deliveries.length === 0) return 0;
    return this.dataSource.transaction(async (manager) => {
      const rows: unknown = await manager.query(
        `INSERT INTO deliveries (id, subscription_uid, event_id, event_type, event_subject, target)
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[])
         ON CONFLICT (subscription_uid, event_id) DO UPDATE SET state = 'pending', attempts = 0, next_attempt_at = clock_timestamp(),
           leased_until = NULL, ordering_key = NULL, ordering_seq = NULL, delivered_at = NULL
           WHERE NOT (deliveries.state = 'pending' AND deliveries.leased_until > clock_timestamp())
         RETURNING id`,
        [
          deliveries.map((d) => d.id),
          deliveries.map((d) => d.subscriptionUid),
          deliveries.map((d) => d.eventId),
          deliveries.map((d) => d.eventType),
          deliveries.map((d) => d.eventSubject ?? null),
          deliveries.map((d) => d.target),
        ],
      );
      // After the deliveries, as plan_deliveries() does it (its migration says why).
      await storeEvents(manager, deliveries);
      return returnedRows(rows).length;
    });
  }

  private async attemptsOf(ids: string[]): Promise<AttemptRow[]> {
    return ids.length ? this.dataSource.query('SELECT * FROM delivery_attempts WHERE delivery_id = ANY($1::uuid[]) ORDER BY id', [ids]) : [];
  }
}
