import { connect } from 'node:net';
import { gatewayUrl } from './api';

/**
 * HTTP/1.1 written byte for byte to the gateway's socket: for requests no client library sends
 * (paths with `..%2F` and `//` left as they are, header values with CR or LF, repeated headers).
 * `headerLines` are sent as given, each followed by CRLF.
 */
export interface RawRequest {
  method: string;
  path: string;
  headerLines?: string[];
  body?: string;
}

export interface RawReply {
  /** 0 when the server closed the connection without answering. */
  status: number;
  head: string;
  body: string;
}

function decodeChunked(body: string): string {
  let rest = body;
  let decoded = '';
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    if (lineEnd < 0) return decoded;
    const size = Number.parseInt(rest.slice(0, lineEnd), 16);
    if (!Number.isFinite(size) || size === 0) return decoded;
    decoded += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}

export function rawHttp(request: RawRequest, timeoutMs = 10_000): Promise<RawReply> {
  const { hostname, port } = new URL(gatewayUrl());
  const body = request.body ?? '';
  const head = [
    `${request.method} ${request.path} HTTP/1.1`,
    `Host: ${hostname}:${port}`,
    'Connection: close',
    ...(request.body !== undefined ? ['Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`] : []),
    ...(request.headerLines ?? []),
  ].join('\r\n');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms to ${request.method} ${request.path}`));
    }, timeoutMs);
    socket.on('connect', () => socket.write(`${head}\r\n\r\n${body}`));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The server may close while we still write (it refused the head): what it answered counts.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const split = text.indexOf('\r\n\r\n');
      const responseHead = split < 0 ? text : text.slice(0, split);
      const responseBody = split < 0 ? '' : text.slice(split + 4);
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(responseHead)?.[1] ?? 0);
      resolve({ status, head: responseHead, body: /^transfer-encoding: *chunked/im.test(responseHead) ? decodeChunked(responseBody) : responseBody });
    });
  });
}
