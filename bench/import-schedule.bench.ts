/**
 * Scheduled imports: how fast importer replicas get through one full pass of 10,000 scheduled tags
 * whose upstream images did not change (each check is one HEAD), and what it costs the importer.
 *
 *   npm run bench:import-schedule
 *   BENCH_TAGS=20000 BENCH_REPLICAS=1,2,3 npm run bench:import-schedule
 *
 * Upstream: Debian's docker-registry (DOCKER_REGISTRY_BINARY, /usr/bin/docker-registry), started
 * on a free 127.0.0.1 port with a temporary config (filesystem storage in a temp dir, log level
 * error, access log off) by the testing lib's startDockerRegistry, and stopped afterwards.
 * BENCH_IMAGES (20) small images (one 1 KiB layer, an amd64/linux config, an OCI manifest) are
 * pushed over plain HTTP to repositories `bench/app-<i>`, each tagged BENCH_TAGS_PER_IMAGE (50)
 * times (`v0` …): 1,000 upstream tags with real manifests. The BENCH_TAGS (10,000) scheduled tags
 * are spread over them round-robin (10 scheduled tags per upstream tag), insecure, with
 * last_digest = the image's manifest digest, so every check finds "unchanged".
 *
 * Counting: the importer's requests go through a counting HTTP proxy (a plain node:http forwarder
 * with keep-alive, run as a separate process so that its CPU is not the importer's) in front of
 * docker-registry, which exposes no request counts. `upstream` reports what the proxy saw during
 * the pass (by method, manifest HEADs per upstream tag); `clientRequests` is the importer side's
 * own count (undici's `undici:request:create` diagnostics channel) as a cross-check.
 *
 * Replicas: each is the production wiring (SchedulerReplicaModule: PersistenceModule with the
 * importer's schema and migrations, ImportsModule with a real RegistryClient, so a real
 * ImportScheduler), created with NestFactory.createApplicationContext in this process, against a
 * fresh schema `import_bench_<random>` (dropped at the end) in TEST_POSTGRES_URL's `postgres`
 * database. Settings are ImporterConfig's defaults (tick 1000 ms, lease 120 s, 8 requests in
 * flight per registry, pool of 20 connections, 30 s timeout, 3 retries) except
 * IMPORT_MAX_PER_MINUTE = 0 (unlimited), IMPORT_SCHEDULER_BATCH = BENCH_BATCH (200) and loopback
 * allowed. stream-service is not there: its OwnerClient is a recorder, and `ownerCalls` must stay 0.
 * No logging, metrics or tracing modules are loaded.
 *
 * One phase per entry of BENCH_REPLICAS (`1,2`): the rows are parked (due tomorrow, never checked),
 * that many replicas are started and left to go idle, then every row is made due at once
 * (`next_check_at = now()`), and the pass ends when every row has `last_checked_at`.
 * `passSeconds` = the moment the rows became due → the last row's last_checked_at (so it includes
 * up to one scheduler tick before the first claim: `firstRequestAfterMs`); `checksPerSecond` =
 * tags / passSeconds. The replicas are stopped after each phase. Before the measured phases, a
 * warm-up pass over BENCH_WARMUP_TAGS (2,000) of the rows with one replica (reported as `warmup`;
 * 0 skips it) lets the JIT, the connection pools and docker-registry's caches settle.
 *
 * Cost, for this whole process (the replicas, the Postgres clients, the bench's own polling every
 * 100 ms): `cpu` = process.cpuUsage() delta over the pass (user + system, ms, and cores = CPU
 * time / pass time), `eventLoopUtilization` over the pass, `rss` = the max of
 * process.memoryUsage().rss sampled every 100 ms during the pass (MB = MiB; `atMax` = the V8 heap
 * and external memory of that sample), next to the RSS just before it; run with
 * NODE_OPTIONS=--expose-gc, `heapUsedAfterFullGcMB` is the heap still in use after a full GC at
 * the end of the pass (null otherwise). The process runs under
 * ts-node (transpile-only, as the Dockerfile runs the services), so the baseline includes the
 * TypeScript compiler. With two replicas both share this process and its one event loop.
 * `otherProcessesCpu` is what the pass cost docker-registry, the proxy and the replicas' Postgres
 * backends (from /proc), and `loadAverage1m` the machine's load around it: on a busy machine the
 * pass is slower for reasons that are not the importer's.
 *
 * Targets are printed next to the numbers (`target`, `met`) and never asserted: ≥ 170 checks/s
 * with one replica (10,000 tags in ≤ 60 s), max RSS < 200 MB. A phase that cannot run, or a pass
 * that does not finish within BENCH_PASS_TIMEOUT_SECONDS (300), reports `error`, and the process
 * exits 1 after printing. Prints one JSON document.
 */
import 'reflect-metadata';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { openServiceDataSource } from '@imagestreams/platform-persistence';
import type { RegistryClientOptions } from '@imagestreams/platform-registry-client';
import { SecretKeyRing } from '@imagestreams/platform-secrets';
import { DOCKER_REGISTRY_BINARY, pushBlob, pushManifest, sha256, startDockerRegistry, type DockerRegistry } from '@imagestreams/testing';
import type { DataSource } from 'typeorm';
import type { ImportSettings } from '../apps/importer/src/imports/import-settings';
import { importsOptions } from '../apps/importer/src/imports/imports-options';
import { ImporterConfig } from '../apps/importer/src/importer.config';
import { IMPORTER_MIGRATIONS, RecordingOwnerClient, SchedulerReplicaModule } from '../apps/importer/src/schedules/scheduler-replica.fixture';
import { runBench } from './support/bench-stack';

const TAGS = Number(process.env['BENCH_TAGS'] ?? 10_000);
const IMAGES = Number(process.env['BENCH_IMAGES'] ?? 20);
const TAGS_PER_IMAGE = Number(process.env['BENCH_TAGS_PER_IMAGE'] ?? 50);
const BATCH = Number(process.env['BENCH_BATCH'] ?? 200);
const REPLICA_COUNTS = (process.env['BENCH_REPLICAS'] ?? '1,2').split(',').map((n) => Number(n.trim()));
const WARMUP_TAGS = Number(process.env['BENCH_WARMUP_TAGS'] ?? 2000);
const PASS_TIMEOUT_MS = Number(process.env['BENCH_PASS_TIMEOUT_SECONDS'] ?? 300) * 1000;
const POSTGRES_SERVER_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432';
const DATABASE_URL = `${POSTGRES_SERVER_URL}/postgres`;

const PUSH_CONCURRENCY = 16;
const SAMPLE_INTERVAL_MS = 100;
const POLL_INTERVAL_MS = 100;
const MIB = 1024 * 1024;

const TARGET_CHECKS_PER_SECOND = 170;
const TARGET_MAX_RSS_MB = 200;

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';

const execFileAsync = promisify(execFile);
const round = (value: number, digits = 2) => Number(value.toFixed(digits));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ------------------------------------------------------------------------------------ counting proxy

interface ProxyCounts {
  requests: number;
  methods: Record<string, number>;
  manifestHeads: number;
  references: number;
  minPerReference: number;
  maxPerReference: number;
  firstAt: number | null;
  lastAt: number | null;
}

/** Runs in its own process (`node -e`): forwards everything to PROXY_TARGET_PORT, counts, answers `counts`/`reset` over IPC. */
const PROXY_SOURCE = `
const http = require('node:http');
const target = Number(process.env.PROXY_TARGET_PORT);
const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });
const fresh = () => ({ requests: 0, methods: {}, manifestHeads: 0, perReference: new Map(), firstAt: null, lastAt: null });
let counts = fresh();
const server = http.createServer((req, res) => {
  const now = Date.now();
  counts.requests++;
  counts.firstAt = counts.firstAt ?? now;
  counts.lastAt = now;
  counts.methods[req.method] = (counts.methods[req.method] || 0) + 1;
  const manifest = /^\\/v2\\/(.+)\\/manifests\\/([^/?]+)/.exec(req.url);
  if (manifest && req.method === 'HEAD') {
    counts.manifestHeads++;
    const key = manifest[1] + ':' + manifest[2];
    counts.perReference.set(key, (counts.perReference.get(key) || 0) + 1);
  }
  const upstream = http.request({ host: '127.0.0.1', port: target, method: req.method, path: req.url, headers: req.headers, agent }, (answer) => {
    res.writeHead(answer.statusCode, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  });
  req.pipe(upstream);
});
server.keepAliveTimeout = 60000;
process.on('message', (message) => {
  if (message === 'reset') counts = fresh();
  const per = [...counts.perReference.values()];
  process.send({
    requests: counts.requests, methods: counts.methods, manifestHeads: counts.manifestHeads, references: per.length,
    minPerReference: per.length ? Math.min(...per) : 0, maxPerReference: per.length ? Math.max(...per) : 0,
    firstAt: counts.firstAt, lastAt: counts.lastAt,
  });
});
process.on('disconnect', () => process.exit(0));
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
`;

interface CountingProxy {
  authority: string;
  pid: number;
  /** `reset` answers with the counts before zeroing them. */
  ask(message: 'counts' | 'reset'): Promise<ProxyCounts>;
  stop(): Promise<void>;
}

async function startCountingProxy(targetPort: number): Promise<CountingProxy> {
  const child: ChildProcess = spawn(process.execPath, ['-e', PROXY_SOURCE], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, PROXY_TARGET_PORT: String(targetPort) },
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`the counting proxy exited (${code})`)));
  });
  let queue: Promise<unknown> = Promise.resolve();
  const ask = (message: 'counts' | 'reset') => {
    const answer = queue.then(() => new Promise<ProxyCounts>((resolve) => {
      child.once('message', (counts: ProxyCounts) => resolve(counts));
      child.send(message);
    }));
    queue = answer;
    return answer;
  };
  return {
    authority: `127.0.0.1:${port}`,
    pid: child.pid ?? -1,
    ask,
    async stop() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}

// ------------------------------------------------------------------------------------ upstream images

interface UpstreamImage {
  repository: string;
  digest: string;
}

function imageParts(index: number) {
  const layer = randomBytes(1024);
  const layerDigest = sha256(layer);
  const config = Buffer.from(
    JSON.stringify({
      created: '2024-05-01T12:00:00Z',
      architecture: 'amd64',
      os: 'linux',
      config: { Labels: { 'bench.image': String(index) } },
      rootfs: { type: 'layers', diff_ids: [layerDigest] },
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: sha256(config), size: config.length },
      layers: [{ mediaType: OCI_LAYER, digest: layerDigest, size: layer.length }],
    }),
  );
  return { layer, config, manifest };
}

/** Runs `task` for 0 … count−1, `limit` at a time. */
async function forEachLimited(count: number, limit: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** BENCH_IMAGES images, each under BENCH_TAGS_PER_IMAGE tags, pushed straight to docker-registry (not counted). */
async function pushImages(registry: DockerRegistry): Promise<UpstreamImage[]> {
  const images: UpstreamImage[] = [];
  for (let i = 0; i < IMAGES; i++) {
    const repository = `bench/app-${i}`;
    const { layer, config, manifest } = imageParts(i);
    await pushBlob(registry.origin, repository, layer);
    await pushBlob(registry.origin, repository, config);
    images.push({ repository, digest: await pushManifest(registry.origin, repository, 'v0', OCI_MANIFEST, manifest) });
    await forEachLimited(TAGS_PER_IMAGE - 1, PUSH_CONCURRENCY, async (t) => {
      const digest = await pushManifest(registry.origin, repository, `v${t + 1}`, OCI_MANIFEST, manifest);
      if (digest !== images[i].digest) throw new Error(`${repository}:v${t + 1} is ${digest}, not ${images[i].digest}`);
    });
  }
  return images;
}

// ------------------------------------------------------------------------------------ replicas

/** ImporterConfig's defaults, mapped as the importer maps them, with the bench's overrides. */
function importerSettings(): { settings: ImportSettings; client: RegistryClientOptions } {
  const config = new ImporterConfig();
  config.IMPORT_MAX_PER_MINUTE = 0;
  config.IMPORT_SCHEDULER_BATCH = BATCH;
  config.IMPORT_ALLOW_LOOPBACK = true;
  return importsOptions(config);
}

interface Replica {
  app: INestApplicationContext;
  owner: RecordingOwnerClient;
}

async function startReplicas(count: number, schema: string): Promise<Replica[]> {
  const { settings, client } = importerSettings();
  const sealer = SecretKeyRing.fromConfig(randomBytes(32).toString('base64'), '', '');
  const replicas: Replica[] = [];
  for (let i = 0; i < count; i++) {
    const owner = new RecordingOwnerClient();
    const module = SchedulerReplicaModule.register({ databaseUrl: DATABASE_URL, schema, applicationName: `import-bench-${i + 1}`, settings, client, sealer, owner });
    replicas.push({ app: await NestFactory.createApplicationContext(module, { logger: ['error', 'warn'] }), owner });
  }
  return replicas;
}

// ------------------------------------------------------------------------------------ other processes' CPU

/** USER_HZ: /proc/<pid>/stat counts CPU time in these (100 on Linux everywhere that matters). */
const CLOCK_TICKS_PER_SECOND = 100;

/** utime + stime of a process in ms, from /proc; undefined when it is gone or unreadable. */
function processCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** This process's children with their command names (docker-registry, the proxy). */
function childProcesses(): { pid: number; name: string }[] {
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return ''; // gone meanwhile
    }
  };
  const pids = new Set<number>();
  for (const task of readdirSync(`/proc/${process.pid}/task`)) {
    for (const pid of read(`/proc/${process.pid}/task/${task}/children`).split(' ').filter(Boolean)) pids.add(Number(pid));
  }
  return [...pids].map((pid) => ({ pid, name: read(`/proc/${pid}/comm`).trim() }));
}

/**
 * CPU time the pass cost outside this process: docker-registry, the counting proxy, and the
 * Postgres backends serving the replicas' pools (found by application_name at the end of the pass;
 * a backend opened during the pass counts from zero). Approximate: /proc ticks are 10 ms.
 */
class PeerCpu {
  private readonly start = new Map<number, number>();
  constructor(
    private readonly admin: DataSource,
    private readonly proxyPid: number,
  ) {}

  private async postgresBackends(): Promise<number[]> {
    const rows = (await this.admin.query(`SELECT pid FROM pg_stat_activity WHERE application_name LIKE 'import-bench-%'`)) as { pid: number }[];
    return rows.map((row) => row.pid);
  }

  private registryPid(): number | undefined {
    return childProcesses().find((child) => child.name === 'docker-registry')?.pid;
  }

  async begin(): Promise<void> {
    for (const pid of [this.proxyPid, this.registryPid(), ...(await this.postgresBackends())]) {
      const ms = pid === undefined ? undefined : processCpuMs(pid);
      if (pid !== undefined && ms !== undefined) this.start.set(pid, ms);
    }
  }

  async end(): Promise<{ dockerRegistryMs: number | null; countingProxyMs: number | null; postgresBackendsMs: number; postgresBackends: number }> {
    const used = (pid: number | undefined) => {
      const now = pid === undefined ? undefined : processCpuMs(pid);
      return now === undefined || pid === undefined ? null : Math.round(now - (this.start.get(pid) ?? 0));
    };
    const backends = await this.postgresBackends();
    return {
      dockerRegistryMs: used(this.registryPid()),
      countingProxyMs: used(this.proxyPid),
      postgresBackendsMs: backends.reduce((sum, pid) => sum + (used(pid) ?? 0), 0),
      postgresBackends: backends.length,
    };
  }
}

// ------------------------------------------------------------------------------------ one pass

/** Counts the requests this process's undici sends (RegistryClient's agent included). */
class ClientRequestCounter {
  count = 0;
  private readonly onRequest = () => {
    this.count++;
  };
  start(): void {
    subscribe('undici:request:create', this.onRequest);
  }
  stop(): void {
    unsubscribe('undici:request:create', this.onRequest);
  }
}

/** Max RSS sampled every SAMPLE_INTERVAL_MS, with process.memoryUsage() of that sample (to tell the V8 heap from the rest). */
function sampleRss(): { stop(): { maxMB: number; atMax: Record<string, number>; samples: number } } {
  let max = process.memoryUsage();
  let samples = 1;
  const take = () => {
    const usage = process.memoryUsage();
    if (usage.rss > max.rss) max = usage;
    samples++;
  };
  const timer = setInterval(take, SAMPLE_INTERVAL_MS);
  return {
    stop() {
      clearInterval(timer);
      take();
      const atMax = { heapTotalMB: round(max.heapTotal / MIB, 1), heapUsedMB: round(max.heapUsed / MIB, 1), externalMB: round(max.external / MIB, 1), arrayBuffersMB: round(max.arrayBuffers / MIB, 1) };
      return { maxMB: round(max.rss / MIB, 1), atMax, samples };
    },
  };
}

async function parkRows(admin: DataSource): Promise<void> {
  await admin.query(`UPDATE scheduled_tags SET next_check_at = now() + interval '1 day', last_checked_at = NULL, lease_owner = NULL, lease_until = NULL`);
}

async function pass(admin: DataSource, proxy: CountingProxy, label: string, replicaCount: number, schema: string, tags: number, digests: Map<string, string>) {
  await parkRows(admin);
  const replicas = await startReplicas(replicaCount, schema);
  try {
    // Idle replicas: a tick or two finds nothing due.
    await sleep(1500);
    const clientRequests = new ClientRequestCounter();
    await proxy.ask('reset');
    const peers = new PeerCpu(admin, proxy.pid);
    await peers.begin();
    const loadBefore = loadavg()[0];
    const rssBeforeMB = round(process.memoryUsage().rss / MIB, 1);
    const rss = sampleRss();
    const elu = performance.eventLoopUtilization();
    const cpu = process.cpuUsage();
    clientRequests.start();
    await admin.query(`UPDATE scheduled_tags SET next_check_at = now() WHERE (namespace, stream, tag) IN (SELECT namespace, stream, tag FROM scheduled_tags ORDER BY tag LIMIT $1)`, [tags]);
    const dueAt = Date.now();
    let progress = { done: 0, last: null as Date | null };
    while (Date.now() - dueAt < PASS_TIMEOUT_MS) {
      [progress] = (await admin.query('SELECT count(last_checked_at)::int AS done, max(last_checked_at) AS last FROM scheduled_tags')) as { done: number; last: Date | null }[];
      if (progress.done >= tags) break;
      await sleep(POLL_INTERVAL_MS);
    }
    const cpuUsed = process.cpuUsage(cpu);
    const eventLoop = performance.eventLoopUtilization(elu);
    clientRequests.stop();
    const memory = rss.stop();
    // With NODE_OPTIONS=--expose-gc: what of the heap survives a full GC (retained, as opposed to garbage not yet collected).
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const heapAfterGcMB = gc ? round(process.memoryUsage().heapUsed / MIB, 1) : null;
    const peerCpu = await peers.end();
    const loadAfter = loadavg()[0];
    const upstream = await proxy.ask('counts');
    const timedOut = progress.done < tags;
    const passMs = (progress.last?.getTime() ?? Date.now()) - dueAt;
    const passSeconds = passMs / 1000;
    const checksPerSecond = round(progress.done / passSeconds, 1);
    const cpuMs = (cpuUsed.user + cpuUsed.system) / 1000;

    // Every checked row found its digest unchanged and is next due an interval from now.
    const [outcome] = (await admin.query(
      `SELECT count(*) FILTER (WHERE last_checked_at IS NOT NULL AND next_check_at > now() + interval '10 minutes')::int AS rescheduled,
              count(*) FILTER (WHERE lease_owner IS NOT NULL)::int AS leased
       FROM scheduled_tags`,
    )) as { rescheduled: number; leased: number }[];
    const digestRows = (await admin.query('SELECT source, last_digest FROM scheduled_tags WHERE last_checked_at IS NOT NULL')) as { source: string; last_digest: string }[];
    const digestChanged = digestRows.filter((row) => digests.get(row.source) !== row.last_digest).length;
    const ownerCalls = replicas.reduce((sum, replica) => sum + replica.owner.calls.length, 0);
    const errors = [
      ...(timedOut ? [`only ${progress.done} of ${tags} tags checked within ${PASS_TIMEOUT_MS / 1000} s`] : []),
      ...(ownerCalls > 0 ? [`${ownerCalls} calls to stream-service (imports)`] : []),
      ...(digestChanged > 0 ? [`${digestChanged} rows changed last_digest`] : []),
      ...(outcome.rescheduled !== progress.done ? [`${progress.done - outcome.rescheduled} checked rows not rescheduled an interval ahead`] : []),
    ];
    const perTag = round(upstream.requests / Math.max(1, progress.done), 3);
    return {
      phase: label,
      replicas: replicaCount,
      tags,
      checked: progress.done,
      passSeconds: round(passSeconds),
      firstRequestAfterMs: upstream.firstAt === null ? null : upstream.firstAt - dueAt,
      checksPerSecond,
      upstream: {
        counted: 'counting proxy',
        requests: upstream.requests,
        perTag,
        byMethod: upstream.methods,
        manifestHeadsPerUpstreamTag: { upstreamTags: upstream.references, min: upstream.minPerReference, max: upstream.maxPerReference },
        clientRequests: clientRequests.count,
      },
      cpu: { userMs: Math.round(cpuUsed.user / 1000), systemMs: Math.round(cpuUsed.system / 1000), totalMs: Math.round(cpuMs), cores: round(cpuMs / passMs), perCheckMs: round(cpuMs / Math.max(1, progress.done), 3) },
      eventLoopUtilization: round(eventLoop.utilization, 3),
      rss: { beforeMB: rssBeforeMB, maxMB: memory.maxMB, atMax: memory.atMax, heapUsedAfterFullGcMB: heapAfterGcMB, samples: memory.samples, intervalMs: SAMPLE_INTERVAL_MS },
      otherProcessesCpu: peerCpu,
      loadAverage1m: { before: round(loadBefore), after: round(loadAfter), cpus: cpus().length },
      ownerCalls,
      stillLeased: outcome.leased,
      ...(errors.length ? { error: errors.join('; ') } : {}),
      // The warm-up is reported, never compared.
      ...(label === 'warmup'
        ? {}
        : {
            target: { checksPerSecond: replicaCount === 1 ? `>= ${TARGET_CHECKS_PER_SECOND}` : 'none (compare with 1 replica)', maxRssMB: `< ${TARGET_MAX_RSS_MB}` },
            met: errors.length === 0 && (replicaCount !== 1 || checksPerSecond >= TARGET_CHECKS_PER_SECOND) && memory.maxMB < TARGET_MAX_RSS_MB,
          }),
    };
  } finally {
    for (const replica of replicas) await replica.app.close();
  }
}

// ------------------------------------------------------------------------------------ main

async function main(): Promise<void> {
  const schema = `import_bench_${randomBytes(4).toString('hex')}`;
  const results: object[] = [];
  let registry: DockerRegistry | undefined;
  let proxy: CountingProxy | undefined;
  let admin: DataSource | undefined;
  const setup: Record<string, unknown> = { images: IMAGES, tagsPerImage: TAGS_PER_IMAGE, upstreamTags: IMAGES * TAGS_PER_IMAGE, scheduledTags: TAGS, batch: BATCH, schema };
  try {
    const version = (await execFileAsync(DOCKER_REGISTRY_BINARY, ['--version'], { encoding: 'utf8' })).stdout.trim();
    registry = await startDockerRegistry();
    setup['dockerRegistry'] = { version, authority: registry.authority };
    proxy = await startCountingProxy(Number(registry.authority.split(':')[1]));
    setup['proxy'] = { authority: proxy.authority, pid: proxy.pid };

    let started = performance.now();
    const images = await pushImages(registry);
    setup['pushSeconds'] = round((performance.now() - started) / 1000);

    started = performance.now();
    admin = await openServiceDataSource({ url: DATABASE_URL, schema, entities: [], migrations: IMPORTER_MIGRATIONS, poolSize: 2 });
    const digests = new Map<string, string>();
    const rows = Array.from({ length: TAGS }, (_, k) => {
      const upstreamTag = k % (IMAGES * TAGS_PER_IMAGE);
      const image = images[upstreamTag % IMAGES];
      const source = `${proxy?.authority}/${image.repository}:v${Math.floor(upstreamTag / IMAGES)}`;
      digests.set(source, image.digest);
      return { namespace: `ns-${k % 100}`, stream: `stream-${k % 1000}`, tag: `t${String(k).padStart(6, '0')}`, source, last_digest: image.digest };
    });
    await admin.query(
      `INSERT INTO scheduled_tags (namespace, stream, tag, source, insecure, import_mode, next_check_at, last_digest)
       SELECT namespace, stream, tag, source, true, 'Legacy', now() + interval '1 day', last_digest
       FROM jsonb_to_recordset($1::jsonb) AS r(namespace text, stream text, tag text, source text, last_digest text)`,
      [JSON.stringify(rows)],
    );
    setup['seedSeconds'] = round((performance.now() - started) / 1000);

    const phase = async (label: string, run: () => Promise<object>) => {
      try {
        results.push(await run());
      } catch (error) {
        results.push({ phase: label, error: (error as Error).stack ?? (error as Error).message });
      }
    };
    const database = admin;
    const counting = proxy;
    if (WARMUP_TAGS > 0) await phase('warmup', () => pass(database, counting, 'warmup', 1, schema, Math.min(WARMUP_TAGS, TAGS), digests));
    for (const count of REPLICA_COUNTS) await phase(`pass-${count}-replica${count === 1 ? '' : 's'}`, () => pass(database, counting, `pass-${count}-replica${count === 1 ? '' : 's'}`, count, schema, TAGS, digests));
  } catch (error) {
    results.push({ phase: 'setup', error: (error as Error).stack ?? (error as Error).message });
  } finally {
    if (admin?.isInitialized) {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await admin.destroy();
    }
    await proxy?.stop();
    await registry?.stop();
  }
  const report = {
    machine: { cpus: cpus().length, node: process.version },
    setup,
    unit: 'seconds; MB = MiB; cpu and rss are this whole process (all its replicas)',
    results,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (results.some((result) => 'error' in result)) process.exitCode = 1;
}

runBench(main);
