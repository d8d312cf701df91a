import { Webhook } from 'standardwebhooks';
import { api, createSubscription, createTestNamespace, mapping, randomDigest } from './support/api';
import { eventually, WebhookReceiver } from '@imagestreams/testing';

interface TagChangedEvent {
  specversion: string;
  id: string;
  type: string;
  source: string;
  subject: string;
  time: string;
  data: {
    namespace: string;
    imageStream: string;
    tag: string;
    previous: { image: string; dockerImageReference: string } | null;
    current: { image: string; dockerImageReference: string };
    generation: number;
    cause: string;
    resourceVersion: string;
  };
}

describe('a tag change flows from an ImageStreamMapping to a signed webhook', () => {
  const receiver = new WebhookReceiver();
  let namespace: string;
  let secret: string;

  beforeAll(async () => {
    const url = await receiver.start();
    namespace = await createTestNamespace('first-event');
    secret = (await createSubscription(namespace, 'deploy-bot', { url, events: ['tag.changed'] })).signingSecret;
  });
  afterAll(() => receiver.stop());

  it('records history newest first and delivers one signed CloudEvent per move, in order', async () => {
    const first = randomDigest();
    const second = randomDigest();
    expect((await api('POST', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreammappings`, mapping('web', 'latest', first))).status).toBe(201);
    expect((await api('POST', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreammappings`, mapping('web', 'latest', second))).status).toBe(201);

    const stream = await api<{ kind: string; metadata: { name: string; resourceVersion: string }; status: { dockerImageRepository: string; tags: { tag: string; items: { image: string; dockerImageReference: string }[] }[] } }>(
      'GET',
      `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams/web`,
    );
    expect(stream.status).toBe(200);
    expect(stream.body.kind).toBe('ImageStream');
    expect(stream.body.status.tags).toHaveLength(1);
    expect(stream.body.status.tags[0].tag).toBe('latest');
    expect(stream.body.status.tags[0].items.map((item) => item.image)).toEqual([second, first]);
    expect(stream.body.status.tags[0].items[0].dockerImageReference).toBe(`${stream.body.status.dockerImageRepository}@${second}`);

    const [moveOne, moveTwo] = await receiver.waitForCount(2);
    for (const request of [moveOne, moveTwo]) {
      expect(request.headers['content-type']).toBe('application/cloudevents+json');
      // Throws unless the signature over the exact body verifies with the secret shown at creation.
      new Webhook(secret).verify(request.body, request.headers as Record<string, string>);
    }
    const events = [moveOne, moveTwo].map((request) => JSON.parse(request.body) as TagChangedEvent);
    expect(events.map((event) => event.data.current.image)).toEqual([first, second]);
    expect(events[0]).toMatchObject({
      specversion: '1.0',
      type: 'io.imagestreams.tag.changed.v1',
      subject: `namespaces/${namespace}/imagestreams/web:latest`,
      data: { namespace, imageStream: 'web', tag: 'latest', previous: null, cause: 'push', generation: 1 },
    });
    expect(events[1].data.previous).toEqual(events[0].data.current);
    // The event names the stream's resourceVersion after the change, so consumers can order and dedupe.
    expect(events[1].data.resourceVersion).toBe(stream.body.metadata.resourceVersion);
    expect(Number(events[0].data.resourceVersion)).toBeLessThan(Number(events[1].data.resourceVersion));
    expect(moveOne.headers['webhook-id']).toBe(events[0].id);
    expect(moveTwo.headers['webhook-id']).toBe(events[1].id);
  });

  it('lists every delivery with its successful attempt', async () => {
    const deliveries = await eventually(async () => {
      const list = await api<{ items: { outcome: string; attempts: { statusCode?: number }[] }[] }>(
        'GET',
        `/apis/notifications.imagestreams.io/v1/namespaces/${namespace}/webhooksubscriptions/deploy-bot/deliveries`,
      );
      return list.body.items.length === 2 && list.body.items.every((item) => item.outcome === 'succeeded') ? list.body.items : undefined;
    }, 'both deliveries to succeed');
    for (const delivery of deliveries) expect(delivery.attempts.map((attempt) => attempt.statusCode)).toEqual([200]);
  });

  it('shows one delivery with the exact body the receiver got, which a list leaves out', async () => {
    const path = `/apis/notifications.imagestreams.io/v1/namespaces/${namespace}/webhooksubscriptions/deploy-bot/deliveries`;
    const list = await api<{ items: { id: string; eventId: string; payload?: string }[] }>('GET', path);
    expect(list.body.items.length).toBeGreaterThan(0);
    for (const item of list.body.items) expect(item.payload).toBeUndefined();
    const received = new Map(receiver.received.map((request) => [request.headers['webhook-id'], request.body]));
    for (const item of list.body.items) {
      const one = await api<{ id: string; payload?: string }>('GET', `${path}/${item.id}`);
      expect(one.status).toBe(200);
      expect(one.body.payload).toBe(received.get(item.eventId));
    }
  });

  it('answers 404 when deleting a subscription that does not exist', async () => {
    const missing = await api<{ code: number }>('DELETE', `/apis/notifications.imagestreams.io/v1/namespaces/${namespace}/webhooksubscriptions/nobody`);
    expect(missing.status).toBe(404);
  });

  it('does not show the signing secret again after creation', async () => {
    const fetched = await api<{ status: Record<string, unknown> }>('GET', `/apis/notifications.imagestreams.io/v1/namespaces/${namespace}/webhooksubscriptions/deploy-bot`);
    expect(fetched.status).toBe(200);
    expect(fetched.body.status['signingSecret']).toBeUndefined();
  });
});

describe('subscription filters', () => {
  const receiver = new WebhookReceiver();
  let namespace: string;

  beforeAll(async () => {
    const url = await receiver.start();
    namespace = await createTestNamespace('filters');
    await createSubscription(namespace, 'releases-only', { url, events: ['tag.changed'], filter: { imageStreams: ['api-*'], tags: ['v*'] } });
  });
  afterAll(() => receiver.stop());

  it('delivers only events whose stream and tag match the globs', async () => {
    await api('POST', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreammappings`, mapping('api-server', 'latest', randomDigest()));
    await api('POST', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreammappings`, mapping('web', 'v1.0.0', randomDigest()));
    await api('POST', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreammappings`, mapping('api-server', 'v1.0.0', randomDigest()));
    const [only] = await receiver.waitForCount(1);
    expect(JSON.parse(only.body).subject).toBe(`namespaces/${namespace}/imagestreams/api-server:v1.0.0`);
    // A later matching move proves the earlier non-matching ones were processed (and skipped)
    // rather than still on their way.
    await api('POST', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreammappings`, mapping('api-server', 'v1.0.1', randomDigest()));
    await receiver.waitForCount(2);
    expect(receiver.received.map((request) => JSON.parse(request.body).data.tag)).toEqual(['v1.0.0', 'v1.0.1']);
  });
});

describe('semver and regex filters, and event types', () => {
  const semver = new WebhookReceiver();
  const regex = new WebhookReceiver();
  let namespace: string;

  beforeAll(async () => {
    namespace = await createTestNamespace('filters-2');
    await createSubscription(namespace, 'minor-1', { url: await semver.start(), events: ['tag.changed'], filter: { tagSemver: '^1.2.0' } });
    await createSubscription(namespace, 'nightlies', { url: await regex.start(), events: ['tag.deleted'], filter: { tagRegex: 'nightly-\\d{8}' } });
  });
  afterAll(async () => Promise.all([semver.stop(), regex.stop()]));

  it('delivers only tags in the semver range, and only the event types and tag pattern asked for', async () => {
    const move = (tag: string) => api('POST', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreammappings`, mapping('app', tag, randomDigest()));
    for (const tag of ['1.1.9', 'v1.2.3', '2.0.0', 'latest', '1.2.4-rc.1', 'nightly-20261127', 'nightly-x', 'v1.9.0']) await move(tag);
    await api('DELETE', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreamtags/app:nightly-x`);
    await api('DELETE', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreamtags/app:nightly-20261127`);
    const inRange = await semver.waitForCount(2);
    const [deleted] = await regex.waitForCount(1);
    // A later matching move of each kind proves the others were planned (and filtered), not late.
    await move('1.2.5');
    await semver.waitForCount(3);
    expect(semver.received.map((r) => JSON.parse(r.body).data.tag)).toEqual(['v1.2.3', 'v1.9.0', '1.2.5']);
    expect(inRange.every((r) => JSON.parse(r.body).type === 'io.imagestreams.tag.changed.v1')).toBe(true);
    expect(JSON.parse(deleted.body)).toMatchObject({ type: 'io.imagestreams.tag.deleted.v1', data: { tag: 'nightly-20261127' } });
    expect(regex.received).toHaveLength(1);
  });
});
