import { api, controlStack, createSubscription, createTestNamespace, mapping, randomDigest } from './support/api';
import { eventually, WebhookReceiver } from '@imagestreams/testing';

const DISPATCHER = 'trigger-dispatcher';

describe('nothing is lost when the trigger-dispatcher is killed', () => {
  afterEach(async () => {
    // Leave the shared stack as we found it, whatever happened in the test.
    await controlStack(DISPATCHER, 'start').catch(() => undefined);
  });

  it('redelivers a webhook whose request was in flight when the process was SIGKILLed, with the same webhook-id, once its lease runs out in the restarted process', async () => {
    // First request: hold it open, as a slow receiver would; afterwards answer 200.
    const receiver = new WebhookReceiver((_request, index) => (index === 0 ? 'hold' : { status: 200 }));
    const url = await receiver.start();
    try {
      const namespace = await createTestNamespace('killed-in-flight');
      // The lease (timeout + the stack's 500 ms grace) outlives the restart: the restarted process
      // finds it still held at start, and must take it over later, when a timed poll sees it ran out.
      const timeoutSeconds = 8;
      await createSubscription(namespace, 'slow', { url, events: ['tag.changed'], timeoutSeconds });
      await api('POST', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreammappings`, mapping('app', 'latest', randomDigest()));

      const [inFlight] = await receiver.waitForCount(1);
      await controlStack(DISPATCHER, 'kill');
      await controlStack(DISPATCHER, 'start');
      expect(Date.now()).toBeLessThan(inFlight.receivedAt + timeoutSeconds * 1000);

      const [, redelivered] = await receiver.waitForCount(2, 30_000);
      expect(redelivered.headers['webhook-id']).toBe(inFlight.headers['webhook-id']);
      expect(redelivered.body).toBe(inFlight.body);
      await eventually(async () => {
        const list = await api<{ items: { outcome: string }[] }>('GET', `/apis/notifications.imagestreams.io/v1/namespaces/${namespace}/webhooksubscriptions/slow/deliveries`);
        return list.body.items[0]?.outcome === 'succeeded' ? true : undefined;
      }, 'the redelivered webhook to be recorded as succeeded');
    } finally {
      await receiver.stop();
    }
  });

  it('delivers tag changes committed while the dispatcher was down, once it is back', async () => {
    const receiver = new WebhookReceiver();
    const url = await receiver.start();
    try {
      const namespace = await createTestNamespace('dispatcher-down');
      await createSubscription(namespace, 'late', { url, events: ['tag.changed'] });
      await controlStack(DISPATCHER, 'kill');
      const digest = randomDigest();
      expect((await api('POST', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreammappings`, mapping('app', 'v1', digest))).status).toBe(201);
      expect(receiver.received).toHaveLength(0);
      await controlStack(DISPATCHER, 'start');
      const [delivered] = await receiver.waitForCount(1, 30_000);
      expect(JSON.parse(delivered.body).data.current.image).toBe(digest);
    } finally {
      await receiver.stop();
    }
  });
});
