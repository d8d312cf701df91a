/** `spec.retry` of a WebhookSubscription. */
export interface RetryPolicy {
  /** Attempts in total, the first one included; after the last failure the delivery is dead-lettered. */
  maxAttempts: number;
  initialBackoffSeconds: number;
  maxBackoffSeconds: number;
}

/**
 * Ten attempts over about a day, like the peers' (Svix, GitHub) schedules: waits of 5, 10, 20 ... min
 * capped at 10 h add up to 30.6 h at full length, 15–31 h (about 23 h on average) with jitter, so a
 * receiver that is down for a night still gets everything.
 */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 10,
  initialBackoffSeconds: 300,
  maxBackoffSeconds: 36_000,
});

export type DeliveryOutcome = 'success' | 'gone' | 'retry';

/**
 * Milliseconds to wait before the next attempt, given how many attempts have already been
 * made (and failed), or `null` when none is left and the delivery goes to the dead letter.
 *
 * The wait is exponential (`initial * 2^(attempts-1)`, capped at `max`) and then scaled to a
 * random 50–100 % of itself: jitter spreads the retries of many deliveries that failed
 * together (a receiver outage) so they do not hit the receiver again in lockstep, while the
 * 50 % floor keeps the backoff meaningful. `random` is injectable for deterministic tests.
 */
export function nextAttemptDelayMs(
  policy: RetryPolicy,
  attemptsSoFar: number,
  random: () => number = Math.random,
): number | null {
  const attempts = Number.isFinite(attemptsSoFar) ? Math.max(0, Math.floor(attemptsSoFar)) : 0;
  if (attempts >= policy.maxAttempts) return null;
  // Nothing has failed yet, so the first attempt goes out at once.
  if (attempts === 0) return 0;

  const initialMs = Math.max(0, policy.initialBackoffSeconds) * 1000;
  const maxMs = Math.max(0, policy.maxBackoffSeconds) * 1000;
  // 2^(n-1) reaches Infinity for huge n; Math.min with the cap still gives a finite delay.
  const backoffMs = Math.min(initialMs * 2 ** (attempts - 1), maxMs);
  const factor = 0.5 + 0.5 * clampUnit(random());
  return Math.round(backoffMs * factor);
}

/**
 * How a webhook response decides the delivery's fate. 410 Gone is the receiver saying the
 * endpoint is gone for good, so retrying would only add load; anything else that is not 2xx
 * (redirects are not followed, 4xx may be a deploy in progress, `undefined` = no response or
 * timeout) is worth another attempt.
 */
export function classifyResponse(statusCode: number | undefined): DeliveryOutcome {
  if (statusCode === undefined) return 'retry';
  if (statusCode >= 200 && statusCode <= 299) return 'success';
  if (statusCode === 410) return 'gone';
  return 'retry';
}

// A misbehaving random source must not produce delays outside the documented 50–100 % band.
function clampUnit(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return value > 1 ? 1 : value;
}
