import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { CloudEvent } from '@imagestreams/contracts';
import { matchesSubscription } from '@imagestreams/domain-trigger';
import { MicroBatcher, PgErrorCodes, retryOn } from '@imagestreams/platform-persistence';
import { storedSigningSecrets } from '../subscriptions/signing-secrets';
import { SubscriptionRepository } from '../subscriptions/subscription.repository';
import { DeliveryRepository, type DeliveryJob } from './delivery.repository';
import { DeliveryWorker } from './delivery-worker';

export interface ImageEventData {
  namespace: string;
  imageStream?: string;
  tag?: string;
  /** Tag events: the stream's resourceVersion after the move, which orders moves of one tag. */
  resourceVersion?: string;
}

interface PlannedEvent {
  event: CloudEvent<ImageEventData>;
  /** The event bytes exactly as published: what gets signed and sent. */
  raw: string;
}

/**
 * Decides which subscriptions receive an event and records one leased delivery per match.
 * Events arriving together are planned together: one subscription query and one INSERT for the
 * whole batch, each statement atomic on its own (a subscription deleted in between only makes the
 * INSERT fail, and the events are retried). Resolves per event with the deliveries that are new.
 */
@Injectable()
export class DeliveryPlanner {
  /**
   * Moves of one tag are planned in the order they arrive: one waits while a batch holding an
   * earlier move of its tag runs. Two such batches in flight would race for the tag's lock, and
   * when the newer move won, the older one was planned as superseded: two quick moves of a tag
   * reached subscribers as one webhook instead of two in order. Other events go on at once.
   */
  private readonly batcher = new MicroBatcher<PlannedEvent, DeliveryJob[]>((items) => this.planAgainIfSubscriptionDeleted(items), undefined, undefined, ({ event }) => {
    const key = orderingKeyOf(event.data);
    return key ? [key] : [];
  });

  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly worker: DeliveryWorker,
  ) {}

  plan(event: CloudEvent<ImageEventData>, raw: string): Promise<DeliveryJob[]> {
    return this.batcher.submit({ event, raw });
  }

  /**
   * A subscription deleted between reading the active ones and inserting their deliveries fails
   * the INSERT's foreign key: plan the batch again from a fresh read instead of failing its events
   * back to JetStream (a redelivery a second later, and an error in the log for an ordinary race).
   */
  private planAgainIfSubscriptionDeleted(items: PlannedEvent[]): Promise<DeliveryJob[][]> {
    return retryOn([PgErrorCodes.foreignKeyViolation], () => this.planBatch(items));
  }

  private async planBatch(items: PlannedEvent[]): Promise<DeliveryJob[][]> {
    const active = await this.subscriptions.activeIn([...new Set(items.map((item) => item.event.data.namespace))]);
    const planned = items.map(({ event, raw }) => {
      const facts = { type: event.type, namespace: event.data.namespace, imageStream: event.data.imageStream, tag: event.data.tag };
      return active
        .filter((subscription) => matchesSubscription({ namespace: subscription.namespace, events: subscription.spec.events, filter: subscription.spec.filter }, facts))
        .map((subscription) => ({
          job: {
            id: randomUUID(),
            event_id: event.id,
            payload: raw,
            attempts: 0,
            subscription_uid: subscription.uid,
            target: deliveryTarget(subscription.spec.url),
            spec: subscription.spec,
            ...storedSigningSecrets(subscription),
          } satisfies DeliveryJob,
          event,
          orderingKey: orderingKeyOf(event.data),
        }));
    });
    const all = planned.flat();
    // Within one batch only the oldest move of a tag goes out now; the newer ones queue behind it.
    const oldest = new Map<string, bigint>();
    for (const { job, event, orderingKey } of all) {
      if (!orderingKey) continue;
      const key = `${job.subscription_uid}|${orderingKey}`;
      const seq = BigInt(event.data.resourceVersion as string);
      if ((oldest.get(key) ?? seq) >= seq) oldest.set(key, seq);
    }
    // This process leases to itself what its targets have room for; the rest waits in the database.
    const room = new Map<string, number>();
    let left = 0;
    const takesNow = (target: string): boolean => {
      const available = room.get(target) ?? this.worker.roomFor(target);
      room.set(target, available - 1);
      if (available > 0) return true;
      left += 1;
      return false;
    };
    const leases = await this.deliveries.insertLeased(
        all.map(({ job, event, orderingKey }) => ({
          id: job.id,
          subscriptionUid: job.subscription_uid,
          eventId: event.id,
          eventType: event.type,
          eventSubject: event.subject,
          payload: job.payload,
          leaseMs: takesNow(job.target) ? this.worker.leaseMs(job.spec.timeoutSeconds) : null,
          target: job.target,
          ...(orderingKey
            ? {
                orderingKey,
                orderingSeq: event.data.resourceVersion,
                queuedBehind: oldest.get(`${job.subscription_uid}|${orderingKey}`) !== BigInt(event.data.resourceVersion as string),
              }
            : {}),
        })),
    );
    this.worker.leftInDatabase(left);
    // A redelivered event inserts nothing: its deliveries already exist and are someone's to send.
    return planned.map((jobs) => jobs.flatMap(({ job, orderingKey }) => (leases.has(job.id) ? [{ ...job, lease: leases.get(job.id), ordered: orderingKey !== undefined }] : [])));
  }
}

/** Tag moves are ordered per tag; other events (and tag events without a resourceVersion) are not. */
function orderingKeyOf(data: ImageEventData): string | undefined {
  if (data.imageStream === undefined || data.tag === undefined || data.resourceVersion === undefined || !/^\d+$/.test(data.resourceVersion)) return undefined;
  return `${data.namespace}/${data.imageStream}:${data.tag}`;
}

/** The receiver's origin: what per-target concurrency limits count. */
export function deliveryTarget(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
