import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  NamespacedNameRequest,
  NOTIFICATIONS_API_VERSION,
  Statuses,
  StatusError,
  TriggerRequests,
  WebhookSubscriptionResource,
  type WebhookDeliveryList,
} from '@imagestreams/contracts';
import { OnRequest } from '@imagestreams/platform-messaging';
import { groupRows } from '@imagestreams/platform-persistence';
import { SubscriptionRepository } from '../subscriptions/subscription.repository';
import { DeliveryRepository } from './delivery.repository';

@Controller()
export class DeliveriesRequests {
  constructor(
    private readonly subscriptions: SubscriptionRepository,
    private readonly deliveries: DeliveryRepository,
  ) {}

  @OnRequest(TriggerRequests.listWebhookDeliveries)
  async list(@Payload() query: NamespacedNameRequest): Promise<WebhookDeliveryList> {
    const subscription = await this.subscriptions.find(query.namespace, query.name);
    if (!subscription) throw new StatusError(Statuses.notFound(WebhookSubscriptionResource, query.name));
    const { deliveries, attempts } = await this.deliveries.forSubscription(subscription.uid);
    const attemptsByDelivery = groupRows(attempts, (attempt) => attempt.delivery_id);
    return {
      kind: 'WebhookDeliveryList',
      apiVersion: NOTIFICATIONS_API_VERSION,
      metadata: {},
      items: deliveries.map((delivery) => ({
        id: delivery.id,
        eventId: delivery.event_id,
        eventType: delivery.event_type,
        ...(delivery.event_subject ? { subject: delivery.event_subject } : {}),
        outcome: delivery.state,
        attempts: (attemptsByDelivery.get(delivery.id) ?? []).map((attempt) => ({
          attemptedAt: attempt.attempted_at.toISOString(),
          ...(attempt.status_code === null ? {} : { statusCode: attempt.status_code }),
          latencyMs: attempt.latency_ms,
          ...(attempt.error === null ? {} : { error: attempt.error }),
          ...(attempt.response_snippet === null ? {} : { responseSnippet: attempt.response_snippet }),
        })),
        ...(delivery.state === 'pending' ? { nextAttemptAt: delivery.next_attempt_at.toISOString() } : {}),
        createdAt: delivery.created_at.toISOString(),
        ...(delivery.delivered_at ? { deliveredAt: delivery.delivered_at.toISOString() } : {}),
      })),
    };
  }
}
