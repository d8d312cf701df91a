/**
 * Reads Prometheus's text format (what every service's `GET /metrics` answers): the samples, and
 * estimates from a histogram's buckets, so tests and benchmarks can take a reading, do something, and
 * compare.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export class Scrape {
  constructor(
    readonly text: string,
    readonly samples: Sample[],
  ) {}

  /** Sum of the samples named `name` whose labels include `labels` (0 when there is none). */
  value(name: string, labels: Record<string, string> = {}): number {
    return this.matching(name, labels).reduce((sum, sample) => sum + sample.value, 0);
  }

  matching(name: string, labels: Record<string, string> = {}): Sample[] {
    return this.samples.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
  }

  /** Whether the metric family is declared (`# TYPE name ...`), even with no samples yet. */
  declares(name: string): boolean {
    return this.text.includes(`# TYPE ${name} `);
  }
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const label of (match[2] ?? '').matchAll(LABEL)) labels[label[1]] = label[2].replace(/\\(.)/g, (_, char: string) => (char === 'n' ? '\n' : char));
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/**
 * What a histogram observed between two readings: count, mean, and quantiles estimated from its
 * cumulative buckets by linear interpolation within the bucket (as Prometheus's histogram_quantile).
 */
export function histogramDelta(before: Scrape, after: Scrape, name: string, labels: Record<string, string> = {}, quantiles: readonly number[] = [0.5, 0.95, 0.99]): { count: number; mean: number; quantiles: Record<string, number> } {
  const count = after.value(`${name}_count`, labels) - before.value(`${name}_count`, labels);
  const sum = after.value(`${name}_sum`, labels) - before.value(`${name}_sum`, labels);
  const buckets = after
    .matching(`${name}_bucket`, labels)
    .map((sample) => ({ le: sample.labels['le'] === '+Inf' ? Number.POSITIVE_INFINITY : Number(sample.labels['le']), count: sample.value - before.value(`${name}_bucket`, { ...labels, le: sample.labels['le'] }) }))
    .sort((a, b) => a.le - b.le);
  const estimates: Record<string, number> = {};
  for (const q of quantiles) {
    const rank = q * count;
    let lower = 0;
    let below = 0;
    let estimate = Number.NaN;
    for (const bucket of buckets) {
      if (bucket.count >= rank && count > 0) {
        // Past the last finite bound there is nothing to interpolate to: report that bound.
        estimate = Number.isFinite(bucket.le) ? lower + (bucket.le - lower) * ((rank - below) / Math.max(bucket.count - below, Number.EPSILON)) : lower;
        break;
      }
      lower = bucket.le;
      below = bucket.count;
    }
    estimates[`p${Number((q * 100).toFixed(1))}`] = estimate;
  }
  return { count, mean: count > 0 ? sum / count : Number.NaN, quantiles: estimates };
}
