import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { EventSubjects, type CloudEvent } from '@imagestreams/contracts';
import { matchesSubscription } from '@imagestreams/domain-trigger';
import { OnEvent, type JetStreamEventContext } from '@imagestreams/platform-messaging';
import { SubscriptionRepository } from '../subscriptions/subscription.repository';
import { DeliveryRepository, type DeliveryJob } from './delivery.repository';
import { DeliveryWorker } from './delivery-worker';

interface ImageEventData {
  namespace: string;
  imageStream?: string;
  tag?: string;
}

/**
 * Turns each image event into one delivery per matching subscription. Returning (and so the
 * JetStream ack) happens only after the delivery rows are committed; a redelivered event finds its
 * rows already there and adds nothing.
 */
@Controller()
export class ImageEventsListener {
  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly worker: DeliveryWorker,
  ) {}

  @OnEvent(EventSubjects.allImageEvents)
  async onImageEvent(@Payload() event: CloudEvent<ImageEventData>, @Ctx() context: JetStreamEventContext): Promise<void> {
    const facts = { type: event.type, namespace: event.data.namespace, imageStream: event.data.imageStream, tag: event.data.tag };
    // Two statements, no explicit transaction: the INSERT is atomic on its own, and a subscription
    // deleted in between only makes it fail (nak, retried), never half-written.
    const matching = (await this.subscriptions.activeIn(facts.namespace)).filter((subscription) =>
      matchesSubscription({ namespace: subscription.namespace, events: subscription.spec.events, filter: subscription.spec.filter }, facts),
    );
    const candidates: DeliveryJob[] = matching.map((subscription) => ({
      id: randomUUID(),
      event_id: event.id,
      payload: context.raw,
      attempts: 0,
      subscription_uid: subscription.uid,
      spec: subscription.spec,
      signing_secret: subscription.signing_secret,
    }));
    const leaseMs = Math.max(...matching.map((subscription) => this.worker.leaseMs(subscription.spec.timeoutSeconds)), 0);
    const inserted = new Set(
      await this.deliveries.insertLeased(
        candidates.map((job) => ({ id: job.id, subscriptionUid: job.subscription_uid, eventId: event.id, eventType: event.type, eventSubject: event.subject, payload: job.payload })),
        leaseMs,
      ),
    );
    // A redelivered event inserts nothing: its deliveries already exist and are someone's to send.
    const jobs = candidates.filter((job) => inserted.has(job.id));
    // Not awaited: a slow receiver must not hold up the consumer. The lease covers a crash from here on.
    this.worker.dispatch(jobs);
  }
}
