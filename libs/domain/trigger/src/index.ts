export {
  matchesSubscription,
  shortEventType,
  validateSubscriptionFilter,
  type EventFacts,
  type SubscriptionFilter,
  type SubscriptionMatchInput,
} from './subscription-filter';
export {
  classifyResponse,
  DEFAULT_RETRY_POLICY,
  nextAttemptDelayMs,
  type DeliveryOutcome,
  type RetryPolicy,
} from './retry-schedule';
