import { createHmac } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';

/**
 * A Standard Webhooks signature (`v1,<base64 HMAC-SHA256 of "<id>.<unix seconds>.<body>">`, keyed
 * with the base64 part of a `whsec_` secret). The `standardwebhooks` package computes the same
 * with a pure-JavaScript SHA-256 (fast-sha256) and decodes the secret on every call; at thousands
 * of deliveries a second that was a measurable share of the dispatcher's CPU, so signing uses
 * Node's native HMAC. Receivers (and our tests) verify with the package: the two must agree.
 */
export function standardWebhookSignature(secret: string, messageId: string, timestamp: Date, payload: string): string {
  const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');
  const seconds = Math.floor(timestamp.getTime() / 1000);
  return `v1,${createHmac('sha256', key).update(`${messageId}.${seconds}.${payload}`).digest('base64')}`;
}
