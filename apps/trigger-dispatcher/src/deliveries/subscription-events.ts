import { Injectable } from '@nestjs/common';
import { createCloudEvent, WebhookSubscriptionDisabled, type WebhookSubscriptionDisabledV1 } from '@imagestreams/contracts';
import { appendToOutbox } from '@imagestreams/platform-messaging';
import type { EntityManager } from 'typeorm';
import type { DisabledSubscription } from './delivery.repository';

export const TRIGGER_DISPATCHER_SOURCE = '/imagestreams/trigger-dispatcher';

/** Events about subscriptions themselves, written to the dispatcher's outbox in the caller's transaction. */
@Injectable()
export class SubscriptionEvents {
  async disabled(manager: EntityManager, subscriptions: DisabledSubscription[]): Promise<void> {
    await appendToOutbox(
      manager,
      subscriptions.map((subscription) => ({
        subject: WebhookSubscriptionDisabled.subject,
        event: createCloudEvent<WebhookSubscriptionDisabledV1>({
          type: WebhookSubscriptionDisabled.type,
          source: TRIGGER_DISPATCHER_SOURCE,
          subject: `namespaces/${subscription.namespace}/webhooksubscriptions/${subscription.name}`,
          data: { namespace: subscription.namespace, subscription: subscription.name, reason: subscription.disabled_reason, consecutiveFailures: subscription.consecutive_failures },
        }),
      })),
    );
  }
}
