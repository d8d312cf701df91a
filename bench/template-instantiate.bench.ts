/**
 * TemplateInstance creation end to end through the gateway: how long instantiating the Rails +
 * PostgreSQL example takes (process the template, create the ImageStream in stream-service, the
 * BuildConfig and two Deployments in trigger-dispatcher, store the Secret, two Services and the
 * Route in template-service, answer the instance Ready).
 *
 *   npm run bench:template-instantiate                      # starts its own stack (private NATS, fresh database)
 *   BENCH_ITERATIONS=200 npm run bench:template-instantiate
 *   GATEWAY_URL=http://127.0.0.1:8080 GATEWAY_TOKEN=<access token> npm run bench:template-instantiate   # against a running stack
 *
 * The template is `rails-postgresql-example` from the OpenShift library fixtures
 * (shared/fixtures/openshift-library/templates next to the repository; BENCH_FIXTURES_DIR
 * overrides the fixtures directory). Without it the bench says so and exits 0.
 *
 * Each iteration creates a fresh namespace (not timed), then POSTs one TemplateInstance with
 * parameters (NAME, DATABASE_SERVICE_NAME, APPLICATION_DOMAIN) and reads the answer: the latency
 * is performance.now() around that one request, answer body included. Iterations run one after
 * another (BENCH_ITERATIONS, 50) after BENCH_WARMUP (5) unmeasured ones. The instance's DELETE
 * (every object deleted through its owner) is timed too and reported apart. An answer other than
 * 201 with `Ready=True` is counted in `errors` and left out of the figures; percentiles are
 * nearest-rank.
 *
 * Target printed next to the numbers (`target`, `met`), never asserted: create p99 < 500 ms.
 * Prints one JSON document; exits 1 if any iteration failed.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { gatewayAuthHeaders, runBench, withBenchStack } from './support/bench-stack';
import { latencies } from './support/latencies';

const ITERATIONS = Number(process.env['BENCH_ITERATIONS'] ?? 50);
const WARMUP = Number(process.env['BENCH_WARMUP'] ?? 5);
const FIXTURES_DIR = process.env['BENCH_FIXTURES_DIR'] ?? path.resolve(__dirname, '../../shared/fixtures');
const TEMPLATE_FILE = path.join(FIXTURES_DIR, 'openshift-library', 'templates', 'rails-postgresql-example.json');
const TARGET_P99_MS = 500;

interface Condition {
  type: string;
  status: string;
  message?: string;
}

class Errors {
  count = 0;
  readonly samples: string[] = [];
  add(message: string): void {
    this.count++;
    if (this.samples.length < 5) this.samples.push(message.slice(0, 400));
  }
}

async function request(gateway: string, method: string, pathname: string, body?: unknown): Promise<{ status: number; text: string; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${gateway}${pathname}`, {
    method,
    headers: { ...gatewayAuthHeaders(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, text, ms: performance.now() - started };
}

async function main(): Promise<void> {
  if (!existsSync(TEMPLATE_FILE)) {
    process.stdout.write(`template-instantiate bench: no fixture at ${TEMPLATE_FILE} (set BENCH_FIXTURES_DIR); nothing measured\n`);
    return;
  }
  const template = JSON.parse(readFileSync(TEMPLATE_FILE, 'utf8')) as Record<string, unknown>;
  const objectCount = (template['objects'] as unknown[]).length;
  const createMs: number[] = [];
  const deleteMs: number[] = [];
  const errors = new Errors();

  await withBenchStack(async (gateway) => {
    const runId = randomBytes(3).toString('hex');
    for (let iteration = 0; iteration < WARMUP + ITERATIONS; iteration++) {
      const measured = iteration >= WARMUP;
      const namespace = `bench-ti-${runId}-${iteration}`;
      const made = await request(gateway, 'POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
      if (made.status !== 201) throw new Error(`namespace ${namespace} not created: ${made.status} ${made.text}`);

      const instances = `/apis/template.openshift.io/v1/namespaces/${namespace}/templateinstances`;
      const instance = {
        apiVersion: 'template.openshift.io/v1',
        kind: 'TemplateInstance',
        metadata: { name: 'rails' },
        spec: { template, parameters: { NAME: `shop-${iteration}`, DATABASE_SERVICE_NAME: `shop-db-${iteration}`, APPLICATION_DOMAIN: `shop-${iteration}.apps.example.com` } },
      };
      const created = await request(gateway, 'POST', instances, instance);
      const conditions = created.status === 201 ? ((JSON.parse(created.text) as { status?: { conditions?: Condition[] } }).status?.conditions ?? []) : [];
      const ready = conditions.find((condition) => condition.type === 'Ready')?.status === 'True';
      if (!ready) {
        errors.add(`create answered ${created.status}: ${created.status === 201 ? JSON.stringify(conditions) : created.text}`);
        continue;
      }
      if (measured) createMs.push(created.ms);

      const deleted = await request(gateway, 'DELETE', `${instances}/rails`);
      if (deleted.status !== 200) errors.add(`delete answered ${deleted.status}: ${deleted.text}`);
      else if (measured) deleteMs.push(deleted.ms);
    }
  });

  const create = latencies(createMs);
  const report = {
    machine: { cpus: cpus().length, node: process.version },
    template: { name: 'rails-postgresql-example', objects: objectCount, jsonBytes: Buffer.byteLength(JSON.stringify(template)) },
    warmup: WARMUP,
    iterations: ITERATIONS,
    errors: errors.count,
    ...(errors.samples.length ? { errorSamples: errors.samples } : {}),
    createLatencyMs: create,
    deleteLatencyMs: latencies(deleteMs),
    target: { createP99Ms: `< ${TARGET_P99_MS}` },
    met: errors.count === 0 && create.p99 < TARGET_P99_MS,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (errors.count > 0) process.exitCode = 1;
}

runBench(main);
