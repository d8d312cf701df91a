import { Injectable, Logger } from '@nestjs/common';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { classifyResponse, nextAttemptDelayMs } from '@imagestreams/domain-trigger';
import { contextFromExtension, OutboxRelay, traceExtension } from '@imagestreams/platform-messaging';
import { tracer } from '@imagestreams/platform-observability';
import { MicroBatcher } from '@imagestreams/platform-persistence';
import type { Dispatcher } from 'undici';
import { SigningSecrets } from '../subscriptions/signing-secrets';
import { DeliveryRepository, type AttemptRecord, type AttemptResult, type DeliveryJob } from './delivery.repository';
import { deliveryLatency, deliveryOutcomes, secondsSinceCommit } from './delivery-metrics';
import { EventTraceCache, type EventTraceFields } from './event-trace';
import { SubscriptionEvents } from './subscription-events';
import { TargetSlots } from './target-slots';
import { sendWebhook } from './webhook-sender';

export interface DeliveryWorkerOptions {
  maxConcurrency: number;
  /** Requests in flight at once to one receiver origin, so a slow receiver never holds up the others. */
  maxConcurrencyPerTarget: number;
  pollIntervalMs: number;
  leaseGraceMs: number;
  /** Failed attempts in a row that disable a subscription which does not set its own limit. */
  disableAfterFailures: number;
  /** Connects through the webhook address policy. */
  dispatcher?: Dispatcher;
}

export const DELIVERY_WORKER_OPTIONS = Symbol('DELIVERY_WORKER_OPTIONS');

/**
 * A target holds at most this many rounds of its slots in this process (running + queued). More
 * stays in the database, unleased, for whichever replica has room: memory stays bounded under a
 * burst, queued deliveries need no lease renewals, and other replicas can help.
 */
const HELD_ROUNDS_PER_TARGET = 32;

/** At most this many deliveries per claim statement (a backlog is taken in several, back to back). */
const CLAIM_BATCH = 1_024;

interface SendResult {
  attempt: AttemptRecord;
  /**
   * Nothing was sent: the signing secret opens with no configured key. That says nothing about
   * the receiver, so it neither extends nor ends the subscription's failure streak.
   */
  unsigned?: true;
}

/**
 * Sends deliveries: new ones immediately (handed over by the event listener), due retries and
 * orphans (leases of a crashed replica) by polling. Every attempt is recorded before the next
 * state is decided, so the log is complete even if the process dies right after.
 */
@Injectable()
export class DeliveryWorker {
  private readonly logger = new Logger('DeliveryWorker');
  private readonly inFlight = new Set<Promise<void>>();
  private readonly slots: TargetSlots<DeliveryJob>;
  private readonly eventFields = new EventTraceCache();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  /** Set by the timer: the next claim also looks for leases that ran out (a crashed sender's work). */
  private expiredLeasesDue = true;
  private renewing = false;
  /** Deliveries were left in the database for lack of room here: poll as soon as a target drains. */
  private backlog = false;
  private stopped = true;
  /** Attempts finishing together are recorded in one transaction. */
  private readonly recorder: MicroBatcher<AttemptResult, void>;

  constructor(
    private readonly deliveries: DeliveryRepository,
    private readonly subscriptionEvents: SubscriptionEvents,
    private readonly relay: OutboxRelay,
    private readonly options: DeliveryWorkerOptions,
    private readonly signingSecrets: SigningSecrets,
  ) {
    this.slots = new TargetSlots(options.maxConcurrency, options.maxConcurrencyPerTarget, options.maxConcurrencyPerTarget * HELD_ROUNDS_PER_TARGET);
    this.recorder = new MicroBatcher<AttemptResult, void>(async (results) => {
      let disabledAny = false;
      await this.deliveries.recordAttempts(results, this.options.disableAfterFailures, async (manager, disabled) => {
        disabledAny = true;
        for (const subscription of disabled) this.logger.warn(`webhook subscription ${subscription.namespace}/${subscription.name} disabled: ${subscription.disabled_reason}`);
        await this.subscriptionEvents.disabled(manager, disabled);
      });
      if (disabledAny) this.relay.kick();
      // The next move of a tag waits for this one to settle: look for it now, not at the next poll.
      if (results.some((result) => result.ordered)) setImmediate(() => void this.poll());
      return results.map(() => undefined);
    });
  }

  /** A lease outlives the longest request a subscription allows, so a live sender is never doubled. */
  leaseMs(timeoutSeconds = 60): number {
    return timeoutSeconds * 1000 + this.options.leaseGraceMs;
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => {
      void this.keepQueuedLeases();
      this.expiredLeasesDue = true;
      void this.poll();
    }, this.options.pollIntervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * How many new deliveries for `target` this process takes on now (the planner leases that many to
   * itself and leaves the rest for polling). Telling it `left` > 0 makes the worker poll for them
   * as soon as the target has room.
   */
  roomFor(target: string): number {
    return this.stopped ? 0 : this.slots.roomFor(target);
  }

  leftInDatabase(left: number): void {
    if (left > 0) this.backlog = true;
  }

  /** Sends deliveries this process already holds the lease for, as target slots allow. */
  dispatch(jobs: DeliveryJob[]): void {
    if (this.stopped) return;
    const now = Date.now();
    for (const job of jobs) this.slots.enqueue({ ...job, leasedAt: now });
    this.pump();
  }

  /** One attempt outside the retry machinery (a test ping): recorded, but it neither extends nor ends a failure streak. */
  async sendOnce(job: DeliveryJob): Promise<AttemptRecord> {
    const { attempt } = await this.send(job, this.eventFields.of(job.event_id, job.payload));
    const success = classifyResponse(attempt.statusCode) === 'success';
    await this.recorder.submit({ deliveryId: job.id, subscriptionUid: job.subscription_uid, attempt, outcome: { state: success ? 'succeeded' : 'dead' }, streak: 'none' });
    return attempt;
  }

  private pump(): void {
    for (const job of this.slots.takeRunnable()) this.run(job);
  }

  /** After a target freed a slot: with work waiting in the database and the target down to one round, fetch more. */
  private refill(target: string): void {
    if (this.backlog && !this.polling && this.slots.held(target) <= this.options.maxConcurrencyPerTarget) setImmediate(() => void this.poll());
  }

  private async poll(): Promise<void> {
    if (this.polling || this.stopped) return;
    this.polling = true;
    try {
      // A full claim means more is due (a backlog after an outage or a restart): go on at once
      // instead of one batch per poll interval, as long as there is room.
      for (;;) {
        const capacity = this.options.maxConcurrency * HELD_ROUNDS_PER_TARGET - this.slots.runningCount - this.slots.queuedCount;
        if (capacity <= 0 || this.stopped) return;
        const limit = Math.min(capacity, CLAIM_BATCH);
        const expiredLeases = this.expiredLeasesDue;
        const claimed = await this.deliveries.claimDue(limit, this.options.leaseGraceMs, this.slots.saturatedTargets(), { expiredLeases });
        if (expiredLeases) this.expiredLeasesDue = false;
        this.dispatch(claimed);
        if (claimed.length < limit) {
          this.backlog = false;
          return;
        }
      }
    } catch (error) {
      this.logger.warn(`polling for due deliveries failed: ${(error as Error).message}`);
    } finally {
      this.polling = false;
    }
  }

  /**
   * Jobs waiting in a target's queue (a burst bigger than the receivers take at once) keep their
   * leases, so no other replica's poller takes them over: every job past a third of its lease is
   * renewed, all in one statement per tick rather than one round trip per job just before it
   * is sent. A job whose lease could not be renewed is no longer ours and leaves the queue.
   */
  private async keepQueuedLeases(): Promise<void> {
    if (this.renewing || this.stopped) return;
    const now = Date.now();
    const due = this.slots.queuedJobs().filter((job) => job.lease !== undefined && job.leasedAt !== undefined && now - job.leasedAt > this.leaseMs(job.spec.timeoutSeconds) / 3);
    if (due.length === 0) return;
    this.renewing = true;
    try {
      const renewed = await this.deliveries.renewLeases(due.map((job) => ({ id: job.id, lease: job.lease as string, leaseMs: this.leaseMs(job.spec.timeoutSeconds) })));
      for (const job of due) {
        const lease = renewed.get(job.id);
        if (lease === undefined) continue;
        job.lease = lease;
        job.leasedAt = now;
      }
      const lost = new Set(due.filter((job) => !renewed.has(job.id)).map((job) => job.id));
      if (lost.size > 0) this.slots.drop((job) => lost.has(job.id));
    } catch (error) {
      this.logger.warn(`renewing the leases of queued deliveries failed: ${(error as Error).message}`);
    } finally {
      this.renewing = false;
    }
  }

  private run(job: DeliveryJob): void {
    // The target's slot is free once the receiver has answered: recording the attempt is our
    // database's business, and holding the slot through it capped each receiver at
    // slots / (request + commit) deliveries per second.
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.slots.release(job.target);
      if (this.stopped) return;
      this.pump();
      this.refill(job.target);
    };
    const task: Promise<void> = this.attempt(job, release)
      .catch((error: Error) => this.logger.error(`delivery ${job.id} attempt could not be recorded: ${error.message}`))
      .finally(() => {
        release();
        this.inFlight.delete(task);
      });
    this.inFlight.add(task);
  }

  private async attempt(job: DeliveryJob, answered: () => void): Promise<void> {
    // Queued jobs' leases are kept by keepQueuedLeases; one that still waited half its lease (the
    // renewal failed or is running late) renews it before sending; if it already ran out, it is not ours.
    const leaseMs = this.leaseMs(job.spec.timeoutSeconds);
    if (job.leasedAt !== undefined && job.lease !== undefined && Date.now() - job.leasedAt > leaseMs / 2) {
      if (!(await this.deliveries.renewLease(job.id, job.lease, leaseMs))) return;
    }
    const event = this.eventFields.of(job.event_id, job.payload);
    const { attempt, unsigned } = await this.send(job, event);
    answered();
    const base = { deliveryId: job.id, subscriptionUid: job.subscription_uid, attempt, ordered: job.ordered === true };
    const failure = unsigned ? 'none' : 'failure';
    const verdict = classifyResponse(attempt.statusCode);
    if (verdict === 'success') {
      const latencySeconds = secondsSinceCommit(event.timeMs);
      await this.recorder.submit({ ...base, outcome: { state: 'succeeded' }, streak: 'success' });
      deliveryOutcomes.inc({ outcome: 'succeeded' });
      if (latencySeconds !== undefined) deliveryLatency.observe(latencySeconds);
      return;
    }
    if (verdict === 'gone') {
      // 410 Gone: the receiver says it will never want these again (Standard Webhooks guidance).
      const disableReason = `receiver answered 410 Gone at ${attempt.attemptedAt.toISOString()}`;
      await this.recorder.submit({ ...base, outcome: { state: 'dead' }, streak: 'failure', disableReason });
      deliveryOutcomes.inc({ outcome: 'disabled' });
      return;
    }
    const retryInMs = nextAttemptDelayMs(job.spec.retry, job.attempts + 1);
    if (retryInMs === null) {
      this.logger.warn(`delivery ${job.id} of event ${job.event_id} dead-lettered after ${job.attempts + 1} attempts`);
      await this.recorder.submit({ ...base, outcome: { state: 'dead' }, streak: failure });
      deliveryOutcomes.inc({ outcome: 'dead' });
    } else {
      await this.recorder.submit({ ...base, outcome: { state: 'pending', retryInMs }, streak: failure });
      deliveryOutcomes.inc({ outcome: 'retry' });
    }
  }

  /**
   * One HTTP attempt in a CLIENT span whose parent is the event's own `traceparent` (the request
   * that committed the change), not whatever this process is doing: a retry an hour later, from
   * another replica, joins the same trace. The receiver gets the span's `traceparent` header.
   * The signing secrets are opened here, just before signing, and never leave this call.
   */
  private async send(job: DeliveryJob, event: EventTraceFields): Promise<SendResult> {
    let signingSecrets: string[];
    try {
      signingSecrets = this.signingSecrets.forSigning(job);
    } catch (error) {
      const message = `not sent: the signing secret cannot be opened (${(error as Error).message})`;
      this.logger.error(`delivery ${job.id} of subscription ${job.subscription_uid} ${message}`);
      return { attempt: { attemptedAt: new Date(), latencyMs: 0, error: message }, unsigned: true };
    }
    const span = tracer().startSpan(
      'POST webhook',
      {
        kind: SpanKind.CLIENT,
        attributes: { 'http.request.method': 'POST', 'cloudevents.event_id': job.event_id, 'webhook.delivery_id': job.id, 'webhook.attempt': job.attempts + 1 },
      },
      contextFromExtension(event),
    );
    const attempt = await sendWebhook(job, signingSecrets, { dispatcher: this.options.dispatcher, traceHeaders: traceExtension(trace.setSpan(ROOT_CONTEXT, span)) });
    if (attempt.statusCode !== undefined) span.setAttribute('http.response.status_code', attempt.statusCode);
    if (attempt.statusCode === undefined || attempt.statusCode >= 400) span.setStatus({ code: SpanStatusCode.ERROR, message: attempt.error ?? `HTTP ${attempt.statusCode}` });
    span.end();
    return { attempt };
  }
}
