import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import {
  createCloudEvent,
  isInternalEventType,
  ListWebhookDeliveriesRequest,
  NamespacedNameRequest,
  NOTIFICATIONS_API_VERSION,
  RedeliverCommand,
  ReplayEventsCommand,
  Statuses,
  StatusError,
  TriggerRequests,
  WebhookDeliveryRequest,
  WebhookSubscriptionResource,
  type RedeliverResult,
  type ReplayResult,
  type WebhookDelivery,
  type WebhookDeliveryList,
} from '@imagestreams/contracts';
import { matchesSubscription } from '@imagestreams/domain-trigger';
import { OnRequest } from '@imagestreams/platform-messaging';
import { groupRows } from '@imagestreams/platform-persistence';
import { storedSigningSecrets } from '../subscriptions/signing-secrets';
import { SubscriptionRepository, type SubscriptionRow } from '../subscriptions/subscription.repository';
import { DeliveryRepository, type NewDelivery } from './delivery.repository';
import { deliveryTarget } from './delivery-planner';
import { deliveryView } from './delivery.view';
import { DeliveryWorker } from './delivery-worker';
import { EventArchive } from './event-archive';
import { TRIGGER_DISPATCHER_SOURCE } from './subscription-events';

/** The ping's type: never published on NATS, only sent to the one subscription that asked. */
export const WEBHOOK_PING_TYPE = 'io.imagestreams.webhook.ping.v1';
const DeliveryResource = { resource: 'webhookdeliveries', group: WebhookSubscriptionResource.group, kind: 'WebhookDelivery' };

@Controller()
export class DeliveriesRequests {
  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly worker: DeliveryWorker,
    private readonly archive: EventArchive,
  ) {}

  @OnRequest(TriggerRequests.listWebhookDeliveries)
  async list(@Payload() query: ListWebhookDeliveriesRequest): Promise<WebhookDeliveryList> {
    const subscription = await this.subscription(query);
    const { deliveries, attempts } = await this.deliveries.forSubscription(subscription.uid, { eventId: query.eventId, outcome: query.outcome, limit: query.limit });
    const attemptsByDelivery = groupRows(attempts, (attempt) => attempt.delivery_id);
    return {
      kind: 'WebhookDeliveryList',
      apiVersion: NOTIFICATIONS_API_VERSION,
      metadata: {},
      items: deliveries.map((delivery) => deliveryView(delivery, attemptsByDelivery.get(delivery.id) ?? [])),
    };
  }

  @OnRequest(TriggerRequests.getWebhookDelivery)
  async get(@Payload() query: WebhookDeliveryRequest): Promise<WebhookDelivery> {
    const subscription = await this.subscription(query);
    const found = await this.deliveries.one(subscription.uid, query.deliveryId);
    if (!found) throw new StatusError(Statuses.notFound(DeliveryResource, query.deliveryId));
    return deliveryView(found.delivery, found.attempts);
  }

  /**
   * Sends a `webhook.ping` event to the subscription now, paused or not, and answers with the
   * recorded delivery: a way to check URL, network path and signature verification in one call.
   */
  @OnRequest(TriggerRequests.pingWebhookSubscription)
  async ping(@Payload() query: NamespacedNameRequest): Promise<WebhookDelivery> {
    const subscription = await this.subscription(query);
    const event = createCloudEvent({
      type: WEBHOOK_PING_TYPE,
      source: TRIGGER_DISPATCHER_SOURCE,
      subject: `namespaces/${subscription.namespace}/webhooksubscriptions/${subscription.name}`,
      data: { namespace: subscription.namespace, subscription: subscription.name },
    });
    const payload = JSON.stringify(event);
    const id = randomUUID();
    const target = deliveryTarget(subscription.spec.url);
    await this.deliveries.insertLeased([{ id, subscriptionUid: subscription.uid, eventId: event.id, eventType: event.type, eventSubject: event.subject, payload, target, leaseMs: this.worker.leaseMs(subscription.spec.timeoutSeconds) }]);
    await this.worker.sendOnce({
      id,
      event_id: event.id,
      payload,
      attempts: 0,
      subscription_uid: subscription.uid,
      target,
      spec: subscription.spec,
      ...storedSigningSecrets(subscription),
    });
    return this.get({ namespace: query.namespace, name: query.name, deliveryId: id });
  }

  /** One delivery (`deliveryId`) or all dead-lettered ones, queued again with a fresh retry budget. */
  @OnRequest(TriggerRequests.redeliver)
  async redeliver(@Payload() command: RedeliverCommand): Promise<RedeliverResult | WebhookDelivery> {
    const subscription = await this.subscription(command);
    if (command.deliveryId) {
      const found = await this.deliveries.one(subscription.uid, command.deliveryId);
      if (!found) throw new StatusError(Statuses.notFound(DeliveryResource, command.deliveryId));
      if ((await this.deliveries.requeue(subscription.uid, { id: command.deliveryId })) === 0) {
        throw new StatusError(Statuses.conflict(DeliveryResource, command.deliveryId, 'the delivery is being sent right now'));
      }
      return this.get({ namespace: command.namespace, name: command.name, deliveryId: command.deliveryId });
    }
    if (!command.selector) throw new StatusError(Statuses.badRequest('name a delivery, or select deliveries by outcome ({"outcome": "dead"})'));
    const deliveriesQueued = await this.deliveries.requeue(subscription.uid, { state: command.selector.outcome });
    return { kind: 'WebhookRedelivery', apiVersion: NOTIFICATIONS_API_VERSION, deliveriesQueued };
  }

  /**
   * Every retained event since a time that the subscription matches (as it is configured now) is
   * delivered again: new deliveries for events it never got, the others queued again. Replayed
   * deliveries are exempt from per-tag ordering: the receiver asked for history.
   */
  @OnRequest(TriggerRequests.replayEvents)
  async replay(@Payload() command: ReplayEventsCommand): Promise<ReplayResult> {
    const subscription = await this.subscription(command);
    const since = new Date(command.replay.since);
    let eventsRead = 0;
    let deliveriesQueued = 0;
    let batch: NewDelivery[] = [];
    const flush = async () => {
      deliveriesQueued += await this.deliveries.replay(batch);
      batch = [];
    };
    for await (const { event, raw } of this.archive.since(since)) {
      eventsRead += 1;
      if (!this.replayable(subscription, event)) continue;
      batch.push({ id: randomUUID(), subscriptionUid: subscription.uid, eventId: event.id, eventType: event.type, eventSubject: event.subject, payload: raw, target: deliveryTarget(subscription.spec.url), leaseMs: 0 });
      if (batch.length >= 500) await flush();
    }
    await flush();
    return { kind: 'WebhookReplay', apiVersion: NOTIFICATIONS_API_VERSION, since: since.toISOString(), eventsRead, deliveriesQueued };
  }

  private replayable(subscription: SubscriptionRow, event: { type: string; data: { namespace?: string; imageStream?: string; tag?: string } }): boolean {
    if (isInternalEventType(event.type) || typeof event.data?.namespace !== 'string') return false;
    return matchesSubscription(
      { namespace: subscription.namespace, events: subscription.spec.events, filter: subscription.spec.filter },
      { type: event.type, namespace: event.data.namespace, imageStream: event.data.imageStream, tag: event.data.tag },
    );
  }

  private async subscription(query: NamespacedNameRequest): Promise<SubscriptionRow> {
    const subscription = await this.subscriptions.find(query.namespace, query.name);
    if (!subscription) throw new StatusError(Statuses.notFound(WebhookSubscriptionResource, query.name));
    return subscription;
  }
}
