/**
 * Scrapes a service's `GET /metrics` and reads samples from Prometheus's text format, so tests can
 * take a reading, do something, and compare.
 */
export type ServiceName = 'registry-gateway' | 'stream-service' | 'importer' | 'trigger-dispatcher' | 'template-service';

export function serviceUrl(name: ServiceName): string {
  const urls = JSON.parse(process.env['E2E_SERVICE_URLS'] ?? '{}') as Record<string, string>;
  const url = urls[name];
  if (!url) throw new Error(`E2E_SERVICE_URLS has no ${name}: run through the system-e2e Jest config (global setup starts the stack)`);
  return url;
}

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

export async function scrape(service: ServiceName): Promise<Scrape> {
  const response = await fetch(`${serviceUrl(service)}/metrics`);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${service}/metrics answered ${response.status}: ${text.slice(0, 300)}`);
  return new Scrape(text, parseMetrics(text));
}
