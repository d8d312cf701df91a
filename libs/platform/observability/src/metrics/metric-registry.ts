import { collectDefaultMetrics, Counter, Gauge, Histogram, register, type CounterConfiguration, type GaugeConfiguration, type HistogramConfiguration } from 'prom-client';

/**
 * The process's Prometheus registry (prom-client's global one) and get-or-create helpers: a metric
 * is defined where it is measured, and defining it twice (two apps in one test process, a module
 * registered again) returns the existing one instead of throwing.
 */
export const metricsRegistry = register;

/** Every metric of ours starts with this; Node's process_* and nodejs_* keep their standard names. */
export const METRIC_PREFIX = 'imagestreams_';

/** Request latencies, from a cache hit to a slow owner (seconds). */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** End-to-end delays that include retries with backoff: milliseconds up to hours (seconds). */
export const DELAY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14400];

export function counter<T extends string>(config: CounterConfiguration<T>): Counter<T> {
  return (register.getSingleMetric(config.name) as Counter<T> | undefined) ?? new Counter(config);
}

export function histogram<T extends string>(config: HistogramConfiguration<T>): Histogram<T> {
  return (register.getSingleMetric(config.name) as Histogram<T> | undefined) ?? new Histogram(config);
}

export function gauge<T extends string>(config: GaugeConfiguration<T>): Gauge<T> {
  return (register.getSingleMetric(config.name) as Gauge<T> | undefined) ?? new Gauge(config);
}

let defaultMetricsStarted = false;

/**
 * How often the event loop delay histogram samples (prom-client's default is 10 ms). Each sample is
 * a timer wake-up of an otherwise idle process: at 10 ms that was 10 ms of CPU a second per service
 * on the 2-core machine (5 % of a core for the five services, idle), at 100 ms it is about 1 ms.
 * Lags of interest (blocked loops, GC pauses) last longer than that and still show.
 */
export const EVENT_LOOP_SAMPLE_MS = 100;

/** prom-client's process and Node.js metrics (CPU, memory, handles, event loop lag, GC), once per process. */
export function startDefaultMetrics(): void {
  if (defaultMetricsStarted) return;
  defaultMetricsStarted = true;
  collectDefaultMetrics({ register, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
}

/**
 * Shares one sample among the gauges a single query fills: a scrape starts every metric's collect
 * at once, so the first gauge's collect runs the query and the others join it while it is in
 * flight (one query per scrape, not one per gauge; the next scrape queries afresh).
 */
export function sharedSample<T>(sample: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => (pending ??= sample().finally(() => (pending = undefined)));
}
