import type { IncomingHttpHeaders } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import {
  InvalidRegistryResponseError,
  RegistryClientClosedError,
  RegistryClientError,
  RegistryConnectionError,
  RegistryTimeoutError,
} from './errors';

export const MAX_REDIRECTS = 5;
/** Error bodies are only read for their registry error code. */
const ERROR_BODY_LIMIT = 64 * 1024;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** Consumes a 2xx blob body; called once per attempt (a retry calls it again with a fresh body), so it must start over each time. */
export type BlobSink<T> = (
  body: Readable,
  info: {
    /** Content-Length, when the server announced one. */
    size?: number;
    /** Where the body comes from (after redirects). */
    url: URL;
  },
) => Promise<T>;

/**
 * Carries what a sink threw past the transport's error mapping and the retries, which are for
 * upstream failures only; {@link RegistryClient.downloadBlob} unwraps it.
 */
export class SinkError extends Error {
  constructor(readonly thrown: unknown) {
    super('the blob sink failed');
  }
}

export interface HopRequest {
  method: 'GET' | 'HEAD' | 'POST';
  headers: Record<string, string>;
  body?: string;
  /** Cap for a 2xx body read into memory; larger bodies are aborted with {@link InvalidRegistryResponseError}. Not applied to a sink. */
  bodyLimit: number;
  /** Takes a 2xx body of a GET as a stream instead of reading it into memory; redirects and error statuses are read as usual. */
  sink?: BlobSink<unknown>;
}

export interface FollowRequest extends HopRequest {
  /** Sent only while the request stays on the origin of the first URL. */
  authorization?: string;
  /** Allow a redirect from https to http (insecure registries only). */
  allowDowngrade: boolean;
}

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  /** 2xx: the whole body (capped), empty when a sink took it; other statuses: at most 64 KiB of it; HEAD and redirects: empty. */
  body: Buffer;
  /** What the sink returned, when it took the body. */
  sinkResult?: unknown;
  /** Where the answer came from (after redirects). */
  url: URL;
}

/** `origin + path` without the query: safe for messages (storage redirects sign URLs in the query). */
export function describeUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function contentLength(headers: IncomingHttpHeaders): number | undefined {
  const value = header(headers, 'content-length')?.trim();
  const length = value !== undefined && /^\d+$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(length) ? length : undefined;
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);
const CLOSED_CODES = new Set(['UND_ERR_CLOSED', 'UND_ERR_DESTROYED']);

/** One HTTP exchange at a time over the shared agent, with the per-request deadline and body caps. */
export class Transport {
  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly timeoutMs: number,
    /** Aborted by `close()`. */
    private readonly closeSignal: AbortSignal,
  ) {}

  /**
   * One request, no redirects. Deadline `timeoutMs` covers connecting, headers and the body, except a
   * body handed to a sink: that one may take far longer (a multi-GB layer), so only undici's
   * `bodyTimeout` (idle time between chunks) and `close()` end it.
   */
  async hop(url: URL, request: HopRequest): Promise<HttpResult> {
    if (this.closeSignal.aborted) throw new RegistryClientClosedError();
    // One controller per request, aborted by the deadline or by close(). (Not AbortSignal.any: its
    // dependants of a long-lived signal have leaked in Node 20.)
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.timeoutMs);
    const onClose = () => controller.abort();
    this.closeSignal.addEventListener('abort', onClose, { once: true });
    const signal = controller.signal;
    try {
      const response = await this.dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal,
      });
      const { statusCode: status, headers } = response;
      const body = response.body as unknown as Readable & { dump(options?: { limit?: number }): Promise<void> };
      let bytes: Buffer = Buffer.alloc(0);
      if (request.method === 'HEAD' || REDIRECT_STATUSES.has(status)) {
        await body.dump({ limit: ERROR_BODY_LIMIT });
      } else if (status >= 200 && status < 300 && request.sink && request.method === 'GET') {
        // The deadline was for the answer to start; the body may take as long as it keeps flowing.
        clearTimeout(timer);
        const sinkResult = await feedSink(body, request.sink, { size: contentLength(headers), url });
        return { status, headers, body: bytes, url, sinkResult };
      } else if (status >= 200 && status < 300) {
        const announced = Number(header(headers, 'content-length'));
        if (Number.isFinite(announced) && announced > request.bodyLimit) {
          discard(body);
          throw new InvalidRegistryResponseError(describeUrl(url), `body of ${announced} bytes exceeds the limit of ${request.bodyLimit}`);
        }
        bytes = await readCapped(body, request.bodyLimit, () => {
          throw new InvalidRegistryResponseError(describeUrl(url), `body exceeds the limit of ${request.bodyLimit} bytes`);
        });
      } else {
        bytes = await readCapped(body, ERROR_BODY_LIMIT, () => 'truncate');
      }
      return { status, headers, body: bytes, url };
    } catch (error) {
      if (error instanceof RegistryClientError || error instanceof SinkError) throw error;
      if (this.closeSignal.aborted) throw new RegistryClientClosedError();
      if (timedOut) throw new RegistryTimeoutError(describeUrl(url), this.timeoutMs, { cause: error });
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && TIMEOUT_CODES.has(code)) throw new RegistryTimeoutError(describeUrl(url), this.timeoutMs, { cause: error });
      if (typeof code === 'string' && CLOSED_CODES.has(code)) throw new RegistryClientClosedError();
      throw new RegistryConnectionError(url.origin, typeof code === 'string' ? code : undefined, { cause: error });
    } finally {
      clearTimeout(timer);
      this.closeSignal.removeEventListener('abort', onClose);
    }
  }

  /**
   * Follows up to {@link MAX_REDIRECTS} redirects by hand. `authorization` is dropped for good at the
   * first hop to another origin; every hop connects through the address policy; a downgrade from
   * https to http is refused unless allowed.
   */
  async follow(url: URL, request: FollowRequest): Promise<HttpResult> {
    let current = url;
    let method = request.method;
    let body = request.body;
    let authorization = request.authorization;
    for (let redirects = 0; ; redirects++) {
      const headers = { ...request.headers };
      if (authorization !== undefined) headers['authorization'] = authorization;
      if (body === undefined) delete headers['content-type'];
      const result = await this.hop(current, { ...request, method, headers, body });
      if (!REDIRECT_STATUSES.has(result.status)) return result;
      if (redirects >= MAX_REDIRECTS) throw new InvalidRegistryResponseError(describeUrl(current), `more than ${MAX_REDIRECTS} redirects`);
      const location = header(result.headers, 'location');
      if (!location) throw new InvalidRegistryResponseError(describeUrl(current), `${result.status} redirect without a Location`);
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        throw new InvalidRegistryResponseError(describeUrl(current), 'redirect to an invalid URL');
      }
      if (next.protocol !== 'https:' && next.protocol !== 'http:') {
        throw new InvalidRegistryResponseError(describeUrl(current), `redirect to a ${next.protocol} URL`);
      }
      if (next.username || next.password) throw new InvalidRegistryResponseError(describeUrl(current), 'redirect to a URL with credentials');
      if (current.protocol === 'https:' && next.protocol === 'http:' && !request.allowDowngrade) {
        throw new InvalidRegistryResponseError(describeUrl(current), `redirect from https to plain http (${next.origin})`);
      }
      if (next.origin !== current.origin) authorization = undefined;
      if (result.status === 303 && method !== 'HEAD') {
        method = 'GET';
        body = undefined;
      }
      current = next;
    }
  }
}

/** Abandons a response body (closing its connection) without an unhandled 'error' event. */
function discard(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

/**
 * Hands a body to a sink through a PassThrough: a sink's pipeline that fails destroys its source with
 * its own error, which must not pass for an upstream failure. An upstream failure (reset, idle
 * timeout, abort) is thrown as itself for `hop` to map, even when the sink then returns anyway (its
 * body was cut short); anything else the sink throws comes back as {@link SinkError}. The body is
 * destroyed unless the sink read it to the end.
 */
async function feedSink(upstream: Readable, sink: BlobSink<unknown>, info: Parameters<BlobSink<unknown>>[1]): Promise<unknown> {
  let upstreamError: Error | undefined;
  const passed = new PassThrough();
  // The sink may have stopped listening by the time an upstream failure is passed on.
  passed.on('error', () => undefined);
  const onUpstreamError = (error: Error) => {
    upstreamError ??= error;
    passed.destroy(error);
  };
  upstream.on('error', onUpstreamError);
  upstream.pipe(passed);
  let result: unknown;
  let thrown: { error: unknown } | undefined;
  try {
    result = await sink(passed, info);
  } catch (error) {
    thrown = { error };
  } finally {
    // Our own destroy makes undici's body fail with "aborted": that is no upstream failure.
    upstream.off('error', onUpstreamError);
    if (!upstream.readableEnded) discard(upstream);
    passed.destroy();
  }
  if (upstreamError) throw upstreamError;
  if (thrown) throw new SinkError(thrown.error);
  return result;
}

/**
 * Reads a body up to `limit` bytes. Beyond it the stream is destroyed and `onExceed` decides:
 * throw, or return 'truncate' to keep what was read.
 */
async function readCapped(body: Readable, limit: number, onExceed: () => 'truncate'): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    const buffer = chunk as Buffer;
    if (total + buffer.length > limit) {
      discard(body);
      onExceed();
      chunks.push(buffer.subarray(0, limit - total));
      break;
    }
    total += buffer.length;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}
