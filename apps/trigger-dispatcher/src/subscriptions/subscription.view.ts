import { NOTIFICATIONS_API_VERSION, type WebhookSubscription } from '@imagestreams/contracts';
import type { SubscriptionRow } from './subscription.repository';

/**
 * The secret is part of the view only in the answer to the request that made it (create, rotate):
 * it is stored sealed and never shown again.
 */
export function subscriptionView(row: SubscriptionRow, options: { newSigningSecret?: string } = {}): WebhookSubscription {
  const ready = row.disabled_reason === null;
  return {
    kind: 'WebhookSubscription',
    apiVersion: NOTIFICATIONS_API_VERSION,
    metadata: {
      name: row.name,
      namespace: row.namespace,
      uid: row.uid,
      resourceVersion: String(row.resource_version),
      creationTimestamp: row.created_at.toISOString(),
      ...(Object.keys(row.labels).length ? { labels: row.labels } : {}),
    },
    spec: row.spec,
    status: {
      ...(options.newSigningSecret !== undefined ? { signingSecret: options.newSigningSecret } : {}),
      ...(row.previous_secret_expires_at && row.previous_secret_expires_at.getTime() > Date.now() ? { previousSecretExpiresAt: row.previous_secret_expires_at.toISOString() } : {}),
      consecutiveFailures: row.consecutive_failures,
      conditions: [
        {
          type: 'Ready',
          status: ready ? 'True' : 'False',
          ...(ready ? {} : { reason: 'Disabled', message: row.disabled_reason ?? undefined }),
          lastTransitionTime: row.status_changed_at.toISOString(),
        },
      ],
    },
  };
}
