import { randomBytes, randomUUID } from 'node:crypto';
import { CreateWebhookSubscriptionCommand, validatePayload, type WebhookDelivery, type WebhookSubscription } from '@imagestreams/contracts';
import type { OutboxRelay } from '@imagestreams/platform-messaging';
import { openServiceDataSource } from '@imagestreams/platform-persistence';
import { CompiledAddressPolicy } from '@imagestreams/platform-registry-client';
import { SecretKeyRing, SecretResealer } from '@imagestreams/platform-secrets';
import { eventually, testDatabaseUrl, WebhookReceiver, type ReceivedWebhook } from '@imagestreams/testing';
import { Webhook } from 'standardwebhooks';
import type { DataSource } from 'typeorm';
import { DeliveriesRequests } from '../deliveries/deliveries.requests';
import { DeliveryRepository } from '../deliveries/delivery.repository';
import { DeliveryWorker } from '../deliveries/delivery-worker';
import type { EventArchive } from '../deliveries/event-archive';
import { SubscriptionEvents } from '../deliveries/subscription-events';
import { TRIGGER_MIGRATIONS } from '../migrations';
import { SIGNING_SECRETS_TABLE, SigningSecrets } from './signing-secrets';
import { SubscriptionRepository } from './subscription.repository';
import { SubscriptionsRequests } from './subscriptions.requests';

interface StoredRow {
  uid: string;
  signing_secret: string | null;
  previous_signing_secret: string | null;
  sealed_signing_secret: Buffer | null;
  sealed_previous_signing_secret: Buffer | null;
  consecutive_failures: number;
  as_text: string;
}

const newKey = () => randomBytes(32).toString('base64');
const verifies = (secret: string, request: ReceivedWebhook) => {
  try {
    new Webhook(secret).verify(request.body, request.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
};

/**
 * Webhook signing secrets at rest, against real Postgres and a real receiver: what the table holds
 * (read directly), that every path that signs (ping, the poller's claimed deliveries, rotation)
 * still produces signatures that verify, the upgrade from plaintext rows, and a key rotation.
 */
describe('signing secrets at rest (Postgres)', () => {
  const schema = `trigger_int_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const receiver = new WebhookReceiver(() => ({ status: 204 }));
  let url: string;
  let dataSource: DataSource;
  const workers: DeliveryWorker[] = [];

  beforeAll(async () => {
    dataSource = await openServiceDataSource({
      url: testDatabaseUrl(),
      schema,
      entities: [],
      migrations: TRIGGER_MIGRATIONS,
      poolSize: 6,
    });
    url = await receiver.start();
  });

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await receiver.stop();
    await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  /** The service's handlers as a process started with this key ring would have them. */
  function service(ring: SecretKeyRing) {
    const subscriptions = new SubscriptionRepository(dataSource);
    const signingSecrets = new SigningSecrets(ring);
    const deliveries = new DeliveryRepository(dataSource);
    const relay = { kick: () => undefined } as unknown as OutboxRelay;
    const worker = new DeliveryWorker(deliveries, new SubscriptionEvents(), relay, { maxConcurrency: 4, maxConcurrencyPerTarget: 4, pollIntervalMs: 50, leaseGraceMs: 1_000, disableAfterFailures: 100 }, signingSecrets);
    workers.push(worker);
    const policy = new CompiledAddressPolicy({ allowLoopback: true, allowPrivate: false, allowedCidrs: [] });
    return {
      worker,
      deliveries,
      requests: new SubscriptionsRequests(subscriptions, signingSecrets, { timeoutSeconds: 5, secretRotationGraceSeconds: 3600 }, policy),
      // Replay (the only user of the archive) is not exercised here.
      deliveryRequests: new DeliveriesRequests(subscriptions, deliveries, worker, {} as EventArchive),
    };
  }

  async function create(handlers: ReturnType<typeof service>, namespace: string, name: string): Promise<WebhookSubscription> {
    const command = validatePayload(CreateWebhookSubscriptionCommand, { namespace, subscription: { metadata: { name }, spec: { url } } });
    if (!command.ok) throw new Error(JSON.stringify(command.causes));
    return handlers.requests.create(command.value);
  }

  async function stored(namespace: string, name: string): Promise<StoredRow> {
    const rows: StoredRow[] = await dataSource.query(
      `SELECT uid, signing_secret, previous_signing_secret, sealed_signing_secret, sealed_previous_signing_secret, consecutive_failures, row_to_json(s)::text AS as_text
       FROM webhook_subscriptions s WHERE namespace = $1 AND name = $2`,
      [namespace, name],
    );
    return rows[0];
  }

  function expectNoPlaintext(row: StoredRow, secrets: string[]): void {
    expect(row.signing_secret).toBeNull();
    expect(row.previous_signing_secret).toBeNull();
    for (const secret of secrets) {
      const key = secret.replace(/^whsec_/, '');
      expect(row.as_text).not.toContain(key);
      expect(row.as_text).not.toContain(Buffer.from(secret).toString('hex'));
      for (const sealed of [row.sealed_signing_secret, row.sealed_previous_signing_secret]) {
        if (sealed) expect(sealed.includes(Buffer.from(secret)) || sealed.includes(Buffer.from(key, 'base64'))).toBe(false);
      }
    }
  }

  /** A ping, and the request it made (the receiver serves every test, so requests are told apart by webhook-id). */
  async function ping(handlers: ReturnType<typeof service>, namespace: string, name: string): Promise<{ delivery: WebhookDelivery; request?: ReceivedWebhook }> {
    const before = receiver.received.length;
    const delivery = await handlers.deliveryRequests.ping({ namespace, name });
    return { delivery, request: receiver.received.slice(before).find((request) => request.headers['webhook-id'] === delivery.eventId) };
  }

  it('stores only the sealed secret, never shows it again, and pings sign with it', async () => {
    const handlers = service(SecretKeyRing.fromConfig(newKey(), '', ''));
    const created = await create(handlers, 'at-rest', 'hook');
    const secret = created.status?.signingSecret as string;
    expect(secret).toMatch(/^whsec_/);

    const row = await stored('at-rest', 'hook');
    expect(row.sealed_signing_secret).toBeInstanceOf(Buffer);
    expectNoPlaintext(row, [secret]);
    expect((await handlers.requests.get({ namespace: 'at-rest', name: 'hook' })).status?.signingSecret).toBeUndefined();
    expect((await handlers.requests.list({ namespace: 'at-rest' })).items.map((item) => item.status?.signingSecret)).toEqual([undefined]);

    const { delivery, request } = await ping(handlers, 'at-rest', 'hook');
    expect(delivery.outcome).toBe('succeeded');
    expect(request && verifies(secret, request)).toBe(true);
  });

  it('signs deliveries the poller claims with the unsealed secret', async () => {
    const handlers = service(SecretKeyRing.fromConfig(newKey(), '', ''));
    const created = await create(handlers, 'claimed', 'hook');
    const eventId = randomUUID();
    const payload = JSON.stringify({ specversion: '1.0', id: eventId, type: 'io.imagestreams.tag.changed.v1', source: '/test', data: { namespace: 'claimed' } });
    await handlers.deliveries.replay([{ id: randomUUID(), subscriptionUid: created.metadata.uid as string, eventId, eventType: 'io.imagestreams.tag.changed.v1', payload, target: new URL(url).origin, leaseMs: 0 }]);

    handlers.worker.start();
    const request = await eventually(async () => receiver.received.find((candidate) => candidate.headers['webhook-id'] === eventId), 'the claimed delivery');
    await handlers.worker.stop();

    expect(request.body).toBe(payload);
    expect(verifies(created.status?.signingSecret as string, request)).toBe(true);
  });

  it('rotates: both secrets stored sealed, deliveries signed with both during the grace period', async () => {
    const handlers = service(SecretKeyRing.fromConfig(newKey(), '', ''));
    const oldSecret = (await create(handlers, 'rotation', 'hook')).status?.signingSecret as string;
    const rotated = await handlers.requests.rotate({ namespace: 'rotation', name: 'hook', rotation: { gracePeriodSeconds: 600 } });
    const newSecret = rotated.status?.signingSecret as string;
    expect(newSecret).not.toBe(oldSecret);

    const row = await stored('rotation', 'hook');
    expect(row.sealed_previous_signing_secret).toBeInstanceOf(Buffer);
    expectNoPlaintext(row, [oldSecret, newSecret]);

    const { request } = await ping(handlers, 'rotation', 'hook');
    expect(request && verifies(newSecret, request)).toBe(true);
    expect(request && verifies(oldSecret, request)).toBe(true);
  });

  it('seals the plaintext rows of the previous release at start; they sign the same before and after', async () => {
    const ring = SecretKeyRing.fromConfig(newKey(), '', '');
    const handlers = service(ring);
    const [current, previous] = ['whsec_' + randomBytes(24).toString('base64'), 'whsec_' + randomBytes(24).toString('base64')];
    // What the previous release wrote: plaintext columns only.
    await dataSource.query(
      `INSERT INTO webhook_subscriptions (uid, namespace, name, spec, signing_secret, previous_signing_secret, previous_secret_expires_at, resource_version)
       VALUES ($1, 'upgrade', 'hook', $2, $3, $4, now() + interval '10 minutes', nextval('resource_version_seq'))`,
      [randomUUID(), { url, paused: false, timeoutSeconds: 5, retry: { maxAttempts: 3, initialBackoffSeconds: 1, maxBackoffSeconds: 10 } }, current, previous],
    );
    const beforeStart = (await ping(handlers, 'upgrade', 'hook')).request;
    expect(beforeStart && verifies(current, beforeStart) && verifies(previous, beforeStart)).toBe(true);

    const resealer = new SecretResealer(dataSource, ring, [SIGNING_SECRETS_TABLE]);
    await resealer.onApplicationBootstrap();
    await resealer.beforeApplicationShutdown();

    const row = await stored('upgrade', 'hook');
    expectNoPlaintext(row, [current, previous]);
    expect(ring.needsReseal(row.sealed_signing_secret as Buffer)).toBe(false);
    expect(ring.needsReseal(row.sealed_previous_signing_secret as Buffer)).toBe(false);
    const afterStart = (await ping(handlers, 'upgrade', 'hook')).request;
    expect(afterStart && verifies(current, afterStart) && verifies(previous, afterStart)).toBe(true);
  });

  it('rotating a subscription from before sealing leaves no plaintext behind; the old secret still signs during the grace period', async () => {
    const handlers = service(SecretKeyRing.fromConfig(newKey(), '', ''));
    const oldSecret = 'whsec_' + randomBytes(24).toString('base64');
    await dataSource.query(
      `INSERT INTO webhook_subscriptions (uid, namespace, name, spec, signing_secret, resource_version) VALUES ($1, 'upgrade-rotation', 'hook', $2, $3, nextval('resource_version_seq'))`,
      [randomUUID(), { url, paused: false, timeoutSeconds: 5, retry: { maxAttempts: 3, initialBackoffSeconds: 1, maxBackoffSeconds: 10 } }, oldSecret],
    );

    const newSecret = (await handlers.requests.rotate({ namespace: 'upgrade-rotation', name: 'hook', rotation: { gracePeriodSeconds: 600 } })).status?.signingSecret as string;

    expectNoPlaintext(await stored('upgrade-rotation', 'hook'), [oldSecret, newSecret]);
    const { request } = await ping(handlers, 'upgrade-rotation', 'hook');
    expect(request && verifies(newSecret, request) && verifies(oldSecret, request)).toBe(true);
  });

  it('rotates the encryption key: a start with the new key and the old one as previous re-seals the rows, which then need only the new key', async () => {
    const oldKey = newKey();
    const newRingKey = newKey();
    const secret = (await create(service(SecretKeyRing.fromConfig(oldKey, '', '')), 'key-rotation', 'hook')).status?.signingSecret as string;
    const sealedBefore = (await stored('key-rotation', 'hook')).sealed_signing_secret as Buffer;

    const ring = SecretKeyRing.fromConfig(newRingKey, oldKey, '');
    expect(ring.needsReseal(sealedBefore)).toBe(true);
    const resealer = new SecretResealer(dataSource, ring, [SIGNING_SECRETS_TABLE]);
    await resealer.onApplicationBootstrap();
    await resealer.beforeApplicationShutdown();

    const row = await stored('key-rotation', 'hook');
    expect(ring.keyIdOf(row.sealed_signing_secret as Buffer)).toBe(ring.currentKeyId);
    expectNoPlaintext(row, [secret]);
    const { request } = await ping(service(SecretKeyRing.fromConfig(newRingKey, '', '')), 'key-rotation', 'hook');
    expect(request && verifies(secret, request)).toBe(true);
  });

  it('sends nothing when the secret opens with no configured key, and records why without counting it against the receiver', async () => {
    await create(service(SecretKeyRing.fromConfig(newKey(), '', '')), 'lost-key', 'hook');

    const { delivery, request } = await ping(service(SecretKeyRing.fromConfig(newKey(), '', '')), 'lost-key', 'hook');

    expect(request).toBeUndefined();
    expect(delivery.attempts[0]).toMatchObject({ error: expect.stringMatching(/^not sent: the signing secret cannot be opened \(sealed under key [0-9a-f]{16}, which is not configured/) });
    expect((await stored('lost-key', 'hook')).consecutive_failures).toBe(0);
  });
});
