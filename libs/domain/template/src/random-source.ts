import { randomInt } from 'node:crypto';
import type { RandomSource } from './types';

/**
 * Generated values are passwords and webhook secrets, so the default draws from the OS CSPRNG
 * (OpenShift seeds math/rand with the clock, which is guessable).
 */
export const cryptoRandom: RandomSource = (maxExclusive) => randomInt(maxExclusive);

/** An injected source must honour the contract, or generated secrets would be biased silently. */
export function drawIndex(random: RandomSource, maxExclusive: number): number {
  const index = random(maxExclusive);
  if (!Number.isInteger(index) || index < 0 || index >= maxExclusive) {
    throw new RangeError(`random source returned ${index}, expected an integer in [0, ${maxExclusive})`);
  }
  return index;
}
