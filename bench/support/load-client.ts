import { Pool } from 'undici';
import { gatewayAuthHeaders } from './bench-stack';

export interface LoadResponse {
  status: number;
  body: Buffer;
}

/**
 * The HTTP client a benchmark drives the gateway with: undici's Pool (keep-alive, one connection
 * per concurrent client) rather than fetch, whose per-request cost (WHATWG streams, header
 * objects) was about a quarter of a core at 200 requests/s on this 2-core machine: CPU the
 * system under test shares with the load generator. Every request carries the benchmark's token.
 */
export class LoadClient {
  private readonly pool: Pool;

  constructor(origin: string, connections: number) {
    this.pool = new Pool(origin, { connections, pipelining: 1 });
  }

  async request(method: 'GET' | 'POST', path: string, json?: string): Promise<LoadResponse> {
    const headers: Record<string, string> = { ...gatewayAuthHeaders() };
    if (json !== undefined) headers['content-type'] = 'application/json';
    const response = await this.pool.request({ method, path, headers, body: json });
    return { status: response.statusCode, body: Buffer.from(await response.body.arrayBuffer()) };
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
