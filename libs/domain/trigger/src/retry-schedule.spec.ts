import { classifyResponse, DEFAULT_RETRY_POLICY, nextAttemptDelayMs, RetryPolicy } from './retry-schedule';

const always = (value: number) => () => value;
// Largest double below 1: what Math.random() can return at most.
const ALMOST_ONE = 1 - Number.EPSILON / 2;

describe('DEFAULT_RETRY_POLICY', () => {
  it('is the documented default', () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({ maxAttempts: 10, initialBackoffSeconds: 300, maxBackoffSeconds: 36_000 });
  });

  it('spreads its ten attempts over about a day (15-31 h depending on jitter)', () => {
    const total = (random: number) =>
      Array.from({ length: DEFAULT_RETRY_POLICY.maxAttempts - 1 }, (_, index) => nextAttemptDelayMs(DEFAULT_RETRY_POLICY, index + 1, always(random)) as number).reduce((a, b) => a + b, 0);
    expect(total(1) / 3_600_000).toBeCloseTo(30.58, 1);
    expect(total(0) / 3_600_000).toBeCloseTo(15.29, 1);
    expect(nextAttemptDelayMs(DEFAULT_RETRY_POLICY, DEFAULT_RETRY_POLICY.maxAttempts)).toBeNull();
  });

  it('cannot be changed by accident', () => {
    expect(Object.isFrozen(DEFAULT_RETRY_POLICY)).toBe(true);
  });
});

describe('nextAttemptDelayMs', () => {
  describe('exponential backoff with the default policy (random = 1 → full delay)', () => {
    it.each<[attemptsSoFar: number, expectedMs: number]>([
      [1, 300_000],
      [2, 600_000],
      [3, 1_200_000],
      [4, 2_400_000],
      [5, 4_800_000],
      [6, 9_600_000],
      [7, 19_200_000],
      [8, 36_000_000],
      [9, 36_000_000],
    ])('after %i attempt(s): %i ms', (attemptsSoFar, expectedMs) => {
      expect(nextAttemptDelayMs(DEFAULT_RETRY_POLICY, attemptsSoFar, always(1))).toBe(expectedMs);
    });
  });

  describe('cap at maxBackoffSeconds', () => {
    const policy: RetryPolicy = { maxAttempts: 100, initialBackoffSeconds: 5, maxBackoffSeconds: 3600 };
    it.each<[attemptsSoFar: number, expectedMs: number]>([
      [10, 2_560_000],
      [11, 3_600_000],
      [12, 3_600_000],
      [50, 3_600_000],
      [99, 3_600_000],
    ])('after %i attempts: %i ms', (attemptsSoFar, expectedMs) => {
      expect(nextAttemptDelayMs(policy, attemptsSoFar, always(1))).toBe(expectedMs);
    });

    it('stays finite when 2^n overflows', () => {
      const huge: RetryPolicy = { maxAttempts: Number.MAX_SAFE_INTEGER, initialBackoffSeconds: 1, maxBackoffSeconds: 60 };
      expect(nextAttemptDelayMs(huge, 5000, always(1))).toBe(60_000);
    });

    it('caps the very first retry when max is below initial', () => {
      const policy2: RetryPolicy = { maxAttempts: 5, initialBackoffSeconds: 30, maxBackoffSeconds: 10 };
      expect(nextAttemptDelayMs(policy2, 1, always(1))).toBe(10_000);
    });
  });

  describe('jitter between 50 % and 100 % of the computed delay', () => {
    const policy: RetryPolicy = { maxAttempts: 10, initialBackoffSeconds: 4, maxBackoffSeconds: 3600 };
    it.each<[random: number, attemptsSoFar: number, expectedMs: number]>([
      [0, 1, 2_000],
      [0.5, 1, 3_000],
      [1, 1, 4_000],
      [0, 3, 8_000],
      [0.25, 3, 10_000],
      [0.75, 3, 14_000],
      [ALMOST_ONE, 3, 16_000],
    ])('random %d after %i attempt(s): %i ms', (random, attemptsSoFar, expectedMs) => {
      expect(nextAttemptDelayMs(policy, attemptsSoFar, always(random))).toBe(expectedMs);
    });

    it.each<[name: string, random: number, expectedMs: number]>([
      ['below 0 counts as 0', -3, 2_000],
      ['above 1 counts as 1', 7, 4_000],
      ['NaN counts as 0', Number.NaN, 2_000],
      ['Infinity counts as 0', Number.POSITIVE_INFINITY, 2_000],
    ])('a misbehaving random source stays in the band: %s', (_name, random, expectedMs) => {
      expect(nextAttemptDelayMs(policy, 1, always(random))).toBe(expectedMs);
    });

    it('stays within bounds for many samples of a seeded generator', () => {
      let seed = 42;
      // Park–Miller LCG: deterministic, so a failure is reproducible.
      const lcg = () => {
        seed = (seed * 16807) % 2147483647;
        return (seed - 1) / 2147483646;
      };
      for (let attempts = 1; attempts < policy.maxAttempts; attempts++) {
        const full = Math.min(4_000 * 2 ** (attempts - 1), 3_600_000);
        for (let i = 0; i < 200; i++) {
          const delay = nextAttemptDelayMs(policy, attempts, lcg);
          expect(delay).not.toBeNull();
          expect(delay).toBeGreaterThanOrEqual(full / 2);
          expect(delay).toBeLessThanOrEqual(full);
        }
      }
    });

    it('uses Math.random when no source is given', () => {
      for (let i = 0; i < 100; i++) {
        const delay = nextAttemptDelayMs(policy, 2, undefined);
        expect(delay).toBeGreaterThanOrEqual(4_000);
        expect(delay).toBeLessThanOrEqual(8_000);
      }
    });

    it('returns whole milliseconds for fractional seconds', () => {
      const fractional: RetryPolicy = { maxAttempts: 3, initialBackoffSeconds: 0.0015, maxBackoffSeconds: 10 };
      expect(Number.isInteger(nextAttemptDelayMs(fractional, 1, always(0.3)))).toBe(true);
    });
  });

  describe('dead letter', () => {
    it.each<[policy: RetryPolicy, attemptsSoFar: number, expected: 'retry' | null]>([
      [DEFAULT_RETRY_POLICY, 9, 'retry'],
      [DEFAULT_RETRY_POLICY, 10, null],
      [DEFAULT_RETRY_POLICY, 11, null],
      [{ maxAttempts: 1, initialBackoffSeconds: 5, maxBackoffSeconds: 60 }, 1, null],
      [{ maxAttempts: 2, initialBackoffSeconds: 5, maxBackoffSeconds: 60 }, 1, 'retry'],
      [{ maxAttempts: 0, initialBackoffSeconds: 5, maxBackoffSeconds: 60 }, 0, null],
    ])('policy %o after %i attempts → %s', (policy, attemptsSoFar, expected) => {
      const delay = nextAttemptDelayMs(policy, attemptsSoFar, always(1));
      if (expected === null) expect(delay).toBeNull();
      else expect(delay).toEqual(expect.any(Number));
    });
  });

  describe('unusual attempt counts', () => {
    it.each<[name: string, attemptsSoFar: number, expectedMs: number | null]>([
      ['no attempt yet: send now', 0, 0],
      ['negative counts as none', -2, 0],
      ['NaN counts as none', Number.NaN, 0],
      ['fractions round down', 2.9, 600_000],
      ['Infinity counts as none', Number.POSITIVE_INFINITY, 0],
    ])('%s', (_name, attemptsSoFar, expectedMs) => {
      expect(nextAttemptDelayMs(DEFAULT_RETRY_POLICY, attemptsSoFar, always(1))).toBe(expectedMs);
    });

    it('zero initial backoff retries immediately', () => {
      const policy: RetryPolicy = { maxAttempts: 3, initialBackoffSeconds: 0, maxBackoffSeconds: 60 };
      expect(nextAttemptDelayMs(policy, 2, always(1))).toBe(0);
    });
  });
});

describe('classifyResponse', () => {
  it.each<[statusCode: number | undefined, expected: ReturnType<typeof classifyResponse>]>([
    [200, 'success'],
    [201, 'success'],
    [202, 'success'],
    [204, 'success'],
    [299, 'success'],
    [410, 'gone'],
    [undefined, 'retry'],
    [0, 'retry'],
    [100, 'retry'],
    [199, 'retry'],
    [300, 'retry'],
    [301, 'retry'],
    [304, 'retry'],
    [400, 'retry'],
    [401, 'retry'],
    [404, 'retry'],
    [408, 'retry'],
    [409, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
    [504, 'retry'],
  ])('%s → %s', (statusCode, expected) => {
    expect(classifyResponse(statusCode)).toBe(expected);
  });
});
