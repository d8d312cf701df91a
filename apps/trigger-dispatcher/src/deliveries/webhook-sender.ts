import { CLOUDEVENTS_CONTENT_TYPE } from '@imagestreams/contracts';
import { request, type Dispatcher } from 'undici';
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
 * 3xx is a failed attempt), and at most a snippet of the response body is read.
 * Never throws: network errors, refused addresses and timeouts become an attempt without a status code.
 */
export async function sendWebhook(job: WebhookMessage, signingSecrets: readonly string[], options: SendOptions = {}): Promise<AttemptRecord> {
  const attemptedAt = (options.now ?? (() => new Date()))();
  const started = performance.now();
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
  // undici's request(), not fetch(): no WHATWG Request/Response/stream objects per delivery, and a
  // plain timer instead of AbortSignal.timeout(). Redirects are never followed by request().
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), job.spec.timeoutSeconds * 1000);
  try {
    const response = await request(job.spec.url, {
      method: 'POST',
      headers,
      body: job.payload,
      signal: timeout.signal,
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
    });
    const snippet = await readSnippet(response.body);
    return { attemptedAt, statusCode: response.statusCode, latencyMs: Math.round(performance.now() - started), ...(snippet ? { responseSnippet: snippet } : {}) };
  } catch (error) {
    const err = error as Error & { code?: string };
    const message = timeout.signal.aborted ? `timed out after ${job.spec.timeoutSeconds} s` : `${err.message}${err.cause ? `: ${(err.cause as Error).message}` : ''}`;
    return { attemptedAt, latencyMs: Math.round(performance.now() - started), error: message };
  } finally {
    clearTimeout(timer);
  }
}

/** At most RESPONSE_SNIPPET_BYTES of the body; the rest is discarded so the connection can be reused. */
async function readSnippet(body: Dispatcher.ResponseData['body']): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      if (size < RESPONSE_SNIPPET_BYTES) {
        chunks.push(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
    }
  } catch {
    // A body that breaks off mid-way still leaves a status code worth recording.
  }
  const text = Buffer.concat(chunks).subarray(0, RESPONSE_SNIPPET_BYTES).toString('utf8');
  return text || undefined;
}
