/**
 * A distribution-free confidence interval for the median of paired measurements (the sign test
 * turned around): between the k-th smallest and the k-th largest value, with k as large as the
 * binomial tail allows. Nothing is assumed about how the runs scatter, which suits benchmark runs
 * on a shared 2-core machine: a disk writeback or a busy neighbour makes a few runs far off, not a
 * bell curve. With 6 runs the 95 % interval is simply the smallest to the largest value (96.9 %).
 */
export interface MedianInterval {
  low: number;
  high: number;
  /** The interval's actual coverage (order statistics cannot hit 95 % exactly). */
  confidence: number;
}

/** P(X <= k) for X ~ Binomial(n, 1/2). */
function binomialHalfCdf(n: number, k: number): number {
  let term = 0.5 ** n; // P(X = 0)
  let sum = term;
  for (let i = 1; i <= k; i++) {
    term = (term * (n - i + 1)) / i;
    sum += term;
  }
  return sum;
}

/** Undefined with fewer than 6 values: no interval from order statistics reaches 95 % below that. */
export function medianInterval95(values: number[]): MedianInterval | undefined {
  const n = values.length;
  if (n < 6) return undefined;
  // The largest k whose two tails together leave out at most 5 %: [x(k), x(n+1-k)] covers the median.
  let k = 1;
  while (2 * binomialHalfCdf(n, k) <= 0.05) k++;
  const ascending = [...values].sort((a, b) => a - b);
  return { low: ascending[k - 1], high: ascending[n - k], confidence: 1 - 2 * binomialHalfCdf(n, k - 1) };
}
