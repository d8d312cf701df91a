export interface Latencies {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentiles in milliseconds, rounded to 0.1 ms. */
export function latencies(samples: number[]): Latencies {
  if (samples.length === 0) return { p50: NaN, p95: NaN, p99: NaN, max: NaN };
  const ascending = Array.from(Float64Array.from(samples).sort());
  const rank = (p: number) => ascending[Math.max(1, Math.ceil((p / 100) * ascending.length)) - 1];
  const round = (n: number) => Math.round(n * 10) / 10;
  return { p50: round(rank(50)), p95: round(rank(95)), p99: round(rank(99)), max: round(ascending[ascending.length - 1]) };
}
