import { Webhook } from 'standardwebhooks';
import { eventually, WebhookReceiver, type ReceivedWebhook } from '@imagestreams/testing';
import { api, createSubscription, createTestNamespace, mapping, randomDigest } from './support/api';

const NOTIFICATIONS = '/apis/notifications.imagestreams.io/v1';

interface Delivery {
  id: string;
  eventId: string;
  eventType: string;
  outcome: string;
  attempts: { statusCode?: number; error?: string }[];
}

interface Subscription {
  spec: Record<string, unknown>;
  status: { signingSecret?: string; previousSecretExpiresAt?: string; consecutiveFailures: number; conditions: { type: string; status: string; message?: string }[] };
}

const subscriptionPath = (namespace: string, name: string) => `${NOTIFICATIONS}/namespaces/${namespace}/webhooksubscriptions/${name}`;

async function deliveries(namespace: string, name: string, query = ''): Promise<Delivery[]> {
  const list = await api<{ items: Delivery[] }>('GET', `${subscriptionPath(namespace, name)}/deliveries${query}`);
  if (list.status !== 200) throw new Error(`deliveries: ${list.status} ${JSON.stringify(list.body)}`);
  return list.body.items;
}

async function moveTag(namespace: string, stream: string, tag: string, digest = randomDigest()): Promise<string> {
  const mapped = await api('POST', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreammappings`, mapping(stream, tag, digest));
  if (mapped.status !== 201) throw new Error(`mapping: ${mapped.status} ${JSON.stringify(mapped.body)}`);
  return digest;
}

const bodyOf = (request: ReceivedWebhook) => JSON.parse(request.body) as { id: string; type: string; data: Record<string, unknown> };
const verifies = (secret: string, request: ReceivedWebhook) => {
  try {
    new Webhook(secret).verify(request.body, request.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
};

describe('webhook delivery control', () => {
  const receivers: WebhookReceiver[] = [];
  async function receiver(reply?: ConstructorParameters<typeof WebhookReceiver>[0]): Promise<[WebhookReceiver, string]> {
    const created = new WebhookReceiver(reply);
    receivers.push(created);
    return [created, await created.start()];
  }
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.stop()));
  });

  it('rotates the signing secret: both secrets verify during the grace period, only the new one after it', async () => {
    const [hooks, url] = await receiver();
    const namespace = await createTestNamespace('rotation');
    const { signingSecret: oldSecret } = await createSubscription(namespace, 'sub', { url, events: ['tag.changed'] });

    const rotated = await api<Subscription>('POST', `${subscriptionPath(namespace, 'sub')}/rotatesecret`, { gracePeriodSeconds: 3600 });
    expect(rotated.status).toBe(200);
    const newSecret = rotated.body.status.signingSecret as string;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);
    expect(Date.parse(rotated.body.status.previousSecretExpiresAt as string)).toBeGreaterThan(Date.now() + 3_500_000);
    // Shown once: a read does not reveal it.
    expect((await api<Subscription>('GET', subscriptionPath(namespace, 'sub'))).body.status.signingSecret).toBeUndefined();

    await moveTag(namespace, 'app', 'latest');
    const [during] = await hooks.waitForCount(1);
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifies(newSecret, during)).toBe(true);
    expect(verifies(oldSecret, during)).toBe(true);

    const ended = await api<Subscription>('POST', `${subscriptionPath(namespace, 'sub')}/rotatesecret`, { gracePeriodSeconds: 0 });
    const newest = ended.body.status.signingSecret as string;
    await moveTag(namespace, 'app', 'latest');
    const after = (await hooks.waitForCount(2))[1];
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verifies(newest, after)).toBe(true);
    expect(verifies(newSecret, after)).toBe(false);

    const bad = await api('POST', `${subscriptionPath(namespace, 'sub')}/rotatesecret`, { gracePeriodSeconds: -1 });
    expect(bad.status).toBe(422);
  });

  it('pings a subscription, even a paused one, and records the delivery', async () => {
    const [hooks, url] = await receiver(() => ({ status: 204 }));
    const namespace = await createTestNamespace('ping');
    const { signingSecret } = await createSubscription(namespace, 'sub', { url, paused: true });
    const ping = await api<Delivery>('POST', `${subscriptionPath(namespace, 'sub')}/ping`);
    expect(ping.status).toBe(200);
    expect(ping.body).toMatchObject({ eventType: 'io.imagestreams.webhook.ping.v1', outcome: 'succeeded', attempts: [{ statusCode: 204 }] });
    const [request] = await hooks.waitForCount(1);
    expect(bodyOf(request)).toMatchObject({ type: 'io.imagestreams.webhook.ping.v1', data: { namespace, subscription: 'sub' } });
    expect(verifies(signingSecret, request)).toBe(true);
    expect((await deliveries(namespace, 'sub', `?eventId=${ping.body.eventId}`)).map((d) => d.id)).toEqual([ping.body.id]);
    expect((await api('POST', `${subscriptionPath(namespace, 'missing')}/ping`)).status).toBe(404);
  });

  it('pauses and resumes through PATCH; moves while paused are not delivered', async () => {
    const [hooks, url] = await receiver();
    // Pausing applies when the dispatcher plans an event, which happens after the move commits: a
    // second, unpaused subscription shows when the move made while paused has been planned.
    const [witness, witnessUrl] = await receiver();
    const namespace = await createTestNamespace('pause');
    await createSubscription(namespace, 'sub', { url, events: ['tag.changed'] });
    await createSubscription(namespace, 'witness', { url: witnessUrl, events: ['tag.changed'] });
    const paused = await api<Subscription>('PATCH', subscriptionPath(namespace, 'sub'), { spec: { paused: true } }, { contentType: 'application/merge-patch+json' });
    expect(paused.status).toBe(200);
    expect(paused.body.spec['paused']).toBe(true);
    const whilePaused = await moveTag(namespace, 'app', 'latest');
    await witness.waitForCount(1);
    await api('PATCH', subscriptionPath(namespace, 'sub'), { spec: { paused: false } });
    const afterResume = await moveTag(namespace, 'app', 'latest');
    const [request] = await hooks.waitForCount(1);
    expect((bodyOf(request).data['current'] as { image: string }).image).toBe(afterResume);
    expect(hooks.received.map((r) => (bodyOf(r).data['current'] as { image: string }).image)).not.toContain(whilePaused);

    for (const [spec, field] of [
      [{ timeoutSeconds: 0 }, 'spec.timeoutSeconds'],
      [{ filter: { tagRegex: '(a+)+' } }, 'spec.filter'],
      [{ url: 'http://169.254.169.254/' }, 'spec.url'],
    ] as const) {
      const invalid = await api<{ details: { causes: { field: string }[] } }>('PATCH', subscriptionPath(namespace, 'sub'), { spec });
      expect(invalid.status).toBe(422);
      expect(invalid.body.details.causes.map((cause) => cause.field)).toContain(field);
    }
    expect((await api<Subscription>('GET', subscriptionPath(namespace, 'sub'))).body.spec['timeoutSeconds']).toBe(10);
    expect((await api('PATCH', subscriptionPath(namespace, 'sub'), { metadata: { name: 'renamed' } })).status).toBe(400);
    expect((await api('PATCH', subscriptionPath(namespace, 'sub'), [1], { contentType: 'application/json' })).status).toBe(400);
    expect((await api('PATCH', subscriptionPath(namespace, 'sub'), {}, { contentType: 'application/json-patch+json' })).status).toBe(415);
  });

  it('disables a subscription after its failure streak, tells other subscribers, and re-enables it on edit', async () => {
    const [, brokenUrl] = await receiver(() => ({ status: 500 }));
    const [watcher, watcherUrl] = await receiver();
    const namespace = await createTestNamespace('streak');
    await createSubscription(namespace, 'watcher', { url: watcherUrl, events: ['webhooksubscription.disabled'] });
    await createSubscription(namespace, 'broken', { url: brokenUrl, events: ['tag.changed'], retry: { maxAttempts: 10, initialBackoffSeconds: 0.1, maxBackoffSeconds: 0.2, disableAfterFailures: 3 } });
    await moveTag(namespace, 'app', 'latest');

    const [notice] = await watcher.waitForCount(1);
    expect(bodyOf(notice)).toMatchObject({ type: 'io.imagestreams.webhooksubscription.disabled.v1', data: { namespace, subscription: 'broken', consecutiveFailures: 3 } });
    const disabled = await api<Subscription>('GET', subscriptionPath(namespace, 'broken'));
    expect(disabled.body.status.conditions[0]).toMatchObject({ type: 'Ready', status: 'False', message: 'failed 3 attempts in a row' });
    // Disabled: the pending retry is not sent again, and new moves are not planned for it.
    const attemptsAtDisable = (await deliveries(namespace, 'broken'))[0].attempts.length;
    expect(attemptsAtDisable).toBeGreaterThanOrEqual(3);

    const edited = await api<Subscription>('PATCH', subscriptionPath(namespace, 'broken'), { spec: { retry: { disableAfterFailures: 1000 } } });
    expect(edited.body.status.conditions[0]).toMatchObject({ type: 'Ready', status: 'True' });
    expect(edited.body.status.consecutiveFailures).toBe(0);
  });

  it('disables a subscription whose receiver answers 410 Gone', async () => {
    const [gone, url] = await receiver(() => ({ status: 410 }));
    const namespace = await createTestNamespace('gone');
    await createSubscription(namespace, 'sub', { url, events: ['tag.changed'] });
    await moveTag(namespace, 'app', 'latest');
    await gone.waitForCount(1);
    const subscription = await eventually(async () => {
      const read = await api<Subscription>('GET', subscriptionPath(namespace, 'sub'));
      return read.body.status.conditions[0].status === 'False' ? read.body : undefined;
    }, 'the subscription to be disabled');
    expect(subscription.status.conditions[0].message).toContain('410 Gone');
    await moveTag(namespace, 'app', 'latest');
    expect((await deliveries(namespace, 'sub')).map((d) => d.outcome)).toEqual(['dead']);
  });

  it('never delivers an older move of a tag after a newer one, however retries interleave', async () => {
    // The receiver refuses everything during the first second, then takes all.
    const refuseUntil = Date.now() + 1_000;
    const [hooks, url] = await receiver(() => ({ status: Date.now() < refuseUntil ? 503 : 200 }));
    const namespace = await createTestNamespace('ordering');
    await createSubscription(namespace, 'sub', { url, events: ['tag.changed'], retry: { maxAttempts: 20, initialBackoffSeconds: 0.1, maxBackoffSeconds: 0.3 } });
    const digests: string[] = [];
    for (let i = 0; i < 8; i++) digests.push(await moveTag(namespace, 'app', 'latest'));
    await moveTag(namespace, 'app', 'other');

    const final = await eventually(async () => {
      const accepted = hooks.received.filter((r) => r.receivedAt >= refuseUntil).map(bodyOf);
      return accepted.some((event) => (event.data['current'] as { image: string }).image === digests[7]) ? accepted : undefined;
    }, 'the newest move to be delivered');
    const latestOrder = final.filter((event) => event.data['tag'] === 'latest').map((event) => Number(event.data['resourceVersion']));
    expect(latestOrder).toEqual([...latestOrder].sort((a, b) => a - b));
    expect(new Set(latestOrder).size).toBe(latestOrder.length);
    // Superseded moves are logged as skipped, never lost silently.
    const log = await eventually(async () => {
      const items = await deliveries(namespace, 'sub');
      return items.every((d) => d.outcome === 'succeeded' || d.outcome === 'skipped') ? items : undefined;
    }, 'every delivery to be settled');
    expect(log).toHaveLength(9);
    expect(log.filter((d) => d.outcome === 'skipped').length).toBeGreaterThan(0);
  });

  it('dead-letters, then redelivers one delivery and all dead ones with the same webhook-id', async () => {
    let healthy = false;
    const [hooks, url] = await receiver(() => ({ status: healthy ? 200 : 500 }));
    const namespace = await createTestNamespace('redeliver');
    await createSubscription(namespace, 'sub', { url, events: ['tag.changed'], retry: { maxAttempts: 1 } });
    await moveTag(namespace, 'a', 'latest');
    await moveTag(namespace, 'b', 'latest');
    await moveTag(namespace, 'c', 'latest');
    const dead = await eventually(async () => {
      const items = await deliveries(namespace, 'sub', '?outcome=dead');
      return items.length === 3 ? items : undefined;
    }, 'three dead deliveries');
    healthy = true;

    const one = await api<Delivery>('POST', `${subscriptionPath(namespace, 'sub')}/deliveries/${dead[0].id}/redeliver`);
    expect(one.status).toBe(200);
    expect(one.body.outcome).toBe('pending');
    await eventually(async () => (hooks.received.filter((r) => r.headers['webhook-id'] === dead[0].eventId).length === 2 ? true : undefined), 'the redelivered one');

    const all = await api<{ deliveriesQueued: number }>('POST', `${subscriptionPath(namespace, 'sub')}/deliveries/redeliver`, { outcome: 'dead' });
    expect(all.body.deliveriesQueued).toBe(2);
    const settled = await eventually(async () => {
      const items = await deliveries(namespace, 'sub');
      return items.every((d) => d.outcome === 'succeeded') ? items : undefined;
    }, 'all redelivered');
    expect(settled.every((d) => d.attempts.length === 2)).toBe(true);
    for (const delivery of dead) expect(hooks.received.filter((r) => r.headers['webhook-id'] === delivery.eventId)).toHaveLength(2);

    expect((await api('POST', `${subscriptionPath(namespace, 'sub')}/deliveries/redeliver`, { outcome: 'succeeded' })).status).toBe(422);
    expect((await api('POST', `${subscriptionPath(namespace, 'sub')}/deliveries/00000000-0000-4000-8000-000000000000/redeliver`)).status).toBe(404);
    expect((await api('GET', `${subscriptionPath(namespace, 'sub')}/deliveries/not-a-uuid`)).status).toBe(400);
    expect((await api('GET', `${subscriptionPath(namespace, 'sub')}/deliveries?outcome=bogus`)).status).toBe(400);
  });

  it('replays retained events since a time, including ones from before the subscription existed', async () => {
    const namespace = await createTestNamespace('replay');
    const since = new Date(Date.now() - 1_000).toISOString();
    const early = await moveTag(namespace, 'app', 'v1');
    const [hooks, url] = await receiver();
    await createSubscription(namespace, 'sub', { url, events: ['tag.changed'], filter: { tagRegex: 'v\\d+' } });
    await moveTag(namespace, 'app', 'v2');
    await moveTag(namespace, 'app', 'latest');
    // Settled first: a delivery being sent right now is not queued again.
    await eventually(async () => ((await deliveries(namespace, 'sub'))[0]?.outcome === 'succeeded' ? true : undefined), 'the live delivery to settle');

    const replay = await api<{ eventsRead: number; deliveriesQueued: number }>('POST', `${subscriptionPath(namespace, 'sub')}/replay`, { since });
    expect(replay.status).toBe(200);
    expect(replay.body.deliveriesQueued).toBe(2);
    expect(replay.body.eventsRead).toBeGreaterThanOrEqual(3);
    const received = await hooks.waitForCount(3);
    const tags = received.map((r) => bodyOf(r).data['tag']);
    expect(tags.sort()).toEqual(['v1', 'v2', 'v2']);
    expect(received.some((r) => (bodyOf(r).data['current'] as { image: string }).image === early)).toBe(true);
    expect((await api('POST', `${subscriptionPath(namespace, 'sub')}/replay`, { since: 'yesterday' })).status).toBe(422);
  });

  it('keeps a slow receiver from delaying a fast one, and times out what never answers', async () => {
    const [slow, slowUrl] = await receiver(() => 'hold');
    const [fast, fastUrl] = await receiver();
    const namespace = await createTestNamespace('targets');
    await createSubscription(namespace, 'slow', { url: slowUrl, events: ['tag.changed'], timeoutSeconds: 5 });
    await createSubscription(namespace, 'fast', { url: fastUrl, events: ['tag.changed'] });
    for (let i = 0; i < 40; i++) await moveTag(namespace, `app-${i}`, 'latest');
    await fast.waitForCount(40, 10_000);
    // Per-target limit (16 by default): the held receiver never has more than that open at once.
    expect(slow.received.length).toBeLessThanOrEqual(16);
    const timedOut = await eventually(async () => {
      const items = await deliveries(namespace, 'slow');
      return items.find((d) => d.attempts.some((a) => a.error?.includes('timed out after 5 s')));
    }, 'an attempt to time out', 30_000);
    expect(timedOut.outcome).toBe('pending');
  });

  it('refuses receivers on link-local, metadata and private addresses', async () => {
    const namespace = await createTestNamespace('ssrf');
    for (const url of ['http://169.254.169.254/latest/meta-data', 'http://10.1.2.3/hook', 'http://[fe80::1]/hook', 'http://192.168.0.1:8080/']) {
      const refused = await api<{ reason: string; details: { causes: { field: string; message: string }[] } }>('POST', `${NOTIFICATIONS}/namespaces/${namespace}/webhooksubscriptions`, {
        metadata: { name: 'ssrf' },
        spec: { url },
      });
      expect(refused.status).toBe(422);
      expect(refused.body.details.causes[0]).toMatchObject({ field: 'spec.url' });
    }
  });
});
