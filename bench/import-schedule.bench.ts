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
 * the pass (by method, manifest HEADs per upstream tag); `clientRequests` is the replicas' own
 * count (undici's `undici:request:create` diagnostics channel, in each replica) as a cross-check.
 *
 * Replicas: each runs in a process of its own (bench/support/import-scheduler-replica.ts), so that
 * its RSS and CPU are the importer's and not this process's (its bookkeeping, polling, ts-node).
 * Each is the production wiring (SchedulerReplicaModule: PersistenceModule with the importer's
 * schema and migrations, ImportsModule with a real RegistryClient, so a real ImportScheduler),
 * created with NestFactory.createApplicationContext, against a fresh schema
 * `import_bench_<random>` (dropped at the end) in TEST_POSTGRES_URL's `postgres` database. It runs
 * as this bench does: the compiled JavaScript with tools/register-compiled-paths.js under
 * `npm run bench:import-schedule:compiled` (as the Dockerfile runs the services), else the sources
 * under ts-node (transpile-only, tsconfig-paths, as tools/stack does), so its baseline then includes
 * the TypeScript compiler; `replicaCommand` in the report says which. BENCH_REPLICA_NODE_ARGS
 * (space separated) is put before the entry, e.g. `--max-semi-space-size=8` to try V8 flags.
 * Settings are ImporterConfig's defaults (tick 1000 ms, lease 120 s, 8 requests in flight per
 * registry, pool of 20 connections, 30 s timeout, 3 retries) except IMPORT_MAX_PER_MINUTE = 0
 * (unlimited), IMPORT_SCHEDULER_BATCH = BENCH_BATCH (200) and loopback allowed. stream-service is
 * not there: its OwnerClient is a recorder whose count each replica reports over IPC, and
 * `ownerCalls` (since the replica started) must stay 0, also when the replicas stop. No logging,
 * metrics or tracing modules are loaded.
 *
 * One phase per entry of BENCH_REPLICAS (`1,2`): that many replica processes are started, one
 * after the other, and a warm-up pass over BENCH_WARMUP_TAGS (2,000) of the rows (reported as
 * `<phase>:warmup`; 0 skips it) lets the replicas' JIT, their connection pools and
 * docker-registry's caches settle; then the measured pass over all BENCH_TAGS, with the same
 * processes; then they are stopped. Each pass: the rows are parked (due tomorrow, never checked),
 * the replicas are left to go idle, then the rows are made due at once (`next_check_at = now()`),
 * and the pass ends when every row has `last_checked_at`. `passSeconds` = the moment the rows
 * became due → the last row's last_checked_at (so it includes up to one scheduler tick before the
 * first claim: `firstRequestAfterMs`); `checksPerSecond` = tags / passSeconds.
 *
 * Cost, of the replica processes, over the pass: `cpu` = utime + stime deltas from /proc/<pid>/stat
 * (ms, summed over the replicas; cores = CPU time / pass time; 10 ms ticks); `rss.maxMB` = the
 * largest VmRSS (/proc/<pid>/status) of any one replica, sampled every 100 ms during the pass, next
 * to the RSS just before it (`beforeMB`). `replicaProcesses` has each replica's numbers: CPU,
 * event loop utilization, `rss.peakSinceStartMB` (VmHWM: start-up and warm-up included),
 * `rss.atMax` (the replica's own process.memoryUsage() sample, every 100 ms, with the largest RSS:
 * V8 heap vs external memory) and, when run with NODE_OPTIONS=--expose-gc (the replicas inherit
 * it), `rss.heapUsedAfterFullGcMB`, the heap still in use after a full GC at the end of the pass
 * (null otherwise). `benchProcess` is this process's own CPU and max RSS over the pass (polling
 * Postgres every 100 ms, the sampling), not the importer's. `otherProcessesCpu` is what the pass
 * cost docker-registry, the proxy and the replicas' Postgres backends (from /proc), and
 * `loadAverage1m` the machine's load around it: on a busy machine the pass is slower for reasons
 * that are not the importer's.
 *
 * Targets are printed next to the numbers (`target`, `met`) and never asserted: ≥ 170 checks/s
 * with one replica (10,000 tags in ≤ 60 s), max RSS of each replica < 200 MB. A phase that cannot
 * run, or a pass that does not finish within BENCH_PASS_TIMEOUT_SECONDS (300), reports `error`, and
 * the process exits 1 after printing. Prints one JSON document.
 */
import 'reflect-metadata';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { openServiceDataSource } from '@imagestreams/platform-persistence';
import { DOCKER_REGISTRY_BINARY, pushBlob, pushManifest, sha256, startDockerRegistry, type DockerRegistry } from '@imagestreams/testing';
import type { DataSource } from 'typeorm';
import { IMPORTER_MIGRATIONS } from '../apps/importer/src/schedules/scheduler-replica.fixture';
import { runBench } from './support/bench-stack';
import type { ReplicaReply, ReplicaRequest } from './support/import-scheduler-replica';

const TAGS = Number(process.env['BENCH_TAGS'] ?? 10_000);
const IMAGES = Number(process.env['BENCH_IMAGES'] ?? 20);
const TAGS_PER_IMAGE = Number(process.env['BENCH_TAGS_PER_IMAGE'] ?? 50);
const BATCH = Number(process.env['BENCH_BATCH'] ?? 200);
const REPLICA_COUNTS = (process.env['BENCH_REPLICAS'] ?? '1,2').split(',').map((n) => Number(n.trim()));
const WARMUP_TAGS = Number(process.env['BENCH_WARMUP_TAGS'] ?? 2000);
const PASS_TIMEOUT_MS = Number(process.env['BENCH_PASS_TIMEOUT_SECONDS'] ?? 300) * 1000;
const REPLICA_NODE_ARGS = (process.env['BENCH_REPLICA_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
const POSTGRES_SERVER_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432';
const DATABASE_URL = `${POSTGRES_SERVER_URL}/postgres`;

const PUSH_CONCURRENCY = 16;
const REPLICA_START_TIMEOUT_MS = 120_000;
const REPLICA_STOP_TIMEOUT_MS = 15_000;
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

/** Compiled (dist/compiled/bench/…js, by `npm run bench:import-schedule:compiled`) or the sources under ts-node. */
const COMPILED = __filename.endsWith('.js');
const REPO_ROOT = COMPILED ? path.resolve(__dirname, '..', '..', '..') : path.resolve(__dirname, '..');

/** How a replica process is started: as this bench runs (compiled JavaScript, or ts-node transpile-only as tools/stack does). */
function replicaArguments(): string[] {
  return [
    ...REPLICA_NODE_ARGS,
    ...(COMPILED
      ? ['-r', path.join(REPO_ROOT, 'tools', 'register-compiled-paths.js'), path.join(__dirname, 'support', 'import-scheduler-replica.js')]
      : ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', path.join(__dirname, 'support', 'import-scheduler-replica.ts')]),
  ];
}

type Reply<T extends ReplicaReply['type']> = Extract<ReplicaReply, { type: T }>;

/** One importer replica in its own process (bench/support/import-scheduler-replica.ts), talked to over IPC. */
interface ReplicaProcess {
  pid: number;
  ask(request: { type: 'begin' }): Promise<Reply<'begun'>>;
  ask(request: { type: 'end' }): Promise<Reply<'ended'>>;
  /** Closes its application context and waits for the exit; resolves to its final owner-call count (null if it had to be killed). */
  stop(): Promise<number | null>;
}

async function startReplica(index: number, schema: string): Promise<ReplicaProcess> {
  const child: ChildProcess = spawn(process.execPath, replicaArguments(), {
    cwd: REPO_ROOT,
    // Its stdout (Nest's warnings) goes to our stderr: our stdout is the JSON report.
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    env: {
      ...process.env,
      // Both ts-node and tsconfig-paths read this to find compiler options and path aliases.
      TS_NODE_PROJECT: path.join(REPO_ROOT, 'tools', 'tsconfig.json'),
      REPLICA_DATABASE_URL: DATABASE_URL,
      REPLICA_SCHEMA: schema,
      REPLICA_APPLICATION_NAME: `import-bench-${index + 1}`,
      REPLICA_BATCH: String(BATCH),
    },
  });
  child.stdout?.pipe(process.stderr);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const waiting: ((reply: ReplicaReply) => void)[] = [];
  let final: number | null = null;
  child.on('message', (reply: ReplicaReply) => {
    if (reply.type === 'stopped') final = reply.ownerCalls;
    else waiting.shift()?.(reply);
  });
  const next = <T extends ReplicaReply['type']>(type: T, timeoutMs: number) =>
    new Promise<Reply<T>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`replica ${index + 1} (pid ${child.pid}) did not answer ${type} within ${timeoutMs / 1000} s`)), timeoutMs);
      void exited.then(() => reject(new Error(`replica ${index + 1} (pid ${child.pid}) exited (${child.exitCode ?? child.signalCode}) before ${type}`)));
      waiting.push((reply) => {
        clearTimeout(timer);
        if (reply.type === type) resolve(reply as Reply<T>);
        else reject(new Error(`replica ${index + 1} answered ${reply.type}, expected ${type}`));
      });
    });
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      if (child.connected) child.send({ type: 'stop' } satisfies ReplicaRequest);
      const timer = setTimeout(() => child.kill('SIGKILL'), REPLICA_STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    return final;
  };
  try {
    await next('ready', REPLICA_START_TIMEOUT_MS);
  } catch (error) {
    await stop();
    throw error;
  }
  const ask = (request: ReplicaRequest) => {
    const answer = next(request.type === 'begin' ? 'begun' : 'ended', 30_000);
    child.send(request);
    return answer;
  };
  return { pid: child.pid ?? -1, ask: ask as ReplicaProcess['ask'], stop };
}

/** One after the other, as a rolling deployment would; all stopped again if one fails to start. */
async function startReplicas(count: number, schema: string): Promise<ReplicaProcess[]> {
  const replicas: ReplicaProcess[] = [];
  try {
    for (let i = 0; i < count; i++) replicas.push(await startReplica(i, schema));
  } catch (error) {
    await Promise.all(replicas.map((replica) => replica.stop()));
    throw error;
  }
  return replicas;
}

// ------------------------------------------------------------------------------------ other processes' CPU

/** USER_HZ: /proc/<pid>/stat counts CPU time in these (100 on Linux everywhere that matters). */
const CLOCK_TICKS_PER_SECOND = 100;

/** utime and stime of a process in ms, from /proc; undefined when it is gone or unreadable. */
function processCpuTimes(pid: number): { userMs: number; systemMs: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { userMs: (Number(fields[11]) * 1000) / CLOCK_TICKS_PER_SECOND, systemMs: (Number(fields[12]) * 1000) / CLOCK_TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

/** utime + stime of a process in ms, from /proc; undefined when it is gone or unreadable. */
function processCpuMs(pid: number): number | undefined {
  const times = processCpuTimes(pid);
  return times && times.userMs + times.systemMs;
}

/** VmRSS (resident now) and VmHWM (the peak since the process started) of a process in MiB, from /proc/<pid>/status. */
function processMemory(pid: number): { rssMB: number; hwmMB: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kB = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMB: kB('VmRSS') / 1024, hwmMB: kB('VmHWM') / 1024 };
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

/**
 * RSS of the replica processes (VmRSS from /proc/<pid>/status) and of this process
 * (process.memoryUsage().rss), sampled every SAMPLE_INTERVAL_MS; the max of each.
 */
function sampleRss(pids: number[]) {
  const max = new Map<number, number>(pids.map((pid) => [pid, processMemory(pid)?.rssMB ?? 0]));
  let benchMax = process.memoryUsage().rss;
  let samples = 1;
  const take = () => {
    for (const pid of pids) max.set(pid, Math.max(max.get(pid) ?? 0, processMemory(pid)?.rssMB ?? 0));
    benchMax = Math.max(benchMax, process.memoryUsage().rss);
    samples++;
  };
  const timer = setInterval(take, SAMPLE_INTERVAL_MS);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { replicaMaxMB: (pid: number) => round(max.get(pid) ?? 0, 1), benchMaxMB: round(benchMax / MIB, 1), samples };
    },
  };
}

async function parkRows(admin: DataSource): Promise<void> {
  await admin.query(`UPDATE scheduled_tags SET next_check_at = now() + interval '1 day', last_checked_at = NULL, lease_owner = NULL, lease_until = NULL`);
}

/** One pass over `tags` rows by already running, idle `replicas`; `label` ending in `:warmup` is reported, never compared. */
async function pass(admin: DataSource, proxy: CountingProxy, label: string, replicas: ReplicaProcess[], tags: number, digests: Map<string, string>) {
  const warmup = label.endsWith(':warmup');
  await parkRows(admin);
  // Idle replicas: a tick or two finds nothing due.
  await sleep(1500);
  await proxy.ask('reset');
  const peers = new PeerCpu(admin, proxy.pid);
  await peers.begin();
  const loadBefore = loadavg()[0];
  const pids = replicas.map((replica) => replica.pid);
  await Promise.all(replicas.map((replica) => replica.ask({ type: 'begin' })));
  const rssBefore = new Map(pids.map((pid) => [pid, round(processMemory(pid)?.rssMB ?? 0, 1)]));
  const benchRssBeforeMB = round(process.memoryUsage().rss / MIB, 1);
  const cpuBefore = new Map(pids.map((pid) => [pid, processCpuTimes(pid)]));
  const rss = sampleRss(pids);
  const benchCpu = process.cpuUsage();
  await admin.query(`UPDATE scheduled_tags SET next_check_at = now() WHERE (namespace, stream, tag) IN (SELECT namespace, stream, tag FROM scheduled_tags ORDER BY tag LIMIT $1)`, [tags]);
  const dueAt = Date.now();
  let progress = { done: 0, last: null as Date | null };
  while (Date.now() - dueAt < PASS_TIMEOUT_MS) {
    [progress] = (await admin.query('SELECT count(last_checked_at)::int AS done, max(last_checked_at) AS last FROM scheduled_tags')) as { done: number; last: Date | null }[];
    if (progress.done >= tags) break;
    await sleep(POLL_INTERVAL_MS);
  }
  const benchCpuUsed = process.cpuUsage(benchCpu);
  const cpuAfter = new Map(pids.map((pid) => [pid, processCpuTimes(pid)]));
  const memory = rss.stop();
  const peaks = new Map(pids.map((pid) => [pid, round(processMemory(pid)?.hwmMB ?? 0, 1)]));
  // The replicas' own view (event loop, heap at their max RSS sample, heap after a full GC with --expose-gc, undici requests).
  const ended = await Promise.all(replicas.map((replica) => replica.ask({ type: 'end' })));
  const peerCpu = await peers.end();
  const loadAfter = loadavg()[0];
  const upstream = await proxy.ask('counts');
  const timedOut = progress.done < tags;
  const passMs = (progress.last?.getTime() ?? Date.now()) - dueAt;
  const passSeconds = passMs / 1000;
  const checksPerSecond = round(progress.done / passSeconds, 1);

  // Every checked row found its digest unchanged and is next due an interval from now.
  const [outcome] = (await admin.query(
    `SELECT count(*) FILTER (WHERE last_checked_at IS NOT NULL AND next_check_at > now() + interval '10 minutes')::int AS rescheduled,
            count(*) FILTER (WHERE lease_owner IS NOT NULL)::int AS leased
     FROM scheduled_tags`,
  )) as { rescheduled: number; leased: number }[];
  const digestRows = (await admin.query('SELECT source, last_digest FROM scheduled_tags WHERE last_checked_at IS NOT NULL')) as { source: string; last_digest: string }[];
  const digestChanged = digestRows.filter((row) => digests.get(row.source) !== row.last_digest).length;
  const ownerCalls = ended.reduce((sum, replica) => sum + replica.ownerCalls, 0);
  const errors = [
    ...(timedOut ? [`only ${progress.done} of ${tags} tags checked within ${PASS_TIMEOUT_MS / 1000} s`] : []),
    ...(ownerCalls > 0 ? [`${ownerCalls} calls to stream-service (imports)`] : []),
    ...(digestChanged > 0 ? [`${digestChanged} rows changed last_digest`] : []),
    ...(outcome.rescheduled !== progress.done ? [`${progress.done - outcome.rescheduled} checked rows not rescheduled an interval ahead`] : []),
  ];
  const perTag = round(upstream.requests / Math.max(1, progress.done), 3);
  const replicaProcesses = replicas.map((replica, i) => {
    const before = cpuBefore.get(replica.pid);
    const after = cpuAfter.get(replica.pid);
    const userMs = before && after ? Math.round(after.userMs - before.userMs) : null;
    const systemMs = before && after ? Math.round(after.systemMs - before.systemMs) : null;
    return {
      pid: replica.pid,
      cpu: { userMs, systemMs, totalMs: userMs === null || systemMs === null ? null : userMs + systemMs },
      eventLoopUtilization: ended[i].eventLoopUtilization,
      rss: {
        beforeMB: rssBefore.get(replica.pid),
        maxMB: memory.replicaMaxMB(replica.pid),
        peakSinceStartMB: peaks.get(replica.pid),
        atMax: ended[i].atMax,
        heapUsedAfterFullGcMB: ended[i].heapUsedAfterFullGcMB,
      },
      clientRequests: ended[i].clientRequests,
      ownerCalls: ended[i].ownerCalls,
    };
  });
  const sum = (values: (number | null)[]) => values.reduce<number>((total, value) => total + (value ?? 0), 0);
  const cpuMs = sum(replicaProcesses.map((replica) => replica.cpu.totalMs));
  const maxRssMB = Math.max(...replicaProcesses.map((replica) => replica.rss.maxMB));
  const benchCpuMs = (benchCpuUsed.user + benchCpuUsed.system) / 1000;
  return {
    phase: label,
    replicas: replicas.length,
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
      clientRequests: sum(replicaProcesses.map((replica) => replica.clientRequests)),
    },
    cpu: {
      of: 'the replica processes (/proc/<pid>/stat)',
      userMs: sum(replicaProcesses.map((replica) => replica.cpu.userMs)),
      systemMs: sum(replicaProcesses.map((replica) => replica.cpu.systemMs)),
      totalMs: cpuMs,
      cores: round(cpuMs / passMs),
      perCheckMs: round(cpuMs / Math.max(1, progress.done), 3),
    },
    rss: {
      of: 'each replica process (/proc/<pid>/status VmRSS); maxMB is the largest of any one',
      beforeMB: Math.max(...replicaProcesses.map((replica) => replica.rss.beforeMB ?? 0)),
      maxMB: maxRssMB,
      samples: memory.samples,
      intervalMs: SAMPLE_INTERVAL_MS,
    },
    replicaProcesses,
    benchProcess: {
      cpu: { totalMs: Math.round(benchCpuMs), cores: round(benchCpuMs / passMs) },
      rss: { beforeMB: benchRssBeforeMB, maxMB: memory.benchMaxMB },
    },
    otherProcessesCpu: peerCpu,
    loadAverage1m: { before: round(loadBefore), after: round(loadAfter), cpus: cpus().length },
    ownerCalls,
    stillLeased: outcome.leased,
    ...(errors.length ? { error: errors.join('; ') } : {}),
    ...(warmup
      ? {}
      : {
          target: { checksPerSecond: replicas.length === 1 ? `>= ${TARGET_CHECKS_PER_SECOND}` : 'none (compare with 1 replica)', maxRssMB: `< ${TARGET_MAX_RSS_MB}` },
          met: errors.length === 0 && (replicas.length !== 1 || checksPerSecond >= TARGET_CHECKS_PER_SECOND) && maxRssMB < TARGET_MAX_RSS_MB,
        }),
  };
}

/** One phase: `count` fresh replica processes, the warm-up pass (unless BENCH_WARMUP_TAGS=0), then the measured pass; the replicas are stopped after it. */
async function phase(admin: DataSource, proxy: CountingProxy, label: string, count: number, schema: string, digests: Map<string, string>): Promise<object[]> {
  const results: object[] = [];
  const replicas = await startReplicas(count, schema);
  try {
    if (WARMUP_TAGS > 0) results.push(await pass(admin, proxy, `${label}:warmup`, replicas, Math.min(WARMUP_TAGS, TAGS), digests));
    results.push(await pass(admin, proxy, label, replicas, TAGS, digests));
  } finally {
    const finalOwnerCalls = await Promise.all(replicas.map((replica) => replica.stop()));
    const late = finalOwnerCalls.reduce<number>((sum, calls) => sum + (calls ?? 0), 0);
    const killed = finalOwnerCalls.filter((calls) => calls === null).length;
    const last = results.at(-1) as { ownerCalls?: number; error?: string } | undefined;
    const problems = [
      ...(late > (last?.ownerCalls ?? 0) ? [`${late} calls to stream-service by the time the replicas stopped`] : []),
      ...(killed > 0 ? [`${killed} replica(s) did not stop cleanly (crashed, or killed after ${REPLICA_STOP_TIMEOUT_MS / 1000} s)`] : []),
    ];
    if (last && problems.length) last.error = [last.error, ...problems].filter(Boolean).join('; ');
  }
  return results;
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

    for (const count of REPLICA_COUNTS) {
      const label = `pass-${count}-replica${count === 1 ? '' : 's'}`;
      try {
        results.push(...(await phase(admin, proxy, label, count, schema, digests)));
      } catch (error) {
        results.push({ phase: label, error: (error as Error).stack ?? (error as Error).message });
      }
    }
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
    unit: 'seconds; MB = MiB; cpu and rss are the replica processes (benchProcess: this one)',
    replicaCommand: `node ${replicaArguments().map((arg) => path.relative(REPO_ROOT, arg) || arg).join(' ')}`,
    results,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (results.some((result) => 'error' in result)) process.exitCode = 1;
}

runBench(main);
