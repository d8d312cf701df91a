import { api, createSubscription, createTestNamespace, mapping, randomDigest } from './support/api';
import { eventually, WebhookReceiver } from '@imagestreams/testing';

describe('webhook retries', () => {
  it('retries a failing receiver with the same webhook-id and logs every attempt', async () => {
    const receiver = new WebhookReceiver((_request, index) => ({ status: index < 2 ? 503 : 204 }));
    const url = await receiver.start();
    try {
      const namespace = await createTestNamespace('retries');
      await createSubscription(namespace, 'flaky', { url, events: ['tag.changed'], retry: { maxAttempts: 5, initialBackoffSeconds: 0.2, maxBackoffSeconds: 1 } });
      await api('POST', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreammappings`, mapping('app', 'latest', randomDigest()));

      const requests = await receiver.waitForCount(3);
      expect(new Set(requests.map((request) => request.headers['webhook-id'])).size).toBe(1);

      const delivery = await eventually(async () => {
        const list = await api<{ items: { eventType: string; outcome: string; attempts: { statusCode?: number; responseSnippet?: string }[] }[] }>(
          'GET',
          `/apis/notifications.imagestreams.io/v1/namespaces/${namespace}/webhooksubscriptions/flaky/deliveries`,
        );
        const tagChanged = list.body.items.find((item) => item.eventType === 'io.imagestreams.tag.changed.v1');
        return tagChanged?.outcome === 'succeeded' ? tagChanged : undefined;
      }, 'the tag.changed delivery to succeed');
      expect(delivery.attempts.map((attempt) => attempt.statusCode)).toEqual([503, 503, 204]);
      expect(delivery.attempts[0].responseSnippet).toBe('answer 503');
    } finally {
      await receiver.stop();
    }
  });

  it('dead-letters a delivery after the last attempt', async () => {
    const receiver = new WebhookReceiver(() => ({ status: 500 }));
    const url = await receiver.start();
    try {
      const namespace = await createTestNamespace('dead-letter');
      await createSubscription(namespace, 'broken', { url, events: ['tag.changed'], retry: { maxAttempts: 2, initialBackoffSeconds: 0.2, maxBackoffSeconds: 0.2 } });
      await api('POST', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreammappings`, mapping('app', 'latest', randomDigest()));
      const delivery = await eventually(async () => {
        const list = await api<{ items: { outcome: string; attempts: unknown[] }[] }>(
          'GET',
          `/apis/notifications.imagestreams.io/v1/namespaces/${namespace}/webhooksubscriptions/broken/deliveries`,
        );
        return list.body.items[0]?.outcome === 'dead' ? list.body.items[0] : undefined;
      }, 'the delivery to be dead-lettered');
      expect(delivery.attempts).toHaveLength(2);
      expect(receiver.received).toHaveLength(2);
    } finally {
      await receiver.stop();
    }
  });
});
