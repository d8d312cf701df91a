import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebhookReceiver } from '@imagestreams/testing';
import { Agent } from 'undici';
import { Webhook } from 'standardwebhooks';
import { EventTraceCache, eventTraceFields } from './event-trace';
import { sendWebhook, type WebhookMessage } from './webhook-sender';
import { standardWebhookSignature } from './webhook-signature';

const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;

function job(url: string, overrides: Partial<WebhookMessage['spec']> = {}): WebhookMessage {
  return {
    event_id: 'b1f1b7e4-3d5a-4a59-9c83-8f9a6f0c1d2e',
    payload: '{"specversion":"1.0","id":"b1f1b7e4-3d5a-4a59-9c83-8f9a6f0c1d2e","data":{"tag":"latest"}}',
    spec: { url, paused: false, timeoutSeconds: 2, retry: { maxAttempts: 3, initialBackoffSeconds: 1, maxBackoffSeconds: 10 }, ...overrides },
  };
}

describe('sendWebhook (real HTTP)', () => {
  it('posts the exact payload with Standard Webhooks headers that verify, plus custom headers', async () => {
    const receiver = new WebhookReceiver(() => ({ status: 202 }));
    const url = await receiver.start();
    try {
      const attempt = await sendWebhook(job(url, { headers: { 'x-team': 'a' } }), [secret]);
      expect(attempt.statusCode).toBe(202);
      expect(attempt.responseSnippet).toBe('answer 202');
      const [request] = await receiver.waitForCount(1);
      expect(request.body).toBe(job(url).payload);
      expect(request.headers['webhook-id']).toBe(job(url).event_id);
      expect(request.headers['x-team']).toBe('a');
      expect(request.headers['content-type']).toBe('application/cloudevents+json');
      expect(() => new Webhook(secret).verify(request.body, request.headers as Record<string, string>)).not.toThrow();
      expect(() => new Webhook(secret).verify(`${request.body} `, request.headers as Record<string, string>)).toThrow();
    } finally {
      await receiver.stop();
    }
  });

  it('signs once per secret it is given, so receivers holding either secret of a rotation verify', async () => {
    const receiver = new WebhookReceiver(() => ({ status: 204 }));
    const url = await receiver.start();
    const previous = `whsec_${Buffer.from('fedcba9876543210fedcba9876543210').toString('base64')}`;
    try {
      await sendWebhook(job(url), [secret, previous]);
      const [request] = await receiver.waitForCount(1);
      expect(request.headers['webhook-signature']?.toString().split(' ')).toHaveLength(2);
      for (const key of [secret, previous]) expect(() => new Webhook(key).verify(request.body, request.headers as Record<string, string>)).not.toThrow();
    } finally {
      await receiver.stop();
    }
  });

  it('sends the trace headers it is given, which custom headers cannot override', async () => {
    const receiver = new WebhookReceiver(() => ({ status: 204 }));
    const url = await receiver.start();
    try {
      const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      await sendWebhook(job(url, { headers: { traceparent: '00-ffffffffffffffffffffffffffffffff-ffffffffffffffff-01' } }), [secret], { traceHeaders: { traceparent } });
      const [request] = await receiver.waitForCount(1);
      expect(request.headers['traceparent']).toBe(traceparent);
      expect(request.headers['tracestate']).toBeUndefined();
    } finally {
      await receiver.stop();
    }
  });

  it('reads the commit time and trace context from the stored event', () => {
    expect(eventTraceFields('{"id":"x","time":"2026-11-27T12:00:00.000Z","data":{},"traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}')).toEqual({
      timeMs: Date.parse('2026-11-27T12:00:00.000Z'),
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    expect(eventTraceFields('{"id":"x","data":{}}').timeMs).toBeNaN();
    expect(eventTraceFields('not json').timeMs).toBeNaN();
  });

  it('records a timeout as an attempt without a status code', async () => {
    const receiver = new WebhookReceiver(() => 'hold');
    const url = await receiver.start();
    try {
      const attempt = await sendWebhook(job(url, { timeoutSeconds: 1 }), [secret]);
      expect(attempt.statusCode).toBeUndefined();
      expect(attempt.error).toBe('timed out after 1 s');
      expect(attempt.latencyMs).toBeGreaterThanOrEqual(900);
    } finally {
      await receiver.stop();
    }
  });

  it('counts the time spent waiting for a connection, and never sends a request that timed out waiting', async () => {
    const receiver = new WebhookReceiver(() => 'hold');
    const url = await receiver.start();
    const oneConnection = new Agent({ connections: 1 });
    try {
      const holdingTheConnection = sendWebhook(job(url, { timeoutSeconds: 2 }), [secret], { dispatcher: oneConnection });
      await receiver.waitForCount(1);
      const queued = await sendWebhook(job(url, { timeoutSeconds: 1 }), [secret], { dispatcher: oneConnection });
      expect(queued).toMatchObject({ error: 'timed out after 1 s' });
      expect(queued.latencyMs).toBeGreaterThanOrEqual(900);
      expect(await holdingTheConnection).toMatchObject({ error: 'timed out after 2 s' });
      // The connection is free again: a request sent now arrives, the timed-out one never did.
      await sendWebhook(job(url, { timeoutSeconds: 1 }), [secret], { dispatcher: oneConnection });
      expect(receiver.received).toHaveLength(2);
    } finally {
      await receiver.stop();
      await oneConnection.close();
    }
  });

  it('keeps the first KiB of a long response body', async () => {
    const body = `${'é'.repeat(600)}${'x'.repeat(64 * 1024)}`;
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(500, { 'content-type': 'text/plain' }).end(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      const attempts = [await sendWebhook(job(url), [secret]), await sendWebhook(job(url), [secret])];
      for (const attempt of attempts) {
        expect(attempt.statusCode).toBe(500);
        expect(Buffer.byteLength(attempt.responseSnippet ?? '')).toBeLessThanOrEqual(1_024);
        expect(attempt.responseSnippet).toBe(Buffer.from(body).subarray(0, 1_024).toString('utf8'));
      }
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('records a request undici refuses to send (a header value with a line break) as an error', async () => {
    const attempt = await sendWebhook(job('http://127.0.0.1:1/hook', { headers: { 'x-bad': 'a\r\nx-injected: 1' } }), [secret]);
    expect(attempt.statusCode).toBeUndefined();
    expect(attempt.error).toMatch(/header/i);
  });

  it('records a URL that does not parse as an error without sending anything', async () => {
    const attempt = await sendWebhook(job('not a url'), [secret]);
    expect(attempt).toMatchObject({ latencyMs: 0, error: 'not a valid URL: not a url' });
  });

  it('records a refused connection as an error', async () => {
    const attempt = await sendWebhook(job('http://127.0.0.1:1/hook'), [secret]);
    expect(attempt.statusCode).toBeUndefined();
    expect(attempt.error).toMatch(/ECONNREFUSED/);
  });

  it('does not let a custom header override the signature headers', async () => {
    const receiver = new WebhookReceiver();
    const url = await receiver.start();
    try {
      await sendWebhook(job(url, { headers: { 'webhook-id': 'forged' } }), [secret]);
      const [request] = await receiver.waitForCount(1);
      expect(request.headers['webhook-id']).toBe(job(url).event_id);
    } finally {
      await receiver.stop();
    }
  });
});

describe('EventTraceCache', () => {
  it('reads an event once, whatever bytes later deliveries of the same event id carry', () => {
    const cache = new EventTraceCache();
    const first = cache.of('e1', '{"id":"e1","time":"2026-11-27T12:00:00.000Z"}');
    expect(first.timeMs).toBe(Date.parse('2026-11-27T12:00:00.000Z'));
    expect(cache.of('e1', 'not json')).toBe(first);
    expect(cache.of('e2', '{"id":"e2","time":"2026-11-27T13:00:00.000Z"}').timeMs).toBe(Date.parse('2026-11-27T13:00:00.000Z'));
  });
});

describe('standardWebhookSignature', () => {
  it('is what the standardwebhooks package computes and verifies', () => {
    const at = new Date('2026-11-27T12:00:00.500Z');
    const payload = '{"specversion":"1.0","data":{"tag":"latest","note":"ünïcode"}}';
    const signature = standardWebhookSignature(secret, 'msg_1', at, payload);
    expect(signature).toBe(new Webhook(secret).sign('msg_1', at, payload));
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': '' };
    headers['webhook-signature'] = standardWebhookSignature(secret, 'msg_1', new Date(Number(headers['webhook-timestamp']) * 1000), payload);
    expect(() => new Webhook(secret).verify(payload, headers)).not.toThrow();
  });
});
