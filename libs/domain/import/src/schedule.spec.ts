import {
  DEFAULT_MAX_SCHEDULED_IMPORTS_PER_MINUTE,
  DEFAULT_MINIMUM_IMPORT_INTERVAL_MS,
  effectiveInterval,
  MIN_CHECK_DELAY_MS,
  nextCheckAt,
} from './schedule';

const NOW = 1_800_000_000_000;
const MINUTE = 60_000;

describe('nextCheckAt', () => {
  it.each<[label: string, interval: number, fraction: number, random: number, expected: number]>([
    ['no jitter', 15 * MINUTE, 0, 0.9, NOW + 15 * MINUTE],
    ['the middle of the range is the interval itself', 15 * MINUTE, 0.1, 0.5, NOW + 15 * MINUTE],
    ['the earliest jitter', 15 * MINUTE, 0.1, 0, NOW + 15 * MINUTE - 90_000],
    ['a late jitter', 15 * MINUTE, 0.1, 0.75, NOW + 15 * MINUTE + 45_000],
    ['full jitter down to the floor', 10_000, 1, 0, NOW + MIN_CHECK_DELAY_MS],
    ['a zero interval still waits the minimum', 0, 0, 0.5, NOW + MIN_CHECK_DELAY_MS],
    ['a sub-second interval waits the minimum', 200, 0.5, 0.99, NOW + MIN_CHECK_DELAY_MS],
    ['fractions of a millisecond are rounded', 1_001, 0.5, 0.75, NOW + 1_251],
  ])('%s', (_label, interval, fraction, random, expected) => {
    expect(nextCheckAt(NOW, interval, fraction, () => random)).toBe(expected);
  });

  it('stays within ±fraction of the interval for any random value', () => {
    const interval = 15 * MINUTE;
    for (let i = 0; i < 1_000; i++) {
      const at = nextCheckAt(NOW, interval, 0.2, () => i / 1_000);
      expect(at).toBeGreaterThanOrEqual(NOW + interval * 0.8);
      expect(at).toBeLessThanOrEqual(NOW + interval * 1.2);
    }
  });

  it.each<[label: string, now: number, interval: number, fraction: number, random: number]>([
    ['a negative interval', NOW, -1, 0.1, 0.5],
    ['an infinite interval', NOW, Number.POSITIVE_INFINITY, 0.1, 0.5],
    ['a fraction above 1', NOW, MINUTE, 1.5, 0.5],
    ['a negative fraction', NOW, MINUTE, -0.1, 0.5],
    ['a NaN fraction', NOW, MINUTE, Number.NaN, 0.5],
    ['random() returning 1', NOW, MINUTE, 0.1, 1],
    ['random() returning NaN', NOW, MINUTE, 0.1, Number.NaN],
    ['a NaN clock', Number.NaN, MINUTE, 0.1, 0.5],
  ])('rejects %s', (_label, now, interval, fraction, random) => {
    expect(() => nextCheckAt(now, interval, fraction, () => random)).toThrow(RangeError);
  });
});

describe('effectiveInterval', () => {
  it.each<[requested: number | undefined, minimum: number, expected: number]>([
    [60 * MINUTE, 15 * MINUTE, 60 * MINUTE],
    [MINUTE, 15 * MINUTE, 15 * MINUTE],
    [15 * MINUTE, 15 * MINUTE, 15 * MINUTE],
    [undefined, 15 * MINUTE, 15 * MINUTE],
    [0, 15 * MINUTE, 15 * MINUTE],
    [-5, 15 * MINUTE, 15 * MINUTE],
    [Number.NaN, 15 * MINUTE, 15 * MINUTE],
    [Number.POSITIVE_INFINITY, 15 * MINUTE, 15 * MINUTE],
    [5_000, 0, 5_000],
  ])('requested %p with minimum %p → %p', (requested, minimum, expected) => {
    expect(effectiveInterval(requested, minimum)).toBe(expected);
  });

  it('defaults match OpenShift (15 minutes, 60 per minute)', () => {
    expect(DEFAULT_MINIMUM_IMPORT_INTERVAL_MS).toBe(900_000);
    expect(DEFAULT_MAX_SCHEDULED_IMPORTS_PER_MINUTE).toBe(60);
  });

  it.each([-1, Number.NaN])('rejects the minimum %p', (minimum) => {
    expect(() => effectiveInterval(MINUTE, minimum)).toThrow(RangeError);
  });
});
