/**
 * What access control costs: tag moves and manifest GETs through a gateway with AUTHORIZATION
 * enabled versus one with it disabled.
 *
 *   npm run bench:access-overhead
 *   BENCH_ROUNDS=5 BENCH_SECONDS=8 BENCH_CLIENTS=16 npm run bench:access-overhead
 *
 * Two private stacks run side by side (each its own NATS server and fresh database, every service
 * with DATABASE_POOL_SIZE=8 so both fit in Postgres' default 100 connections): `on`
 * (AUTHORIZATION=enabled, the default) and `off` (AUTHORIZATION=disabled). On `on` the client is a
 * service account bound to `edit` in the bench namespace through a RoleBinding, so every request
 * goes through token lookup and RBAC evaluation (not the cluster-admin shortcut a bootstrap token
 * would take). Phases alternate between the two stacks, BENCH_ROUNDS (3) rounds with the order
 * swapped every round, so drift in the shared machine's load falls on both sides alike.
 *
 * Phases, each BENCH_SECONDS (6) long with BENCH_CLIENTS (16) closed-loop clients:
 *   tag-moves           POST ImageStreamMapping (a fresh random digest; 20 streams × 4 tags)
 *   manifest-get        GET /v2/<ns>/app/manifests/v1 with the access token (Bearer)
 *   manifest-get-jwt    the same with a registry token from /v2/token (what docker/skopeo send;
 *                       on `off` the same request without credentials)
 * A warm-up of one phase of each kind per stack precedes the rounds and is not reported.
 * Reported per phase and stack: requests/s (successful requests / phase time) median over the
 * rounds with every round's value, p50/p99 latency over all rounds; `overhead` = 1 − on/off of the
 * median throughput. Target (printed, never asserted): overhead ≤ 10 % on every phase. Prints one
 * JSON document; exits 1 if a phase cannot run.
 */
import 'reflect-metadata';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { newAccessToken } from '@imagestreams/domain-access';
import { createDatabase, dropDatabase, freePort, startPrivateNats, startStack, SERVICE_NAMES, type Stack } from '@imagestreams/stack';
import { runBench } from './support/bench-stack';
import { latencies } from './support/latencies';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 6);
const CLIENTS = Number(process.env['BENCH_CLIENTS'] ?? 16);
const STREAMS = 20;
const TAGS = 4;
const TARGET_OVERHEAD = 0.1;
const NAMESPACE = 'bench-access';
const POSTGRES_SERVER_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

type Mode = 'on' | 'off';
type PhaseName = 'tag-moves' | 'manifest-get' | 'manifest-get-jwt';
const PHASES: PhaseName[] = ['tag-moves', 'manifest-get', 'manifest-get-jwt'];

interface Target {
  mode: Mode;
  gateway: string;
  /** Authorization header values per phase; undefined = no header. */
  apiAuthorization?: string;
  registryAuthorization?: string;
  registryJwtAuthorization?: string;
}

interface RunningStack {
  stack: Stack;
  stop(): Promise<void>;
}

async function startPrivateStack(env: Record<string, string>): Promise<RunningStack> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'imagestreams-bench-access-'));
  const databaseName = `imagestreams_bench_access_${Date.now()}_${randomInt(1e6)}`;
  await createDatabase(`${POSTGRES_SERVER_URL}/postgres`, databaseName);
  const nats = await startPrivateNats({ dataDir });
  const ports = Object.fromEntries(await Promise.all(SERVICE_NAMES.map(async (name) => [name, await freePort()])));
  const stack = await startStack({ databaseUrl: `${POSTGRES_SERVER_URL}/${databaseName}`, natsUrl: nats.natsUrl, dataDir, ports, quiet: true, log: () => undefined, readyTimeoutMs: 180_000, env });
  return {
    stack,
    async stop() {
      try {
        await stack.stop();
        await nats.stop();
        await dropDatabase(`${POSTGRES_SERVER_URL}/postgres`, databaseName);
      } finally {
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}

async function send(gateway: string, method: string, pathname: string, authorization: string | undefined, body?: unknown): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = {};
  if (authorization) headers['authorization'] = authorization;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${gateway}${pathname}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${pathname} answered ${response.status}: ${text.slice(0, 500)}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

function digestOf(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Pushes a one-layer image as `<ns>/app:v1` over the registry API (monolithic POST + PUT uploads). */
async function pushImage(gateway: string, authorization: string | undefined): Promise<void> {
  const headers = (extra: Record<string, string> = {}) => ({ ...(authorization ? { authorization } : {}), ...extra });
  const repository = `/v2/${NAMESPACE}/app`;
  const layer = randomBytes(4096);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [digestOf(layer)] } }));
  for (const blob of [layer, config]) {
    const started = await fetch(`${gateway}${repository}/blobs/uploads/`, { method: 'POST', headers: headers() });
    const location = started.headers.get('location');
    if (started.status !== 202 || !location) throw new Error(`upload start answered ${started.status}: ${await started.text()}`);
    const url = new URL(location, gateway);
    url.searchParams.set('digest', digestOf(blob));
    const finished = await fetch(url, { method: 'PUT', headers: headers({ 'content-type': 'application/octet-stream' }), body: blob });
    if (finished.status !== 201) throw new Error(`upload finish answered ${finished.status}: ${await finished.text()}`);
  }
  const manifest = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digestOf(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: digestOf(layer), size: layer.length }],
  };
  const put = await fetch(`${gateway}${repository}/manifests/v1`, { method: 'PUT', headers: headers({ 'content-type': OCI_MANIFEST }), body: JSON.stringify(manifest) });
  if (put.status !== 201) throw new Error(`manifest PUT answered ${put.status}: ${await put.text()}`);
}

/**
 * Prepares one stack: the namespace, and on `on` a service account with `edit` there and its
 * token (the admin token only sets things up), a pushed image, and a registry token for it.
 */
async function prepare(mode: Mode, gateway: string, adminToken: string): Promise<Target> {
  const admin = `Bearer ${adminToken}`;
  await send(gateway, 'POST', '/api/v1/namespaces', admin, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
  if (mode === 'off') {
    await pushImage(gateway, undefined);
    return { mode, gateway };
  }
  await send(gateway, 'POST', `/api/v1/namespaces/${NAMESPACE}/serviceaccounts`, admin, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'pusher' } });
  await send(gateway, 'POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${NAMESPACE}/rolebindings`, admin, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'pusher-edit' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
    subjects: [{ kind: 'ServiceAccount', name: 'pusher', namespace: NAMESPACE }],
  });
  const created = await send(gateway, 'POST', '/apis/access.imagestreams.io/v1/accesstokens', admin, {
    apiVersion: 'access.imagestreams.io/v1',
    kind: 'AccessToken',
    spec: { subject: { kind: 'ServiceAccount', namespace: NAMESPACE, name: 'pusher' } },
  });
  const token = (created['status'] as { token: string }).token;
  const bearer = `Bearer ${token}`;
  await pushImage(gateway, bearer);
  const basic = `Basic ${Buffer.from(`bench:${token}`).toString('base64')}`;
  const issued = await send(gateway, 'GET', `/v2/token?service=imagestreams-registry&scope=repository:${NAMESPACE}/app:pull`, basic);
  return { mode, gateway, apiAuthorization: bearer, registryAuthorization: bearer, registryJwtAuthorization: `Bearer ${String(issued['token'])}` };
}

interface PhaseResult {
  requestsPerSecond: number;
  samples: number[];
  errors: number;
  errorSample?: string;
}

async function runPhase(target: Target, phase: PhaseName): Promise<PhaseResult> {
  const samples: number[] = [];
  let errors = 0;
  let errorSample: string | undefined;
  const request = (): { url: string; init: RequestInit; expected: number } => {
    if (phase === 'tag-moves') {
      const body = { metadata: { name: `app-${randomInt(STREAMS)}` }, image: { metadata: { name: `sha256:${randomBytes(32).toString('hex')}` } }, tag: `t${randomInt(TAGS)}` };
      const headers: Record<string, string> = { 'content-type': 'application/json', ...(target.apiAuthorization ? { authorization: target.apiAuthorization } : {}) };
      return { url: `${target.gateway}/apis/image.openshift.io/v1/namespaces/${NAMESPACE}/imagestreammappings`, init: { method: 'POST', headers, body: JSON.stringify(body) }, expected: 201 };
    }
    const authorization = phase === 'manifest-get' ? target.registryAuthorization : target.registryJwtAuthorization;
    const headers: Record<string, string> = { accept: OCI_MANIFEST, ...(authorization ? { authorization } : {}) };
    return { url: `${target.gateway}/v2/${NAMESPACE}/app/manifests/v1`, init: { headers }, expected: 200 };
  };
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < deadline) {
        const { url, init, expected } = request();
        const begin = performance.now();
        try {
          const response = await fetch(url, init);
          const text = await response.text();
          if (response.status === expected) samples.push(performance.now() - begin);
          else {
            errors++;
            errorSample ??= `${response.status}: ${text.slice(0, 300)}`;
          }
        } catch (error) {
          errors++;
          errorSample ??= `network: ${(error as Error).message}`;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { requestsPerSecond: samples.length / seconds, samples, errors, ...(errorSample ? { errorSample } : {}) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function main(): Promise<void> {
  const adminToken = newAccessToken().token;
  const stacks: Partial<Record<Mode, RunningStack>> = {};
  const started = Date.now();
  try {
    // One after the other: two stacks booting at once on two cores only slows both. Each service
    // keeps at most 8 connections, so two stacks (10 pools) stay under Postgres' 100 connections.
    const pool = { DATABASE_POOL_SIZE: '8' };
    stacks.on = await startPrivateStack({ ...pool, BOOTSTRAP_ADMIN_TOKEN: adminToken, AUTHORIZATION: 'enabled' });
    stacks.off = await startPrivateStack({ ...pool, BOOTSTRAP_ADMIN_TOKEN: adminToken, AUTHORIZATION: 'disabled' });
    const targets: Target[] = [await prepare('on', stacks.on.stack.gatewayUrl, adminToken), await prepare('off', stacks.off.stack.gatewayUrl, adminToken)];
    for (const target of targets) for (const phase of PHASES) await runPhase(target, phase);

    const results = new Map<string, PhaseResult[]>();
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? targets : [...targets].reverse();
      for (const phase of PHASES) {
        for (const target of order) {
          const key = `${phase}|${target.mode}`;
          results.set(key, [...(results.get(key) ?? []), await runPhase(target, phase)]);
        }
      }
    }
    const report = PHASES.map((phase) => {
      const side = (mode: Mode) => {
        const runs = results.get(`${phase}|${mode}`) ?? [];
        const errorSample = runs.find((run) => run.errorSample)?.errorSample;
        return {
          requestsPerSecond: Number(median(runs.map((run) => run.requestsPerSecond)).toFixed(1)),
          rounds: runs.map((run) => Number(run.requestsPerSecond.toFixed(1))),
          latencyMs: latencies(runs.flatMap((run) => run.samples)),
          errors: runs.reduce((sum, run) => sum + run.errors, 0),
          ...(errorSample ? { errorSample } : {}),
        };
      };
      const on = side('on');
      const off = side('off');
      const overhead = 1 - on.requestsPerSecond / off.requestsPerSecond;
      return { phase, on, off, overhead: Number(overhead.toFixed(3)), target: `overhead <= ${TARGET_OVERHEAD}`, met: on.errors === 0 && off.errors === 0 && overhead <= TARGET_OVERHEAD };
    });
    process.stdout.write(`${JSON.stringify({ bench: 'access-overhead', rounds: ROUNDS, secondsPerPhase: SECONDS, clients: CLIENTS, totalSeconds: Math.round((Date.now() - started) / 1000), phases: report }, null, 2)}\n`);
    if (report.some((row) => row.on.errors > 0 || row.off.errors > 0)) process.exitCode = 1;
  } finally {
    await Promise.all(Object.values(stacks).map((stack) => stack.stop()));
  }
}

runBench(main);
