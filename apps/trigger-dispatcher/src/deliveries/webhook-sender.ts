import { CLOUDEVENTS_CONTENT_TYPE } from '@imagestreams/contracts';
import { LRUCache } from 'lru-cache';
import { getGlobalDispatcher, type Dispatcher } from 'undici';
import { standardWebhookSignature } from './webhook-signature';
import type { AttemptRecord, DeliveryJob } from './delivery.repository';

const RESPONSE_SNIPPET_BYTES = 1_024;
const USER_AGENT = 'imagestreams-webhooks/0.1';

/** What a webhook request is made of: the event, and where and how to send it. */
export type WebhookMessage = Pick<DeliveryJob, 'event_id' | 'payload' | 'spec'>;

export interface SendOptions {
  /** Connects through the address policy (SSRF guard); the default agent when omitted (tests). */
  dispatcher?: Dispatcher;
  now?: () => Date;
  /** W3C `traceparent`/`tracestate`: they go after the subscription's custom headers, which cannot override them. */
  traceHeaders?: { traceparent?: string; tracestate?: string };
}

/**
 * One HTTP attempt of one delivery: the CloudEvent exactly as published, signed the Standard
 * Webhooks way (`webhook-id` = event id, stable across retries, so receivers can deduplicate).
 * `webhook-signature` carries one signature per secret in `signingSecrets` (two during a rotation's
 * grace period), so receivers still holding the old one keep verifying. Redirects are not followed (a
 * 3xx is a failed attempt), and at most a snippet of the response body is kept.
 * Never rejects: network errors, refused addresses and timeouts become an attempt without a status
 * code. The timeout covers the whole attempt, waiting for a connection included.
 */
export function sendWebhook(job: WebhookMessage, signingSecrets: readonly string[], options: SendOptions = {}): Promise<AttemptRecord> {
  const attemptedAt = (options.now ?? (() => new Date()))();
  const started = performance.now();
  const target = requestTargetOf(job.spec.url);
  if (!target) return Promise.resolve({ attemptedAt, latencyMs: 0, error: `not a valid URL: ${job.spec.url}` });
  const signature = signingSecrets.map((secret) => standardWebhookSignature(secret, job.event_id, attemptedAt, job.payload)).join(' ');
  const headers: Record<string, string> = {
    ...job.spec.headers,
    ...options.traceHeaders,
    'content-type': CLOUDEVENTS_CONTENT_TYPE,
    'user-agent': USER_AGENT,
    'webhook-id': job.event_id,
    'webhook-timestamp': String(Math.floor(attemptedAt.getTime() / 1000)),
    'webhook-signature': signature,
  };
  return new Promise<AttemptRecord>((resolve) => {
    const response = new ResponseSnippet();
    let request: Dispatcher.DispatchController | undefined;
    let settled = false;
    const settle = (error?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const latencyMs = Math.round(performance.now() - started);
      // A response that breaks off after its status line still leaves a status code worth recording.
      if (response.statusCode !== undefined) resolve({ attemptedAt, statusCode: response.statusCode, latencyMs, ...response.snippet() });
      else resolve({ attemptedAt, latencyMs, error });
    };
    const timer = setTimeout(() => {
      settle(`timed out after ${job.spec.timeoutSeconds} s`);
      request?.abort(new Error('webhook timed out'));
    }, job.spec.timeoutSeconds * 1000);
    // undici's dispatch(), not request() or fetch(): no response stream, abort signal or async
    // iterator per delivery (measured: about a third of the client's CPU per webhook). It never
    // follows redirects.
    (options.dispatcher ?? getGlobalDispatcher()).dispatch(
      { origin: target.origin, path: target.path, method: 'POST', headers, body: job.payload },
      {
        onRequestStart(controller) {
          request = controller;
          // Timed out while waiting for a connection: the request is not sent at all.
          if (settled) controller.abort(new Error('webhook timed out'));
        },
        onResponseStart(_controller, statusCode) {
          // 1xx answers are informational: the final status follows.
          if (statusCode >= 200) response.statusCode = statusCode;
        },
        onResponseData(_controller, chunk) {
          response.keep(chunk);
        },
        onResponseEnd() {
          settle();
        },
        onResponseError(_controller, error: Error & { cause?: unknown }) {
          settle(`${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}`);
        },
      },
    );
  });
}

/** The status code and the first RESPONSE_SNIPPET_BYTES of the body; the rest is read and dropped, so the connection can be reused. */
class ResponseSnippet {
  statusCode: number | undefined;
  private readonly chunks: Buffer[] = [];
  private size = 0;

  keep(chunk: Buffer): void {
    if (this.size >= RESPONSE_SNIPPET_BYTES) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  snippet(): { responseSnippet?: string } {
    const text = Buffer.concat(this.chunks).subarray(0, RESPONSE_SNIPPET_BYTES).toString('utf8');
    return text ? { responseSnippet: text } : {};
  }
}

interface RequestTarget {
  origin: string;
  path: string;
}

/** Parsed subscription URLs: there are few of them, and each delivery would parse its own again. */
const requestTargets = new LRUCache<string, RequestTarget>({ max: 1_024 });

/** Origin and path of a URL; undefined when it does not parse (refused at subscription time, so rare and not kept). */
function requestTargetOf(url: string): RequestTarget | undefined {
  const known = requestTargets.get(url);
  if (known) return known;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const target = { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
  requestTargets.set(url, target);
  return target;
}
