/** However the jitter falls, a scheduled check is never due sooner than this after the last one. */
export const MIN_CHECK_DELAY_MS = 1_000;

/** OpenShift's `scheduledImageImportMinimumIntervalSeconds` default: 15 minutes. */
export const DEFAULT_MINIMUM_IMPORT_INTERVAL_MS = 15 * 60 * 1_000;

/** OpenShift's `maxScheduledImageImportsPerMinute` default. */
export const DEFAULT_MAX_SCHEDULED_IMPORTS_PER_MINUTE = 60;

/**
 * When to check a scheduled tag next: one interval from now, moved by a uniform jitter of up to
 * ±`jitterFraction` of the interval so that tags created together (a template instantiation, a
 * restart) do not all hit the remote registry in the same second forever after. `random` is
 * `Math.random`-like (0 ≤ r < 1) and injected so the result is reproducible in tests.
 */
export function nextCheckAt(now: number, intervalMs: number, jitterFraction: number, random: () => number): number {
  assertFinite('now', now);
  if (!Number.isFinite(intervalMs) || intervalMs < 0) throw new RangeError(`interval must be a non-negative number of ms, got ${intervalMs}`);
  if (!(jitterFraction >= 0 && jitterFraction <= 1)) throw new RangeError(`jitter fraction must be between 0 and 1, got ${jitterFraction}`);

  const offset = (2 * unitRandom(random) - 1) * jitterFraction * intervalMs;
  return Math.round(Math.max(now + intervalMs + offset, now + MIN_CHECK_DELAY_MS));
}

/**
 * The interval a tag is actually checked at: what it asked for, but never more often than the
 * cluster-wide minimum, which protects remote registries (and our rate limits) from tags asking
 * for every few seconds. No request, or a meaningless one, means the minimum.
 */
export function effectiveInterval(requestedMs: number | undefined, minimumMs: number): number {
  if (!Number.isFinite(minimumMs) || minimumMs < 0) throw new RangeError(`minimum interval must be a non-negative number of ms, got ${minimumMs}`);
  if (requestedMs === undefined || !Number.isFinite(requestedMs) || requestedMs <= 0) return minimumMs;
  return Math.max(requestedMs, minimumMs);
}

function unitRandom(random: () => number): number {
  const value = random();
  if (!(value >= 0 && value < 1)) throw new RangeError(`random() must return a number in [0, 1), got ${value}`);
  return value;
}

function assertFinite(name: string, value: number): void {
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be a finite number, got ${value}`);
}
