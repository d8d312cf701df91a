import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A real node:http server on a free port that records every request and connection. */
export interface TestServer {
  host: string;
  port: number;
  /** `host:port` (IPv6 in brackets), as a RegistryTarget.registry. */
  authority: string;
  /** `http://host:port` */
  origin: string;
  requests: RecordedRequest[];
  /** TCP connections accepted so far. */
  connections: number;
  /** Connections that sent something other than HTTP (e.g. a TLS ClientHello). */
  clientErrors: number;
  close(): Promise<void>;
}

export type Handler = (request: IncomingMessage & { body: Buffer }, response: ServerResponse) => unknown;

export async function startServer(handler: Handler, host = '127.0.0.1'): Promise<TestServer> {
  const sockets = new Set<Socket>();
  const requests: RecordedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      Promise.resolve(handler(Object.assign(request, { body }), response)).catch((error: unknown) => {
        response.statusCode = 500;
        response.end(String(error));
      });
    });
  });
  const state = { connections: 0, clientErrors: 0 };
  server.on('clientError', (_error, socket) => {
    state.clientErrors++;
    socket.destroy();
  });
  server.on('connection', (socket) => {
    state.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('server has no port');
  const authority = host.includes(':') ? `[${host}]:${address.port}` : `${host}:${address.port}`;
  return {
    host,
    port: address.port,
    authority,
    origin: `http://${authority}`,
    requests,
    get connections() {
      return state.connections;
    },
    get clientErrors() {
      return state.clientErrors;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Polls `condition` until it holds or `timeoutMs` passes. */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const bytes = Buffer.from(JSON.stringify(body));
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': String(bytes.length), ...headers });
  response.end(bytes);
}
