import { authHeaders, gatewayUrl } from './api';

export interface WatchEvent<T = { metadata: { name: string; resourceVersion: string } }> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'ERROR';
  object: T;
}

/** Reads a Kubernetes watch (newline-delimited JSON) as it arrives, as the admin unless `token` names another caller. */
export class WatchReader<T = WatchEvent['object']> {
  readonly events: WatchEvent<T>[] = [];
  private readonly controller = new AbortController();
  private buffer = '';
  readonly status: Promise<number>;

  constructor(path: string, token?: string | null) {
    this.status = fetch(`${gatewayUrl()}${path}`, { headers: authHeaders(token), signal: this.controller.signal }).then((response) => {
      if (response.body) void this.pump(response.body.getReader());
      return response.status;
    });
  }

  private async pump(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        this.buffer += decoder.decode(value, { stream: true });
        let newline = this.buffer.indexOf('\n');
        while (newline >= 0) {
          this.events.push(JSON.parse(this.buffer.slice(0, newline)) as WatchEvent<T>);
          this.buffer = this.buffer.slice(newline + 1);
          newline = this.buffer.indexOf('\n');
        }
      }
    } catch {
      // Aborted by close().
    }
  }

  async waitFor(count: number, timeoutMs = 15_000): Promise<WatchEvent<T>[]> {
    await this.waitUntil((events) => events.length >= count, `${count} watch events`, timeoutMs);
    return this.events.slice(0, count);
  }

  /** Waits until the events received so far satisfy `done`; answers them all. */
  async waitUntil(done: (events: WatchEvent<T>[]) => boolean, what = 'the expected watch events', timeoutMs = 15_000): Promise<WatchEvent<T>[]> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.events)) {
      if (Date.now() > deadline) throw new Error(`expected ${what}, got ${JSON.stringify(this.events.map((e) => [e.type, (e.object as { metadata?: { name?: string } }).metadata?.name]))}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return [...this.events];
  }

  close(): void {
    this.controller.abort();
  }
}
