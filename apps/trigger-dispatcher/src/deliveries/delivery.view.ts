import type { WebhookDelivery } from '@imagestreams/contracts';
import type { AttemptRow, DeliveryRow } from './delivery.repository';

export function deliveryView(delivery: DeliveryRow, attempts: AttemptRow[]): WebhookDelivery {
  return {
    id: delivery.id,
    eventId: delivery.event_id,
    eventType: delivery.event_type,
    ...(delivery.event_subject ? { subject: delivery.event_subject } : {}),
    outcome: delivery.state,
    attempts: attempts.map((attempt) => ({
      attemptedAt: attempt.attempted_at.toISOString(),
      ...(attempt.status_code === null ? {} : { statusCode: attempt.status_code }),
      latencyMs: attempt.latency_ms,
      ...(attempt.error === null ? {} : { error: attempt.error }),
      ...(attempt.response_snippet === null ? {} : { responseSnippet: attempt.response_snippet }),
    })),
    ...(delivery.state === 'pending' ? { nextAttemptAt: delivery.next_attempt_at.toISOString() } : {}),
    createdAt: delivery.created_at.toISOString(),
    ...(delivery.delivered_at ? { deliveredAt: delivery.delivered_at.toISOString() } : {}),
    ...(typeof delivery.payload === 'string' ? { payload: delivery.payload } : {}),
  };
}
