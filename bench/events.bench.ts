/**
 * Commit→webhook latency and sustained throughput of the whole event path:
 * HTTP mapping → stream-service transaction + outbox → JetStream → trigger-dispatcher → signed webhook.
 *
 *   npm run bench:events                       # starts its own stack (private NATS, fresh database)
 *   BENCH_COUNT=2000 BENCH_RATE=200 npm run bench:events
 *   GATEWAY_URL=http://127.0.0.1:8080 GATEWAY_TOKEN=<access token> npm run bench:events   # against a running stack
 *
 * Latency = time the webhook arrived − the event's `time` (stamped when the tag change was written,
 * inside the committing transaction). Both clocks are this machine's. Prints one JSON document.
 *
 * A freshly started stack is cold (lazily loaded modules, JIT, connection pools filling up): its
 * first seconds at 200/s build a backlog of about a second that then drains. So a warm-up phase
 * (BENCH_WARMUP mappings at BENCH_RATE, reported separately as `warmup`) runs before the measured
 * phases; set BENCH_WARMUP=0 to measure a cold stack.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import { gatewayAuthHeaders, withBenchStack, runBench } from './support/bench-stack';
import { latencies } from './support/latencies';

const COUNT = Number(process.env['BENCH_COUNT'] ?? 2000);
const RATE = Number(process.env['BENCH_RATE'] ?? 200);
const CONCURRENCY = Number(process.env['BENCH_CONCURRENCY'] ?? 64);
const WARMUP = Number(process.env['BENCH_WARMUP'] ?? 2000);

interface Arrival {
  eventTime: number;
  receivedAt: number;
}


/**
 * The webhook receiver runs in its own worker thread: the load generator's garbage and timers in
 * the main thread must not delay the moment an arrival is stamped.
 */
const RECEIVER_SOURCE = `
  const { parentPort } = require('node:worker_threads');
  const { createServer } = require('node:http');
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const receivedAt = Date.now();
      const eventTime = Date.parse(JSON.parse(Buffer.concat(chunks).toString()).time);
      res.writeHead(204).end();
      parentPort.postMessage({ eventTime, receivedAt });
    });
  });
  server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
`;

async function startReceiver(): Promise<{ url: string; arrivals: Arrival[]; waitFor(n: number, timeoutMs: number): Promise<void>; close(): Promise<unknown> }> {
  const arrivals: Arrival[] = [];
  let wake: (() => void) | undefined;
  const worker = new Worker(RECEIVER_SOURCE, { eval: true });
  const port = await new Promise<number>((resolve) =>
    worker.on('message', (message: Arrival | { port: number }) => {
      if ('port' in message) return resolve(message.port);
      arrivals.push(message);
      wake?.();
    }),
  );
  return {
    url: `http://127.0.0.1:${port}/hook`,
    arrivals,
    waitFor: (n, timeoutMs) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${arrivals.length} of ${n} webhooks arrived within ${timeoutMs} ms`)), timeoutMs);
        wake = () => {
          if (arrivals.length >= n) {
            clearTimeout(timer);
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

function mapping(i: number) {
  return { metadata: { name: `app-${i % 20}` }, image: { metadata: { name: `sha256:${randomBytes(32).toString('hex')}` } }, tag: `t${i % 10}` };
}

async function runPhase(gateway: string, namespace: string, label: string, rate: number | undefined, count = COUNT) {
  const receiver = await startReceiver();
  const ns = `${namespace}-${label}`;
  await post(gateway, '/api/v1/namespaces', { metadata: { name: ns } });
  await post(gateway, `/apis/notifications.imagestreams.io/v1/namespaces/${ns}/webhooksubscriptions`, {
    metadata: { name: 'bench' },
    spec: { url: receiver.url, events: ['tag.changed'] },
  });
  const started = Date.now();
  const mappingsPath = `/apis/image.openshift.io/v1/namespaces/${ns}/imagestreammappings`;
  if (rate) {
    // Open-loop load: request i is sent at started + i/rate regardless of how earlier ones fare.
    const inFlight: Promise<void>[] = [];
    for (let i = 0; i < count; i++) {
      const due = started + (i * 1000) / rate;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      inFlight.push(post(gateway, mappingsPath, mapping(i)));
    }
    await Promise.all(inFlight);
  } else {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < count) await post(gateway, mappingsPath, mapping(next++));
      }),
    );
  }
  const posted = Date.now();
  await receiver.waitFor(count, 120_000);
  await receiver.close();
  const lastArrival = Math.max(...receiver.arrivals.map((a) => a.receivedAt));
  return {
    phase: label,
    offeredRatePerSecond: rate ?? 'unthrottled',
    mappings: count,
    webhooksReceived: receiver.arrivals.length,
    postingSeconds: (posted - started) / 1000,
    sustainedChangesPerSecond: Math.round((count / ((lastArrival - started) / 1000)) * 10) / 10,
    commitToWebhookMs: latencies(receiver.arrivals.map((a) => a.receivedAt - a.eventTime)),
  };
}

async function main(): Promise<void> {
  await withBenchStack(async (gateway) => {
    const namespace = `bench-${randomBytes(3).toString('hex')}`;
    const warmup = WARMUP > 0 ? [await runPhase(gateway, namespace, 'warmup', RATE, WARMUP)] : [];
    const throttled = await runPhase(gateway, namespace, 'throttled', RATE);
    const unthrottled = await runPhase(gateway, namespace, 'unthrottled', undefined);
    process.stdout.write(`${JSON.stringify({ machine: { cpus: cpus().length, node: process.version }, results: [...warmup, throttled, unthrottled] }, null, 2)}\n`);
  });
}

runBench(main);
