import { ConsumerNames, StreamNames } from '@imagestreams/contracts';
import { createDatabase, dropDatabase, freePort, openServiceLogFile, REPO_ROOT, startPrivateNats, startStack, type NatsHandle, type ServiceName, type ServiceLogFile, type ServiceProcess, type Stack } from '@imagestreams/stack';
import { bearerHeaders, eventually, generateAccessToken, testDatabaseUrl, WebhookReceiver, type ReceivedWebhook } from '@imagestreams/testing';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { Webhook } from 'standardwebhooks';

/*
 * Two trigger-dispatcher replicas share one durable consumer and one deliveries table. In the normal
 * case (nobody dies, receivers answer at once) they must split the work and never both send the
 * same (subscription, event): every receiver gets every event exactly once, with no deduplication.
 * (At-least-once duplicates are for crashes: apps/system-e2e/src/dispatcher-kill.e2e-spec.ts.)
 *
 * A stack of its own: one private NATS server, a fresh database, the gateway and stream-service
 * once each, the dispatcher twice. Nothing is shared with system-e2e or the cluster fault test.
 */

const DISPATCHER_REPLICAS = 2;
const MOVES = 200;
const SUBSCRIPTIONS = 2;
const IN_FLIGHT = 8;
/** Distinct tags (a newer move of one tag would supersede an older pending one), over a few streams. */
const STREAMS = 10;
const SERVICES: ServiceName[] = ['registry-gateway', 'stream-service', 'trigger-dispatcher'];
/** The stack's bootstrap admin (BOOTSTRAP_ADMIN_TOKEN): every API call is made as cluster-admin. */
const ADMIN_TOKEN = generateAccessToken();

describe(`${DISPATCHER_REPLICAS} trigger-dispatcher replicas share the deliveries`, () => {
  let dataDir: string | undefined;
  let databaseName: string | undefined;
  let nats: NatsHandle | undefined;
  let stack: Stack | undefined;
  let serviceLog: ServiceLogFile | undefined;
  let nc: NatsConnection | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'imagestreams-dispatcher-replicas-'));
    databaseName = `imagestreams_dispatcher_replicas_${Date.now()}`;
    await createDatabase(testDatabaseUrl(), databaseName);
    nats = await startPrivateNats({ dataDir });
    const ports = Object.fromEntries(await Promise.all(SERVICES.map(async (name) => [name, await freePort()])));
    const databaseUrl = new URL(testDatabaseUrl());
    databaseUrl.pathname = `/${databaseName}`;
    // Quiet services print nothing here; what they log is kept for a failure's post-mortem (.ci/run shows its tail).
    serviceLog = openServiceLogFile(path.join(REPO_ROOT, 'tmp', 'test-logs', 'cluster-e2e-dispatcher-replicas-services.log'));
    stack = await startStack({
      databaseUrl: databaseUrl.toString(),
      natsUrl: nats.natsUrl,
      dataDir,
      ports,
      services: SERVICES,
      replicas: { 'trigger-dispatcher': DISPATCHER_REPLICAS },
      quiet: true,
      serviceOutput: serviceLog.sink,
      log: () => undefined,
      readyTimeoutMs: 150_000,
      // The same short timers as the other end-to-end stacks: an expired lease would be taken over
      // (and sent a second time) within a second, so a replica that let one lapse would show here.
      env: { BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN, OUTBOX_POLL_INTERVAL_MS: '200', WEBHOOK_POLL_INTERVAL_MS: '200', WEBHOOK_LEASE_GRACE_MS: '500', SHUTDOWN_TIMEOUT_MS: '5000' },
    }).catch((error: Error & { logTail?: string[] }) => {
      throw new Error([error.message, ...(error.logTail ?? []).slice(-30)].join('\n'));
    });
    nc = await connect({ servers: nats.natsUrl, name: 'dispatcher-replicas-e2e' });
  }, 240_000);

  afterAll(async () => {
    await nc?.close().catch(() => undefined);
    await stack?.stop();
    await serviceLog?.close();
    await nats?.stop();
    if (databaseName) await dropDatabase(testDatabaseUrl(), databaseName);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  it(`delivers each of ${MOVES} tag moves to each of ${SUBSCRIPTIONS} subscriptions exactly once, without dedup, and both replicas send`, async () => {
    if (!stack || !nc) throw new Error('the stack did not start');
    const gateway = stack.gatewayUrl;
    const dispatchers = stack.replicas('trigger-dispatcher');
    expect(dispatchers).toHaveLength(DISPATCHER_REPLICAS);
    const succeededBefore = await Promise.all(dispatchers.map(succeededDeliveries));

    const namespace = `replicas-${randomBytes(4).toString('hex')}`;
    await expectCreated(`${gateway}/api/v1/namespaces`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    const subscribers: { name: string; receiver: WebhookReceiver; secret: string }[] = [];
    try {
      for (let index = 0; index < SUBSCRIPTIONS; index++) {
        const receiver = new WebhookReceiver();
        const url = await receiver.start();
        const name = `hook-${index}`;
        subscribers.push({ name, receiver, secret: '' });
        const created = await expectCreated<{ status: { signingSecret: string } }>(`${gateway}/apis/notifications.imagestreams.io/v1/namespaces/${namespace}/webhooksubscriptions`, {
          apiVersion: 'notifications.imagestreams.io/v1',
          kind: 'WebhookSubscription',
          metadata: { name },
          spec: { url, events: ['tag.changed'] },
        });
        subscribers[index].secret = created.status.signingSecret;
      }

      const planned = Array.from({ length: MOVES }, (_, index) => ({ stream: `app-${index % STREAMS}`, tag: `t${index}`, image: `sha256:${randomBytes(32).toString('hex')}` }));
      let next = 0;
      await Promise.all(
        Array.from({ length: IN_FLIGHT }, async () => {
          for (let index = next++; index < MOVES; index = next++) {
            const move = planned[index];
            await expectCreated(`${gateway}/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreammappings`, {
              apiVersion: 'image.openshift.io/v1',
              kind: 'ImageStreamMapping',
              metadata: { name: move.stream },
              image: { metadata: { name: move.image } },
              tag: move.tag,
            });
          }
        }),
      );

      // Settled: every receiver has every event, the durable has nothing pending or unacked (no
      // redelivery can come), each subscription's log has every delivery succeeded (so nothing is
      // left to send: a delivery that was sent twice is in the receivers' counts by then), and the
      // replicas' counts of 2xx answers cover them all.
      const expectedDeliveries = MOVES * SUBSCRIPTIONS;
      const jsm = await nc.jetstreamManager();
      let succeededByReplica: number[] = [];
      await eventually(
        async () => {
          if (subscribers.some(({ receiver }) => receiver.received.length < MOVES)) return undefined;
          const consumer = await jsm.consumers.info(StreamNames.imageEvents, ConsumerNames.triggerDispatcherImageEvents);
          if (consumer.num_pending !== 0 || consumer.num_ack_pending !== 0) return undefined;
          const logs = await Promise.all(subscribers.map(({ name }) => deliveryLog(gateway, namespace, name)));
          if (!logs.every((log) => log.length === MOVES && log.every((delivery) => delivery.outcome === 'succeeded'))) return undefined;
          const after = await Promise.all(dispatchers.map(succeededDeliveries));
          succeededByReplica = after.map((count, index) => count - succeededBefore[index]);
          return succeededByReplica.reduce((sum, count) => sum + count, 0) >= expectedDeliveries ? true : undefined;
        },
        `${expectedDeliveries} deliveries to settle`,
        90_000,
      ).catch(async (error: Error) => {
        const outcomes = await Promise.all(dispatchers.map(async (service) => [service.label, await outcomeCounters(service)]));
        throw new Error(
          `${error.message}: receivers got ${subscribers.map(({ name, receiver }) => `${name} ${receiver.received.length}`).join(', ')}; replicas counted ${JSON.stringify(outcomes)}\n${dispatchers.map((service) => `${service.label} said:\n${service.logTail().slice(-15).join('\n')}`).join('\n')}`,
        );
      });

      const perReceiver = subscribers.map(({ name, receiver, secret }) => {
        const arrivals = new Map<string, number[]>();
        for (const request of receiver.received) {
          const id = String(request.headers['webhook-id']);
          arrivals.set(id, [...(arrivals.get(id) ?? []), request.receivedAt]);
        }
        const tags = new Set(receiver.received.map((request) => (JSON.parse(request.body) as { data: { tag: string } }).data.tag));
        return {
          name,
          requests: receiver.received.length,
          distinctWebhookIds: arrivals.size,
          distinctTags: tags.size,
          unverified: receiver.received.filter((request) => !verifies(new Webhook(secret), request)).length,
          // For a duplicate: how long after the first copy the second came (a lapsed lease shows as its length).
          duplicateGapsMs: [...arrivals.values()].filter((times) => times.length > 1).map((times) => times[1] - times[0]),
          ids: new Set(arrivals.keys()),
        };
      });
      const byReplica = Object.fromEntries(dispatchers.map((service, index) => [service.label, succeededByReplica[index]]));
      const duplicates = perReceiver.some((receiver) => receiver.requests > receiver.distinctWebhookIds);
      console.log(
        `DISPATCHER_REPLICAS_SUMMARY ${JSON.stringify({
          moves: MOVES,
          subscriptions: SUBSCRIPTIONS,
          succeededByReplica: byReplica,
          receivers: perReceiver.map(({ ids: _ids, duplicateGapsMs, ...rest }) => ({ ...rest, duplicateGapsMs: duplicateGapsMs.slice(0, 10) })),
          // Why a delivery went out twice, in the replicas' words (errors only).
          ...(duplicates ? { dispatcherErrors: dispatchers.flatMap((service) => service.logTail().filter((line) => line.includes('"level":50')).slice(0, 3).map((line) => `${service.label}: ${line}`)) } : {}),
        })}`,
      );

      for (const receiver of perReceiver) {
        // Exactly once, counting raw requests: not one duplicate webhook-id.
        expect({ name: receiver.name, requests: receiver.requests, distinct: receiver.distinctWebhookIds, tags: receiver.distinctTags, unverified: receiver.unverified }).toEqual({
          name: receiver.name,
          requests: MOVES,
          distinct: MOVES,
          tags: MOVES,
          unverified: 0,
        });
      }
      expect([...perReceiver[1].ids].sort()).toEqual([...perReceiver[0].ids].sort());
      // Every 2xx was counted by exactly one replica, and both did a share of the work.
      expect(succeededByReplica.reduce((sum, count) => sum + count, 0)).toBe(expectedDeliveries);
      expect(Object.entries(byReplica).filter(([, count]) => count === 0)).toEqual([]);
    } finally {
      await Promise.all(subscribers.map(({ receiver }) => receiver.stop()));
    }
  }, 180_000);
});

async function expectCreated<T = unknown>(url: string, body: unknown): Promise<T> {
  const response = await fetch(url, { method: 'POST', headers: { ...bearerHeaders(ADMIN_TOKEN), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`POST ${url} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** The replica's own count of webhooks answered 2xx, from its /metrics. */
async function succeededDeliveries(service: ServiceProcess): Promise<number> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  const sample = /^imagestreams_webhook_delivery_outcomes_total\{outcome="succeeded"\} (\S+)$/m.exec(text);
  if (!sample) throw new Error(`${service.label} /metrics has no succeeded webhook deliveries sample`);
  return Number(sample[1]);
}

interface LoggedDelivery {
  eventId: string;
  outcome: string;
  createdAt: string;
  attempts: { attemptedAt: string; statusCode?: number; error?: string; latencyMs: number }[];
}

/** The subscription's delivery log (every delivery with its attempts), as the API shows it. */
async function deliveryLog(gateway: string, namespace: string, name: string): Promise<LoggedDelivery[]> {
  const response = await fetch(`${gateway}/apis/notifications.imagestreams.io/v1/namespaces/${namespace}/webhooksubscriptions/${name}/deliveries?limit=1000`, { headers: bearerHeaders(ADMIN_TOKEN) });
  if (response.status !== 200) throw new Error(`deliveries of ${name}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { items: LoggedDelivery[] }).items;
}

/** Every outcome counter of the replica (succeeded, retry, dead, disabled). */
async function outcomeCounters(service: ServiceProcess): Promise<Record<string, number>> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  return Object.fromEntries([...text.matchAll(/^imagestreams_webhook_delivery_outcomes_total\{outcome="(\w+)"\} (\S+)$/gm)].map((match) => [match[1], Number(match[2])]));
}

function verifies(webhook: Webhook, request: ReceivedWebhook): boolean {
  try {
    webhook.verify(request.body, request.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}
