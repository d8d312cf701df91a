import { CLOUDEVENTS_CONTENT_TYPE } from '@imagestreams/contracts';
import { Webhook } from 'standardwebhooks';
import { fetch, type Dispatcher } from 'undici';
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
  const signature = signingSecrets.map((secret) => new Webhook(secret).sign(job.event_id, attemptedAt, job.payload)).join(' ');
  const headers: Record<string, string> = {
    ...job.spec.headers,
    ...options.traceHeaders,
    'content-type': CLOUDEVENTS_CONTENT_TYPE,
    'user-agent': USER_AGENT,
    'webhook-id': job.event_id,
    'webhook-timestamp': String(Math.floor(attemptedAt.getTime() / 1000)),
    'webhook-signature': signature,
  };
  try {
    const response = await fetch(job.spec.url, {
      method: 'POST',
      headers,
      body: job.payload,
      redirect: 'manual',
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      signal: AbortSignal.timeout(job.spec.timeoutSeconds * 1000),
    });
    const snippet = await readSnippet(response);
    return { attemptedAt, statusCode: response.status, latencyMs: Math.round(performance.now() - started), ...(snippet ? { responseSnippet: snippet } : {}) };
  } catch (error) {
    const err = error as Error;
    const message = err.name === 'TimeoutError' ? `timed out after ${job.spec.timeoutSeconds} s` : `${err.message}${err.cause ? `: ${(err.cause as Error).message}` : ''}`;
    return { attemptedAt, latencyMs: Math.round(performance.now() - started), error: message };
  }
}

async function readSnippet(response: Awaited<ReturnType<typeof fetch>>): Promise<string | undefined> {
  if (!response.body) return undefined;
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < RESPONSE_SNIPPET_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.length;
    }
  } catch {
    // A body that breaks off mid-way still leaves a status code worth recording.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const text = Buffer.concat(chunks).subarray(0, RESPONSE_SNIPPET_BYTES).toString('utf8');
  return text || undefined;
}
