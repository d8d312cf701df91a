import { parseMetrics, Scrape } from '@imagestreams/testing';

export { parseMetrics, type Sample, type Scrape } from '@imagestreams/testing';

/** Scrapes a service's `GET /metrics` (read with the text-format reader in `@imagestreams/testing`). */
export type ServiceName = 'registry-gateway' | 'stream-service' | 'importer' | 'trigger-dispatcher' | 'template-service';

export function serviceUrl(name: ServiceName): string {
  const urls = JSON.parse(process.env['E2E_SERVICE_URLS'] ?? '{}') as Record<string, string>;
  const url = urls[name];
  if (!url) throw new Error(`E2E_SERVICE_URLS has no ${name}: run through the system-e2e Jest config (global setup starts the stack)`);
  return url;
}

export async function scrape(service: ServiceName): Promise<Scrape> {
  const response = await fetch(`${serviceUrl(service)}/metrics`);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`GET ${service}/metrics answered ${response.status}: ${text.slice(0, 300)}`);
  return new Scrape(text, parseMetrics(text));
}
