import { backoffDelayMs, DEFAULT_MAX_RETRY_AFTER_MS, isRetryableStatus, retryAfterMs } from './retry-policy';

const OPTIONS = { baseMs: 500, maxMs: 30_000 };

describe('backoffDelayMs', () => {
  it.each<[attempt: number, random: number, expected: number]>([
    [0, 0, 0],
    [0, 0.5, 250],
    [0, 0.999, 499],
    [1, 0.5, 500],
    [2, 0.5, 1_000],
    [5, 0.5, 8_000],
    [6, 0.5, 15_000],
    [7, 0.5, 15_000],
    [1_100, 0.999, 29_970],
  ])('attempt %i with random %p → %i ms', (attempt, random, expected) => {
    expect(backoffDelayMs(attempt, OPTIONS, () => random)).toBe(expected);
  });

  it('never exceeds the doubling cap or the maximum', () => {
    for (let attempt = 0; attempt < 40; attempt++) {
      const cap = Math.min(OPTIONS.maxMs, OPTIONS.baseMs * 2 ** attempt);
      expect(backoffDelayMs(attempt, OPTIONS, () => 0.999_999)).toBeLessThan(cap);
    }
  });

  it.each<[label: string, attempt: number, options: { baseMs: number; maxMs: number }, random: number]>([
    ['a negative attempt', -1, OPTIONS, 0.5],
    ['a fractional attempt', 1.5, OPTIONS, 0.5],
    ['a zero base', 0, { baseMs: 0, maxMs: 1_000 }, 0.5],
    ['a maximum below the base', 0, { baseMs: 1_000, maxMs: 10 }, 0.5],
    ['an infinite maximum', 0, { baseMs: 1_000, maxMs: Number.POSITIVE_INFINITY }, 0.5],
    ['random() returning 1', 0, OPTIONS, 1],
    ['random() returning a negative number', 0, OPTIONS, -0.1],
  ])('rejects %s', (_label, attempt, options, random) => {
    expect(() => backoffDelayMs(attempt, options, () => random)).toThrow(RangeError);
  });
});

describe('retryAfterMs', () => {
  const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);

  it.each<[label: string, header: string | undefined, expected: number | undefined]>([
    ['delta-seconds', '120', 120_000],
    ['zero seconds', '0', 0],
    ['delta-seconds with surrounding space', ' 5 ', 5_000],
    ['delta-seconds beyond the cap', '86400', DEFAULT_MAX_RETRY_AFTER_MS],
    ['an absurdly long number', '9'.repeat(400), DEFAULT_MAX_RETRY_AFTER_MS],
    ['an IMF-fixdate', 'Fri, 27 Nov 2026 12:01:30 GMT', 90_000],
    ['an RFC 850 date', 'Friday, 27-Nov-26 12:00:10 GMT', 10_000],
    ['an asctime date', 'Fri Nov 27 12:00:05 2026', 5_000],
    ['an asctime date with a single-digit day', 'Sun Dec  6 12:00:00 2026', DEFAULT_MAX_RETRY_AFTER_MS],
    ['a date in the past', 'Thu, 26 Nov 2026 12:00:00 GMT', 0],
    ['a date beyond the cap', 'Sat, 28 Nov 2026 12:00:00 GMT', DEFAULT_MAX_RETRY_AFTER_MS],
    ['a leap second', 'Fri, 27 Nov 2026 12:00:60 GMT', 60_000],
    ['absent', undefined, undefined],
    ['empty', '', undefined],
    ['negative seconds', '-5', undefined],
    ['fractional seconds', '1.5', undefined],
    ['seconds with a unit', '10s', undefined],
    ['a date in another zone', 'Fri, 27 Nov 2026 12:01:30 PST', undefined],
    ['an ISO 8601 date', '2026-11-27T12:01:30Z', undefined],
    ['an impossible day', 'Tue, 31 Feb 2026 12:00:00 GMT', undefined],
    ['an impossible hour', 'Fri, 27 Nov 2026 24:00:00 GMT', undefined],
    ['a lowercase month', 'Fri, 27 nov 2026 12:01:30 GMT', undefined],
    ['garbage', 'soon, please', undefined],
  ])('%s', (_label, header, expected) => {
    expect(retryAfterMs(header, NOW)).toBe(expected);
  });

  it('reads an RFC 850 year more than 50 years ahead as last century', () => {
    const noCap = Number.MAX_SAFE_INTEGER;
    // From 2026, `76` is 2076: exactly 50 years ahead, so still the future.
    expect(retryAfterMs('Wednesday, 01-Jan-76 00:00:00 GMT', NOW, noCap)).toBe(Date.UTC(2076, 0, 1) - NOW);
    // `77` would be 2077, more than 50 years ahead, so it is 1977: long past.
    expect(retryAfterMs('Saturday, 01-Jan-77 00:00:00 GMT', NOW, noCap)).toBe(0);
    expect(retryAfterMs('Sunday, 06-Nov-94 08:49:37 GMT', NOW, noCap)).toBe(0);
  });

  it('does not depend on the local time zone', () => {
    const asctime = retryAfterMs('Fri Nov 27 12:00:30 2026', NOW);
    const imf = retryAfterMs('Fri, 27 Nov 2026 12:00:30 GMT', NOW);
    expect(asctime).toBe(30_000);
    expect(asctime).toBe(imf);
  });

  it('honours a custom cap', () => {
    expect(retryAfterMs('120', NOW, 60_000)).toBe(60_000);
    expect(() => retryAfterMs('1', NOW, -1)).toThrow(RangeError);
  });
});

describe('isRetryableStatus', () => {
  it.each<[code: number, expected: boolean]>([
    [408, true],
    [425, true],
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [504, true],
    [200, false],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [501, false],
    [505, false],
  ])('%i → %s', (code, expected) => {
    expect(isRetryableStatus(code)).toBe(expected);
  });
});
