import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

/** What the receiver answers; `hold` never answers (the request stays open until the test ends). */
export type Reply = { status: number } | 'hold';

/** A real HTTP server standing in for a subscriber; its replies are scripted per request. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private server: Server | undefined;
  private readonly held: ServerResponse[] = [];
  private waiters: (() => void)[] = [];

  constructor(private readonly reply: (request: ReceivedWebhook, index: number) => Reply = () => ({ status: 200 })) {}

  async start(): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const request = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: Date.now() };
        const index = this.received.push(request) - 1;
        const answer = this.reply(request, index);
        if (answer === 'hold') this.held.push(res);
        else res.writeHead(answer.status, { 'content-type': 'text/plain' }).end(`answer ${answer.status}`);
        this.waiters.forEach((wake) => wake());
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  }

  /** Resolves once `count` requests arrived; rejects after the deadline, saying how many did. */
  waitForCount(count: number, timeoutMs = 20_000): Promise<ReceivedWebhook[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.received.length >= count) {
          clearTimeout(timer);
          this.waiters = this.waiters.filter((wake) => wake !== check);
          resolve(this.received.slice(0, count));
        }
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((wake) => wake !== check);
        reject(new Error(`expected ${count} webhook requests within ${timeoutMs} ms, got ${this.received.length}`));
      }, timeoutMs);
      this.waiters.push(check);
      check();
    });
  }

  async stop(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** Polls until the check passes or the deadline passes: the only way tests wait. */
export async function eventually<T>(check: () => Promise<T | undefined>, description: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
