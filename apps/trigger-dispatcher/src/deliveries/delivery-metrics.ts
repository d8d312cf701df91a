import { counter, DELAY_BUCKETS, histogram, METRIC_PREFIX } from '@imagestreams/platform-observability';

export type DeliveryOutcome = 'succeeded' | 'retry' | 'dead' | 'disabled';

/** One per attempt, by what it led to. */
export const deliveryOutcomes = counter({
  name: `${METRIC_PREFIX}webhook_delivery_outcomes_total`,
  help: 'Webhook delivery attempts by what they led to: succeeded (2xx), retry (scheduled again), dead (dead-lettered after the last attempt), disabled (410 Gone: the subscription is disabled).',
  labelNames: ['outcome'] as const,
});

/** Commit to delivery: the event's `time` (stamped in the committing transaction) to the receiver's 2xx. */
export const deliveryLatency = histogram({
  name: `${METRIC_PREFIX}webhook_delivery_latency_seconds`,
  help: "Time from the event's commit (its CloudEvents time) to the receiver answering 2xx, retries included.",
  buckets: DELAY_BUCKETS,
});

/**
 * Where commit-to-delivery time goes before the first attempt: the event's age (since its `time`,
 * stamped at commit) when the dispatcher took it from JetStream (outbox relay and JetStream) and when
 * its deliveries were recorded (planning). One observation per event and stage, not per delivery.
 */
export const eventAge = histogram({
  name: `${METRIC_PREFIX}webhook_event_age_seconds`,
  help: "Age of an event since its commit (its CloudEvents time) when the dispatcher received it from JetStream (stage=received) and when its deliveries were recorded (stage=planned).",
  labelNames: ['stage'] as const,
  buckets: DELAY_BUCKETS,
});

/** Seconds since an event's commit (epoch ms, see eventTimeMs), or undefined when that time is unknown. */
export function secondsSinceCommit(committedAtMs: number): number | undefined {
  return Number.isFinite(committedAtMs) ? Math.max(0, (Date.now() - committedAtMs) / 1000) : undefined;
}

for (const outcome of ['succeeded', 'retry', 'dead', 'disabled'] satisfies DeliveryOutcome[]) deliveryOutcomes.inc({ outcome }, 0);
for (const stage of ['received', 'planned'] as const) eventAge.zero({ stage });
