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

for (const outcome of ['succeeded', 'retry', 'dead', 'disabled'] satisfies DeliveryOutcome[]) deliveryOutcomes.inc({ outcome }, 0);
