/**
 * REST API through the gateway: how fast tags move, and how fast a big image stream is read.
 *
 *   npm run bench:image-streams                       # starts its own stack (private NATS, fresh database)
 *   BENCH_CLIENTS=64 BENCH_SECONDS=30 npm run bench:image-streams
 *   GATEWAY_URL=http://127.0.0.1:8080 GATEWAY_TOKEN=<access token> npm run bench:image-streams   # against a running stack
 *
 * Requests go through one undici Pool with a keep-alive connection per client (support/load-client),
 * a lighter load generator than fetch on a machine it shares with the system under test.
 *
 * 1. Tag moves. BENCH_CLIENTS (32) closed-loop clients each POST an ImageStreamMapping with a fresh
 *    random digest, wait for the answer (body read included), and immediately send the next one.
 *    Every request picks one of 50 streams × 4 tags uniformly at random, so clients sometimes
 *    contend for the same stream, as pushes to a busy namespace do. A warm-up of
 *    BENCH_WARMUP_SECONDS (5; it also creates the streams, and is reported separately as
 *    `warmup`) precedes the measured BENCH_SECONDS (20). Latency = performance.now() around one
 *    request. Throughput = successful moves / (phase start → the last client's last answer); a
 *    request started before the deadline is allowed to finish and is counted.
 * 2. Stream GET. One stream gets BENCH_GET_TAGS (100) tags × BENCH_GET_HISTORY (50) history
 *    entries (5,000 mappings, 32 in flight), then is read with BENCH_GETS (300) sequential GETs
 *    after 20 warm-up GETs. Latency as above; `responseBytes` is the size of the body as received.
 *    If the first GET does not answer 200, the timed GETs are skipped and the phase reports `error`.
 *
 * With its own stack, the tag-moves phase also reports `cpuMsPerMove`: the CPU time (/proc utime +
 * stime) each service process, all Postgres processes and all nats-server processes spent during
 * the phase, divided by the successful moves, and their `total`. On a saturated machine the total
 * is what throughput is made of (2 cores / total), and it is much steadier than throughput.
 * Targets are printed next to the numbers (`target`, `met`) and never asserted: ≥ 500 moves/s
 * sustained with p99 < 100 ms; stream GET p99 < 20 ms. Non-201/200 answers and network errors are
 * counted in `errors` and left out of the latency figures. A phase that cannot run reports `error`
 * and the process exits 1 after printing. Prints one JSON document.
 */
import 'reflect-metadata';
import { randomBytes, randomInt } from 'node:crypto';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Stack } from '@imagestreams/stack';
import { gatewayAuthHeaders, runBench, waitForEventsDrained, withBenchStack } from './support/bench-stack';
import { latencies } from './support/latencies';
import { LoadClient } from './support/load-client';
import { cpuByProcess, cpuSpent } from './support/process-cpu';

const CLIENTS = Number(process.env['BENCH_CLIENTS'] ?? 32);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 20);
const WARMUP_SECONDS = Number(process.env['BENCH_WARMUP_SECONDS'] ?? 5);
const GETS = Number(process.env['BENCH_GETS'] ?? 300);

const MOVE_STREAMS = 50;
const MOVE_TAGS = 4;
const BIG_TAGS = Number(process.env['BENCH_GET_TAGS'] ?? 100);
const BIG_HISTORY = Number(process.env['BENCH_GET_HISTORY'] ?? 50);
const BIG_FILL_CONCURRENCY = 32;
const GET_WARMUP = 20;

const TARGET_MOVES_PER_SECOND = 500;
const TARGET_MOVE_P99_MS = 100;
const TARGET_GET_P99_MS = 20;

class Errors {
  count = 0;
  readonly samples: string[] = [];
  add(message: string): void {
    this.count++;
    if (this.samples.length < 5) this.samples.push(message.slice(0, 300));
  }
}

async function postOrThrow(gateway: string, pathname: string, body: unknown): Promise<void> {
  const response = await fetch(`${gateway}${pathname}`, { method: 'POST', headers: { ...gatewayAuthHeaders(), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  if (response.status !== 201) throw new Error(`POST ${pathname} answered ${response.status}: ${text}`);
}

function mappingsPath(namespace: string): string {
  return `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreammappings`;
}

function randomDigest(): string {
  return `sha256:${randomBytes(32).toString('hex')}`;
}

function mapping(stream: string, tag: string) {
  return { metadata: { name: stream }, image: { metadata: { name: randomDigest() } }, tag };
}

/** One timed POST; resolves to its latency in ms, or undefined (error recorded) when it failed. */
async function timedPost(client: LoadClient, pathname: string, body: unknown, errors: Errors): Promise<number | undefined> {
  const payload = JSON.stringify(body);
  const started = performance.now();
  try {
    const response = await client.request('POST', pathname, payload);
    const elapsed = performance.now() - started;
    if (response.status === 201) return elapsed;
    errors.add(`${response.status}: ${response.body.toString()}`);
  } catch (error) {
    errors.add(`network: ${(error as Error).message}`);
  }
  return undefined;
}

async function tagMovesPhase(client: LoadClient, namespace: string, label: string, seconds: number, stack?: Stack) {
  const pathname = mappingsPath(namespace);
  const samples: number[] = [];
  const errors = new Errors();
  const cpuBefore = cpuByProcess(stack);
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < deadline) {
        const body = mapping(`app-${randomInt(MOVE_STREAMS)}`, `t${randomInt(MOVE_TAGS)}`);
        const latency = await timedPost(client, pathname, body, errors);
        if (latency !== undefined) samples.push(latency);
      }
    }),
  );
  const elapsedSeconds = (performance.now() - started) / 1000;
  const cpuAfter = cpuByProcess(stack);
  const movesPerSecond = Number((samples.length / elapsedSeconds).toFixed(1));
  const latencyMs = latencies(samples);
  return {
    phase: label,
    clients: CLIENTS,
    streams: MOVE_STREAMS,
    tagsPerStream: MOVE_TAGS,
    seconds: Number(elapsedSeconds.toFixed(2)),
    moves: samples.length,
    errors: errors.count,
    ...(errors.samples.length ? { errorSamples: errors.samples } : {}),
    movesPerSecond,
    latencyMs,
    ...(stack ? { cpuMsPerMove: cpuPerMove(cpuBefore, cpuAfter, samples.length) } : {}),
    target: { movesPerSecond: `>= ${TARGET_MOVES_PER_SECOND}`, p99Ms: `< ${TARGET_MOVE_P99_MS}` },
    met: errors.count === 0 && movesPerSecond >= TARGET_MOVES_PER_SECOND && latencyMs.p99 < TARGET_MOVE_P99_MS,
  };
}

/** Where a move's CPU went: ms per successful move for each process, and their total. */
function cpuPerMove(before: Map<string, number>, after: Map<string, number>, moves: number): Record<string, number> {
  const perMove: Record<string, number> = {};
  let total = 0;
  for (const [label, spent] of cpuSpent(before, after)) {
    perMove[label] = Number((spent / Math.max(moves, 1)).toFixed(3));
    total += spent;
  }
  perMove['total'] = Number((total / Math.max(moves, 1)).toFixed(3));
  return perMove;
}

/** Creates one stream with BIG_TAGS tags × BIG_HISTORY history entries, BIG_FILL_CONCURRENCY mappings in flight. */
async function fillBigStream(gateway: string, namespace: string, stream: string) {
  const total = BIG_TAGS * BIG_HISTORY;
  const pathname = mappingsPath(namespace);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: BIG_FILL_CONCURRENCY }, async () => {
      while (next < total) {
        const i = next++;
        await postOrThrow(gateway, pathname, mapping(stream, `t${i % BIG_TAGS}`));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { mappings: total, concurrency: BIG_FILL_CONCURRENCY, seconds: Number(seconds.toFixed(2)), mappingsPerSecond: Number((total / seconds).toFixed(1)) };
}

interface StreamBody {
  status?: { tags?: { tag: string; items?: unknown[] }[] };
}

async function timedGet(client: LoadClient, pathname: string): Promise<{ ms: number; status: number; bytes: Buffer }> {
  const started = performance.now();
  const response = await client.request('GET', pathname);
  return { ms: performance.now() - started, status: response.status, bytes: response.body };
}

async function streamGetPhase(gateway: string, client: LoadClient, namespace: string, natsUrl: string | undefined) {
  const stream = 'big';
  await postOrThrow(gateway, '/api/v1/namespaces', { metadata: { name: namespace } });
  const setup = await fillBigStream(gateway, namespace, stream);
  // The 5,000 pushes' events are still being relayed and consumed; measure GETs on a quiet system.
  await waitForEventsDrained(natsUrl);
  const url = `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams/${stream}`;

  const first = await timedGet(client, url);
  if (first.status !== 200) {
    return { phase: 'stream-get', setup, error: `first GET answered ${first.status} after ${first.ms.toFixed(0)} ms: ${first.bytes.toString().slice(0, 500)}`, target: { p99Ms: `< ${TARGET_GET_P99_MS}` }, met: false };
  }
  const tags = (JSON.parse(first.bytes.toString()) as StreamBody).status?.tags ?? [];
  const historyLengths = tags.map((tag) => tag.items?.length ?? 0);
  const shape = {
    tags: tags.length,
    historyEntries: historyLengths.reduce((sum, n) => sum + n, 0),
    minHistoryPerTag: historyLengths.length ? Math.min(...historyLengths) : 0,
    maxHistoryPerTag: historyLengths.length ? Math.max(...historyLengths) : 0,
  };

  for (let i = 0; i < GET_WARMUP; i++) await timedGet(client, url);

  const samples: number[] = [];
  const sizes = new Set<number>();
  const errors = new Errors();
  for (let i = 0; i < GETS; i++) {
    try {
      const result = await timedGet(client, url);
      if (result.status === 200) {
        samples.push(result.ms);
        sizes.add(result.bytes.length);
      } else {
        errors.add(`${result.status}: ${result.bytes.toString()}`);
      }
    } catch (error) {
      errors.add(`network: ${(error as Error).message}`);
    }
  }
  const latencyMs = latencies(samples);
  return {
    phase: 'stream-get',
    setup,
    stream: shape,
    warmupGets: GET_WARMUP,
    gets: samples.length,
    errors: errors.count,
    ...(errors.samples.length ? { errorSamples: errors.samples } : {}),
    responseBytes: first.bytes.length,
    ...(sizes.size > 1 || (sizes.size === 1 && !sizes.has(first.bytes.length)) ? { responseBytesSeen: [...sizes].sort((a, b) => a - b) } : {}),
    latencyMs,
    target: { p99Ms: `< ${TARGET_GET_P99_MS}` },
    met: errors.count === 0 && latencyMs.p99 < TARGET_GET_P99_MS,
  };
}

async function main(): Promise<void> {
  await withBenchStack(async (gateway, natsUrl, stack) => {
    const client = new LoadClient(gateway, CLIENTS);
    const prefix = `bench-${randomBytes(3).toString('hex')}`;
    const results: object[] = [];
    const phase = async (label: string, run: () => Promise<object>) => {
      try {
        results.push(await run());
      } catch (error) {
        results.push({ phase: label, error: (error as Error).message });
      }
    };
    const movesNamespace = `${prefix}-moves`;
    await phase('tag-moves', async () => {
      await postOrThrow(gateway, '/api/v1/namespaces', { metadata: { name: movesNamespace } });
      if (WARMUP_SECONDS > 0) results.push(await tagMovesPhase(client, movesNamespace, 'warmup', WARMUP_SECONDS));
      return tagMovesPhase(client, movesNamespace, 'tag-moves', SECONDS, stack);
    });
    await phase('stream-get', () => streamGetPhase(gateway, client, `${prefix}-get`, natsUrl));

    const report = { machine: { cpus: cpus().length, node: process.version }, gateway: process.env['GATEWAY_URL'] ?? 'private stack', results };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    if (results.some((result) => 'error' in result)) process.exitCode = 1;
    await client.close();
  });
}

runBench(main);
