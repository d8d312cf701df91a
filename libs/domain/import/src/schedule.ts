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

/**
 * A token bucket over an injected clock: it holds up to `burst` tokens, refills at
 * `ratePerSecond`, and starts full. It keeps state but never reads the time itself, so callers
 * pass `now` (ms) and tests control it. A clock that goes backwards refills nothing.
 */
export class TokenBucket {
  private tokens: number;
  private lastRefill: number | undefined;

  /** A bucket that grants every request, for limits configured as "none". */
  static unlimited(): TokenBucket {
    return new TokenBucket(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
  }

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError(`rate must be positive, got ${ratePerSecond}`);
    if (!(burst >= 1)) throw new RangeError(`burst must be at least 1, got ${burst}`);
    this.tokens = burst;
  }

  get isUnlimited(): boolean {
    return this.ratePerSecond === Number.POSITIVE_INFINITY;
  }

  /** Takes one token if there is one; `false` means "not now", and nothing is used up. */
  take(now: number): boolean {
    if (this.isUnlimited) return true;
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** The earliest time (ms) at which `take` would succeed; `now` if it would succeed already. */
  nextAvailableAt(now: number): number {
    if (this.isUnlimited) return now;
    this.refill(now);
    if (this.tokens >= 1) return now;
    // Refilling resumes from the latest time seen, which is later than `now` if the clock stepped back.
    const from = Math.max(now, this.lastRefill ?? now);
    return from + Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1_000);
  }

  private refill(now: number): void {
    assertFinite('now', now);
    if (this.lastRefill !== undefined && now > this.lastRefill) {
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.lastRefill) / 1_000) * this.ratePerSecond);
    }
    if (this.lastRefill === undefined || now > this.lastRefill) this.lastRefill = now;
  }
}

/**
 * The global limit on scheduled imports, configured per minute as in OpenShift: a steady
 * `max / 60` per second with bursts of `2 × max`, so a backlog after a restart drains quickly
 * without letting the average exceed the limit. Zero or a negative value means unlimited.
 */
export function perMinuteBucket(maxPerMinute: number): TokenBucket {
  if (Number.isNaN(maxPerMinute)) throw new RangeError('imports per minute must be a number, got NaN');
  if (maxPerMinute <= 0 || maxPerMinute === Number.POSITIVE_INFINITY) return TokenBucket.unlimited();
  return new TokenBucket(maxPerMinute / 60, 2 * maxPerMinute);
}

function unitRandom(random: () => number): number {
  const value = random();
  if (!(value >= 0 && value < 1)) throw new RangeError(`random() must return a number in [0, 1), got ${value}`);
  return value;
}

function assertFinite(name: string, value: number): void {
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be a finite number, got ${value}`);
}
