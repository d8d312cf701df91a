/**
 * Webhook fan-out: one tag move matched by 1,000 subscriptions in one namespace.
 *
 *   npm run bench:webhook-fanout                      # starts its own stack (private NATS, fresh database)
 *   BENCH_SUBSCRIPTIONS=1000 BENCH_RUNS=3 BENCH_RECEIVERS=1,8 npm run bench:webhook-fanout
 *   GATEWAY_URL=http://127.0.0.1:8080 GATEWAY_TOKEN=<access token> npm run bench:webhook-fanout   # against a running stack
 *
 * Measured per run: the time from the mapping POST's 201 response (the change is committed by
 * then) until the last of the 1,000 webhooks arrived; also until the first one arrived, and from the
 * event's commit (its CloudEvent `time`) to the last arrival. Target: all 1,000 in < 2 s.
 *
 * Receivers are bare node:http servers in a worker thread that answer 204 at once. The dispatcher
 * sends at most WEBHOOK_MAX_CONCURRENCY_PER_TARGET (16) requests at a time to one receiver origin and
 * WEBHOOK_MAX_CONCURRENCY (256) in all, so 1,000 subscriptions on one receiver measure the per-target
 * limit; spread over 8 receivers (different ports = different origins) up to 128 are in flight at once.
 * BENCH_RECEIVERS lists the configurations to run (default "1,8"); each configuration gets its
 * own namespace and subscriptions, one unmeasured warm-up move, then BENCH_RUNS measured moves
 * (each of a new tag), printed one by one and as a median. Prints one JSON document at the end.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Stack } from '@imagestreams/stack';
import { gatewayAuthHeaders, runBench, waitForEventsDrained, withBenchStack } from './support/bench-stack';

const SUBSCRIPTIONS = Number(process.env['BENCH_SUBSCRIPTIONS'] ?? 1000);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const RECEIVER_COUNTS = (process.env['BENCH_RECEIVERS'] ?? '1,8').split(',').map((n) => Number(n.trim()));
/** Subscriptions created at once. */
const CREATE_CONCURRENCY = 16;
const ARRIVAL_TIMEOUT_MS = 60_000;
const TARGET_MS = 2_000;

interface Arrival {
  tag: string;
  eventTime: number;
  receivedAt: number;
}

/**
 * `count` receivers on their own ports, in one worker thread so the main thread's work never delays
 * the moment an arrival is stamped. Arrivals are reported in batches (one message per 1,000 would
 * cost the worker more than the requests do).
 */
const RECEIVER_SOURCE = `
  const { parentPort, workerData } = require('node:worker_threads');
  const { createServer } = require('node:http');
  let batch = [];
  const report = () => { if (batch.length) { parentPort.postMessage({ arrivals: batch }); batch = []; } };
  setInterval(report, 20);
  const ports = [];
  for (let i = 0; i < workerData.count; i++) {
    const server = createServer((req, res) => {
      const chunks = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', () => {
        const receivedAt = Date.now();
        res.writeHead(204).end();
        const event = JSON.parse(Buffer.concat(chunks).toString());
        batch.push({ tag: event.data.tag, eventTime: Date.parse(event.time), receivedAt });
      });
    });
    server.keepAliveTimeout = 60000;
    server.listen(0, '127.0.0.1', () => {
      ports.push(server.address().port);
      if (ports.length === workerData.count) parentPort.postMessage({ ports });
    });
  }
`;

interface Receivers {
  urls: string[];
  arrivals(tag: string): Arrival[];
  waitFor(tag: string, n: number, timeoutMs: number): Promise<void>;
  close(): Promise<unknown>;
}

async function startReceivers(count: number): Promise<Receivers> {
  const byTag = new Map<string, Arrival[]>();
  let wake: (() => void) | undefined;
  const worker = new Worker(RECEIVER_SOURCE, { eval: true, workerData: { count } });
  const ports = await new Promise<number[]>((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (message: { ports: number[] } | { arrivals: Arrival[] }) => {
      if ('ports' in message) return resolve(message.ports);
      for (const arrival of message.arrivals) {
        const list = byTag.get(arrival.tag);
        if (list) list.push(arrival);
        else byTag.set(arrival.tag, [arrival]);
      }
      wake?.();
    });
  });
  return {
    urls: ports.map((port) => `http://127.0.0.1:${port}/hook`),
    arrivals: (tag) => byTag.get(tag) ?? [],
    waitFor: (tag, n, timeoutMs) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          wake = undefined;
          reject(new Error(`only ${byTag.get(tag)?.length ?? 0} of ${n} webhooks for ${tag} arrived within ${timeoutMs} ms`));
        }, timeoutMs);
        wake = () => {
          if ((byTag.get(tag)?.length ?? 0) >= n) {
            clearTimeout(timer);
            wake = undefined;
            resolve();
          }
        };
        wake();
      }),
    close: () => worker.terminate(),
  };
}

async function post(gateway: string, pathname: string, body: unknown): Promise<void> {
  const response = await fetch(`${gateway}${pathname}`, { method: 'POST', headers: { ...gatewayAuthHeaders(), 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status !== 201) throw new Error(`POST ${pathname} answered ${response.status}: ${await response.text()}`);
}

/** The dispatcher's count of 2xx answers (all replicas), so a run starts after the previous one was recorded. */
async function succeededDeliveries(stack: Stack | undefined): Promise<number | undefined> {
  if (!stack) return undefined;
  let total = 0;
  for (const service of stack.replicas('trigger-dispatcher')) {
    const text = await (await fetch(`${service.url}/metrics`)).text();
    total += Number(/^imagestreams_webhook_delivery_outcomes_total\{outcome="succeeded"\} (\S+)$/m.exec(text)?.[1] ?? NaN);
  }
  return total;
}

async function waitForRecorded(stack: Stack | undefined, count: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const recorded = await succeededDeliveries(stack);
    if (recorded === undefined || recorded >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const round = (n: number) => Math.round(n);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : Math.round((sorted[middle - 1] + sorted[middle]) / 2);
};

async function runConfiguration(gateway: string, natsUrl: string | undefined, stack: Stack | undefined, receiverCount: number) {
  const receivers = await startReceivers(receiverCount);
  try {
    const namespace = `fanout-${receiverCount}-${randomBytes(3).toString('hex')}`;
    await post(gateway, '/api/v1/namespaces', { metadata: { name: namespace } });
    const creationStarted = Date.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CREATE_CONCURRENCY }, async () => {
        for (let index = next++; index < SUBSCRIPTIONS; index = next++) {
          await post(gateway, `/apis/notifications.imagestreams.io/v1/namespaces/${namespace}/webhooksubscriptions`, {
            metadata: { name: `sub-${index}` },
            spec: { url: receivers.urls[index % receivers.urls.length], events: ['tag.changed'] },
          });
        }
      }),
    );
    const creationMs = Date.now() - creationStarted;

    const moveOnce = async (tag: string) => {
      await waitForEventsDrained(natsUrl);
      const baseline = await succeededDeliveries(stack);
      const mapping = { metadata: { name: 'app' }, image: { metadata: { name: `sha256:${randomBytes(32).toString('hex')}` } }, tag };
      const sentAt = Date.now();
      await post(gateway, `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreammappings`, mapping);
      const committedAt = Date.now();
      await receivers.waitFor(tag, SUBSCRIPTIONS, ARRIVAL_TIMEOUT_MS);
      const arrivals = receivers.arrivals(tag);
      const received = arrivals.map((arrival) => arrival.receivedAt).sort((a, b) => a - b);
      const last = received[received.length - 1];
      if (baseline !== undefined) await waitForRecorded(stack, baseline + SUBSCRIPTIONS);
      return {
        tag,
        postMs: committedAt - sentAt,
        responseToFirstMs: received[0] - committedAt,
        responseToHalfMs: received[Math.floor(received.length / 2)] - committedAt,
        responseToAllMs: last - committedAt,
        commitToAllMs: last - arrivals[0].eventTime,
        webhooksPerSecond: round((SUBSCRIPTIONS / Math.max(1, last - received[0])) * 1000),
      };
    };

    const warmup = await moveOnce('warmup');
    const runs = [];
    for (let run = 1; run <= RUNS; run++) {
      const result = await moveOnce(`run-${run}`);
      runs.push(result);
      process.stdout.write(`receivers=${receiverCount} run ${run}: all ${SUBSCRIPTIONS} webhooks ${result.responseToAllMs} ms after the POST's response (first after ${result.responseToFirstMs} ms)\n`);
    }
    const medianMs = median(runs.map((run) => run.responseToAllMs));
    process.stdout.write(`receivers=${receiverCount} median: ${medianMs} ms (target < ${TARGET_MS} ms)\n`);
    return {
      receivers: receiverCount,
      subscriptionsPerReceiver: Math.ceil(SUBSCRIPTIONS / receiverCount),
      note:
        receiverCount === 1
          ? 'one receiver origin: bounded by WEBHOOK_MAX_CONCURRENCY_PER_TARGET (16 in flight)'
          : `${receiverCount} receiver origins (ports): up to ${receiverCount} × 16 in flight (WEBHOOK_MAX_CONCURRENCY is 256 per dispatcher process)`,
      subscriptionsCreatedInMs: creationMs,
      warmup,
      runs,
      medianResponseToAllMs: medianMs,
      targetMs: TARGET_MS,
      meetsTarget: medianMs < TARGET_MS,
    };
  } finally {
    await receivers.close();
  }
}

async function main(): Promise<void> {
  await withBenchStack(async (gateway, natsUrl, stack) => {
    const results = [];
    for (const count of RECEIVER_COUNTS) results.push(await runConfiguration(gateway, natsUrl, stack, count));
    const summary = {
      bench: 'webhook-fanout',
      subscriptions: SUBSCRIPTIONS,
      measured: "mapping POST's 201 response → last of the webhooks arrived (the change is committed before the 201)",
      machine: { cpus: cpus().length, node: process.version, loadAverage1m: Math.round(loadavg()[0] * 100) / 100 },
      results,
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  });
}

runBench(main);
