import { eventually, WebhookReceiver } from './webhook-receiver';

describe('WebhookReceiver', () => {
  it('records requests and answers with the scripted status', async () => {
    const receiver = new WebhookReceiver((_request, index) => ({ status: index === 0 ? 500 : 200 }));
    const url = await receiver.start();
    try {
      const first = await fetch(url, { method: 'POST', body: 'one' });
      const second = await fetch(url, { method: 'POST', body: 'two', headers: { 'webhook-id': 'abc' } });
      expect([first.status, second.status]).toEqual([500, 200]);
      const received = await receiver.waitForCount(2);
      expect(received.map((request) => request.body)).toEqual(['one', 'two']);
      expect(received[1].headers['webhook-id']).toBe('abc');
    } finally {
      await receiver.stop();
    }
  });

  it('rejects waitForCount after its deadline, naming how many arrived', async () => {
    const receiver = new WebhookReceiver();
    await receiver.start();
    try {
      await expect(receiver.waitForCount(1, 50)).rejects.toThrow('got 0');
    } finally {
      await receiver.stop();
    }
  });
});

describe('eventually', () => {
  it('resolves with the first defined value', async () => {
    let calls = 0;
    await expect(eventually(async () => (++calls === 3 ? 'done' : undefined), 'three calls', 5_000)).resolves.toBe('done');
  });

  it('rejects with the description after the deadline', async () => {
    await expect(eventually(async () => undefined, 'never', 50)).rejects.toThrow('waiting for never');
  });
});
