import { ConsumerNames, StreamNames } from '@imagestreams/contracts';
import {
  createDatabase,
  dropDatabase,
  freePort,
  openServiceLogFile,
  REPO_ROOT,
  SERVICE_NAMES,
  startNatsCluster,
  startStack,
  type NatsCluster,
  type NatsClusterNode,
  type ServiceLogFile,
  type ServiceProcess,
  type Stack,
} from '@imagestreams/stack';
import { bearerHeaders, eventually, generateAccessToken, testDatabaseUrl, WebhookReceiver } from '@imagestreams/testing';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { connect, type JetStreamManager, type NatsConnection } from 'nats';
import { SteadyPoster, type PlannedPost } from './support/steady-poster';

/*
 * The cluster fault test: three nats-server processes as one JetStream cluster, two replicas of
 * every service on it, a steady stream of tag changes through both gateways, and the NATS node
 * that leads IMAGE_EVENTS (and the dispatcher's durable) SIGKILLed mid-stream and restarted later.
 * Every acknowledged tag change must reach the webhook exactly once after dedup by `webhook-id`,
 * deliveries must resume while the node is still down, and no service process may be restarted.
 */

const NODES = 3;
const REPLICAS = 2;
/** 20 s of tag changes; the node dies 4 s in and is restarted 12 s later, 4 s before the end. */
const EVENTS = 400;
const RATE_PER_SECOND = 20;
const KILL_AT_POST = 80;
const OUTAGE_MS = 12_000;
/** Tags are spread over a few streams, so writes to one stream's row lock interleave. */
const STREAMS = 10;
/**
 * Deliveries of changes committed after the kill must start within this (JetStream elects new
 * leaders in about 5 s, a durable re-pulls a few seconds later). Before the consumers' pull
 * liveness was tightened they stalled 30-45 s.
 */
const MAX_RECOVERY_MS = 20_000;
/** The stack's bootstrap admin (BOOTSTRAP_ADMIN_TOKEN): every API call is made as cluster-admin. */
const ADMIN_TOKEN = generateAccessToken();
const DURABLES = [
  ConsumerNames.triggerDispatcherImageEvents,
  ConsumerNames.importerImportSpecs,
  ConsumerNames.importerStreamDeletions,
  ConsumerNames.importerTagDeletions,
  ConsumerNames.importerNamespaceDeletions,
  ConsumerNames.templateServiceNamespaceDeletions,
  ConsumerNames.registryGatewayImageEvents,
];

describe('a NATS node dies mid-stream (3-node JetStream cluster, 2 replicas of every service)', () => {
  let dataDir: string | undefined;
  let databaseName: string | undefined;
  let cluster: NatsCluster | undefined;
  let stack: Stack | undefined;
  let serviceLog: ServiceLogFile | undefined;
  let nc: NatsConnection | undefined;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'imagestreams-cluster-e2e-'));
    databaseName = `imagestreams_cluster_e2e_${Date.now()}`;
    await createDatabase(testDatabaseUrl(), databaseName);
    cluster = await startNatsCluster({ nodes: NODES, dataDir });
    const ports = Object.fromEntries(await Promise.all(SERVICE_NAMES.map(async (name) => [name, await freePort()])));
    const databaseUrl = new URL(testDatabaseUrl());
    databaseUrl.pathname = `/${databaseName}`;
    // Quiet services print nothing here; what they log is kept for a failure's post-mortem (.ci/run shows its tail).
    serviceLog = openServiceLogFile(path.join(REPO_ROOT, 'tmp', 'test-logs', 'cluster-e2e-nats-node-failure-services.log'));
    stack = await startStack({
      databaseUrl: databaseUrl.toString(),
      // Every node: each service connects to one of them and fails over to the others.
      natsUrl: cluster.natsUrl,
      dataDir,
      ports,
      replicas: REPLICAS,
      quiet: true,
      serviceOutput: serviceLog.sink,
      log: () => undefined,
      // Ten ts-node processes booting together on two shared cores.
      readyTimeoutMs: 150_000,
      env: {
        BOOTSTRAP_ADMIN_TOKEN: ADMIN_TOKEN,
        JETSTREAM_REPLICAS: String(NODES),
        OUTBOX_POLL_INTERVAL_MS: '200',
        WEBHOOK_POLL_INTERVAL_MS: '200',
        WEBHOOK_LEASE_GRACE_MS: '500',
        SHUTDOWN_TIMEOUT_MS: '5000',
      },
    }).catch((error: Error & { logTail?: string[] }) => {
      // A service that did not come up: show what it said (quiet mode kept it off the console).
      throw new Error([error.message, ...(error.logTail ?? []).slice(-30)].join('\n'));
    });
    nc = await connect({ servers: cluster.natsUrl.split(','), name: 'cluster-e2e', maxReconnectAttempts: -1, reconnectTimeWait: 250 });
    jsm = await nc.jetstreamManager({ timeout: 5_000 });
  }, 240_000);

  afterAll(async () => {
    await nc?.close().catch(() => undefined);
    await stack?.stop();
    await serviceLog?.close();
    await cluster?.stop();
    if (databaseName) await dropDatabase(testDatabaseUrl(), databaseName);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 60_000);

  /**
   * The node to kill: the IMAGE_EVENTS stream leader (every outbox relay publishes through it),
   * made to lead the dispatcher's durable too (its leader is asked to step down until the stream
   * leader has it), so losing the node costs both publishing and delivery their leader at once.
   */
  async function chooseVictim(): Promise<{ node: NatsClusterNode; roles: string[]; serviceConnections: number }> {
    if (!cluster || !nc) throw new Error('no cluster');
    const consumerLeader = async () => (await jsm.consumers.info(StreamNames.imageEvents, ConsumerNames.triggerDispatcherImageEvents)).cluster?.leader;
    const streamLeader = (await jsm.streams.info(StreamNames.imageEvents)).cluster?.leader;
    if (!streamLeader) throw new Error('IMAGE_EVENTS has no leader');
    for (let attempt = 0; attempt < 6; attempt++) {
      const current = await consumerLeader();
      if (current === streamLeader) break;
      await nc.request(`$JS.API.CONSUMER.LEADER.STEPDOWN.${StreamNames.imageEvents}.${ConsumerNames.triggerDispatcherImageEvents}`, undefined, { timeout: 5_000 });
      await eventually(async () => {
        const next = await consumerLeader().catch(() => undefined);
        return next && next !== current ? true : undefined;
      }, 'a new leader for the dispatcher durable', 10_000);
    }
    const node = cluster.node(streamLeader);
    const [dispatcherLeader, metaLeader, connz] = await Promise.all([
      consumerLeader(),
      cluster.metaLeader(),
      node.monitor<{ connections?: { name?: string }[] }>('/connz?limit=1024'),
    ]);
    return {
      node,
      roles: [
        'IMAGE_EVENTS leader',
        ...(dispatcherLeader === streamLeader ? [`${ConsumerNames.triggerDispatcherImageEvents} leader`] : []),
        ...(metaLeader === streamLeader ? ['meta leader'] : []),
      ],
      serviceConnections: (connz.connections ?? []).filter((connection) => SERVICE_NAMES.some((service) => connection.name === service)).length,
    };
  }

  it('delivers every tag change exactly once after dedup, resumes while the node is down, and no service is restarted', async () => {
    if (!stack || !cluster) throw new Error('the stack did not start');
    const { gatewayUrls } = stack;
    expect(gatewayUrls).toHaveLength(REPLICAS);
    const pidsBefore = stack.services.map((service) => ({ label: service.label, pid: service.pid }));
    expect(pidsBefore.filter((service) => service.pid === undefined)).toEqual([]);
    const dispatchers = stack.replicas('trigger-dispatcher');

    // Provisioned by the services themselves, with JETSTREAM_REPLICAS=3: a leader and two followers.
    const streamBefore = await jsm.streams.info(StreamNames.imageEvents);
    expect(streamBefore.config.num_replicas).toBe(NODES);
    expect(streamBefore.cluster?.replicas).toHaveLength(NODES - 1);

    const receiver = new WebhookReceiver(() => ({ status: 200 }));
    const hookUrl = await receiver.start();
    try {
      const namespace = `cluster-${randomBytes(4).toString('hex')}`;
      await expectCreated(`${gatewayUrls[0]}/api/v1/namespaces`, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
      await expectCreated(`${gatewayUrls[1]}/apis/notifications.imagestreams.io/v1/namespaces/${namespace}/webhooksubscriptions`, {
        apiVersion: 'notifications.imagestreams.io/v1',
        kind: 'WebhookSubscription',
        metadata: { name: 'all-tags' },
        spec: { url: hookUrl, events: ['tag.changed'] },
      });

      // Every post moves its own tag to a new image, so each acknowledged post is exactly one
      // tag.changed; a retried post whose first attempt did commit changes nothing the second time.
      const planned = Array.from({ length: EVENTS }, (_, index) => ({
        imageStream: `app-${index % STREAMS}`,
        tag: `t${index}`,
        image: `sha256:${randomBytes(32).toString('hex')}`,
      }));
      const posts: PlannedPost[] = planned.map((change, index) => ({
        // No load balancer: alternate between the gateway replicas, and retry on the same one.
        url: `${gatewayUrls[index % gatewayUrls.length]}/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreammappings`,
        body: {
          apiVersion: 'image.openshift.io/v1',
          kind: 'ImageStreamMapping',
          metadata: { name: change.imageStream },
          image: { metadata: { name: change.image } },
          tag: change.tag,
        },
      }));

      let victim: { node: NatsClusterNode; roles: string[]; serviceConnections: number } | undefined;
      let succeededAtKill: number[] = [];
      let killedAt = 0;
      let restartedAt = 0;
      let healthyAt = 0;
      let outage: Promise<void> | undefined;
      let outageError: unknown;
      const poster = new SteadyPoster({
        ratePerSecond: RATE_PER_SECOND,
        headers: bearerHeaders(ADMIN_TOKEN),
        beforePost: (index) => {
          if (index !== KILL_AT_POST) return;
          outage = (async () => {
            victim = await chooseVictim();
            succeededAtKill = await Promise.all(dispatchers.map(succeededDeliveries));
            killedAt = Date.now();
            await victim.node.kill();
            await sleep(OUTAGE_MS);
            restartedAt = Date.now();
            await victim.node.start();
            healthyAt = Date.now();
          })().catch((error: unknown) => {
            outageError = error;
          });
        },
      });
      const postingStarted = Date.now();
      await poster.run(posts);
      const postingDone = Date.now();
      await outage;
      if (outageError) throw outageError;

      // Every acknowledged change reaches the receiver; duplicates are allowed, losses are not.
      const distinctIds = () => new Set(receiver.received.map((request) => String(request.headers['webhook-id']))).size;
      await eventually(async () => (distinctIds() >= EVENTS ? true : undefined), `${EVENTS} distinct webhook-ids`, 120_000).catch((error: Error) => {
        throw new Error(`${error.message}: got ${distinctIds()} distinct in ${receiver.received.length} requests`);
      });
      // Every durable (the importer's and gateway's too) drains, so late duplicates are counted as well.
      await eventually(
        async () => {
          const infos = await Promise.all(DURABLES.map((durable) => jsm.consumers.info(StreamNames.imageEvents, durable)));
          return infos.every((info) => info.num_pending === 0 && info.num_ack_pending === 0) ? true : undefined;
        },
        'every durable on IMAGE_EVENTS to have nothing pending',
        60_000,
      );
      await sleep(1_000);

      const delivered = receiver.received.map((request) => {
        const event = JSON.parse(request.body) as { time: string; data: { imageStream: string; tag: string; current: { image: string } } };
        return {
          webhookId: String(request.headers['webhook-id']),
          receivedAt: request.receivedAt,
          committedAt: Date.parse(event.time),
          change: `${event.data.imageStream}:${event.data.tag}@${event.data.current.image}`,
        };
      });
      const byId = new Map(delivered.map((delivery) => [delivery.webhookId, delivery]));
      const idsByChange = new Map<string, Set<string>>();
      for (const delivery of byId.values()) idsByChange.set(delivery.change, (idsByChange.get(delivery.change) ?? new Set()).add(delivery.webhookId));
      const plannedChanges = new Set(planned.map((change) => `${change.imageStream}:${change.tag}@${change.image}`));
      const missing = [...plannedChanges].filter((change) => !idsByChange.has(change));
      const unexpected = [...idsByChange.keys()].filter((change) => !plannedChanges.has(change));
      // The same change under two webhook-ids would get past a receiver's dedup: never allowed.
      const duplicatesAfterDedup = [...idsByChange.values()].reduce((sum, ids) => sum + ids.size - 1, 0);

      // Deliveries resume: the first webhook for a change committed after the node died.
      const resumedAt = Math.min(...delivered.filter((delivery) => delivery.committedAt >= killedAt).map((delivery) => delivery.receivedAt));
      const failures = poster.failures;

      // The restarted node catches up: three current replicas again.
      const streamAfter = await eventually(
        async () => {
          const info = await jsm.streams.info(StreamNames.imageEvents);
          const replicas = info.cluster?.replicas ?? [];
          return replicas.length === NODES - 1 && replicas.every((replica) => replica.current && !replica.offline) ? info : undefined;
        },
        'IMAGE_EVENTS to have three current replicas again',
        30_000,
      );

      const pidsAfter = stack.services.map((service) => ({ label: service.label, pid: service.pid }));
      const notReady = (
        await Promise.all(stack.services.map(async (service) => ({ label: service.label, status: await fetch(`${service.url}/readyz`).then((response) => response.status, () => 0) })))
      ).filter((service) => service.status !== 200);
      // Each dispatcher replica kept consuming after the kill (a wedged one would be hidden by the other).
      const succeededAtEnd = await Promise.all(dispatchers.map(succeededDeliveries));
      const deliveredAfterKillByReplica = Object.fromEntries(dispatchers.map((service, index) => [service.label, succeededAtEnd[index] - succeededAtKill[index]]));

      const summary = {
        test: 'cluster-fault',
        natsNodes: NODES,
        serviceReplicas: REPLICAS,
        streamReplicas: streamAfter.config.num_replicas,
        killed: victim ? `${victim.node.name} (${victim.roles.join(', ')})` : undefined,
        serviceConnectionsOnKilledNode: victim?.serviceConnections,
        eventsSent: poster.outcomes.length,
        delivered: byId.size,
        webhookRequests: receiver.received.length,
        duplicatesBeforeDedup: receiver.received.length - byId.size,
        duplicatesAfterDedup,
        missing: missing.length,
        failedPostAttempts: failures.length,
        postsRetried: new Set(failures.map((failure) => failure.index)).size,
        failureReasons: countBy(failures.map((failure) => failure.reason)),
        outageMs: restartedAt - killedAt,
        nodeHealthyAfterKillMs: healthyAt - killedAt,
        postFailureWindowMs: failures.length ? Math.max(...failures.map((failure) => failure.at)) - Math.min(...failures.map((failure) => failure.at)) : 0,
        recoveryMs: resumedAt - killedAt,
        deliveredAfterKillByReplica,
        postingMs: postingDone - postingStarted,
        lastDeliveryAfterPostingMs: Math.max(...delivered.map((delivery) => delivery.receivedAt)) - postingDone,
      };
      console.log(`CLUSTER_FAULT_SUMMARY ${JSON.stringify(summary)}`);

      expect(poster.outcomes).toHaveLength(EVENTS);
      expect({ missing, unexpected }).toEqual({ missing: [], unexpected: [] });
      expect(byId.size).toBe(EVENTS);
      expect(duplicatesAfterDedup).toBe(0);
      expect(streamAfter.config.num_replicas).toBe(NODES);
      expect(summary.recoveryMs).toBeLessThan(MAX_RECOVERY_MS);
      // (A replica that stopped consuming after the kill would be listed here.)
      expect(Object.entries(deliveredAfterKillByReplica).filter(([, count]) => count === 0)).toEqual([]);
      // No service died or was restarted, and every one is ready.
      expect(pidsAfter).toEqual(pidsBefore);
      expect(notReady).toEqual([]);
    } finally {
      await receiver.stop();
    }
  });
});

async function expectCreated(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: { ...bearerHeaders(ADMIN_TOKEN), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status !== 201) throw new Error(`POST ${url} answered ${response.status}: ${await response.text()}`);
}

/** The replica's own count of webhooks answered 2xx, from its /metrics. */
async function succeededDeliveries(service: ServiceProcess): Promise<number> {
  const text = await (await fetch(`${service.url}/metrics`)).text();
  const sample = /^imagestreams_webhook_delivery_outcomes_total\{outcome="succeeded"\} (\S+)$/m.exec(text);
  if (!sample) throw new Error(`${service.label} /metrics has no succeeded webhook deliveries sample`);
  return Number(sample[1]);
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
