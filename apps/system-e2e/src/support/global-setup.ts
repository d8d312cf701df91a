import 'reflect-metadata';
import './register-paths';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDatabase, freePort, openServiceLogFile, REPO_ROOT, startPrivateNats, startStack, SERVICE_NAMES } from '@imagestreams/stack';
import { generateAccessToken } from '@imagestreams/testing';
import { serveStackControl } from './stack-control';

const POSTGRES_SERVER_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432';

export default async function globalSetup(): Promise<void> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'imagestreams-e2e-'));
  const databaseName = `imagestreams_e2e_${Date.now()}`;
  await createDatabase(`${POSTGRES_SERVER_URL}/postgres`, databaseName);
  // A private NATS server: the run's streams and durable consumers never meet a developer's stack.
  const nats = await startPrivateNats({ dataDir });
  const ports = Object.fromEntries(await Promise.all(SERVICE_NAMES.map(async (name) => [name, await freePort()])));
  // Access control is on, as in production: suites act as the bootstrap admin unless they test someone else.
  const adminToken = generateAccessToken();
  // Quiet services print nothing here; what they log (warnings and errors) is kept for a failure's post-mortem (.ci/run shows its tail).
  const serviceLog = openServiceLogFile(process.env['E2E_SERVICE_LOG'] ?? path.join(REPO_ROOT, 'tmp', 'test-logs', 'system-e2e-services.log'));
  const stack = await startStack({
    databaseUrl: `${POSTGRES_SERVER_URL}/${databaseName}`,
    natsUrl: nats.natsUrl,
    dataDir,
    ports,
    quiet: true,
    serviceOutput: serviceLog.sink,
    log: () => undefined,
    readyTimeoutMs: 120_000,
    env: {
      BOOTSTRAP_ADMIN_TOKEN: adminToken,
      // Short timers so retry and crash-recovery paths finish in seconds, not minutes.
      OUTBOX_POLL_INTERVAL_MS: '200',
      WEBHOOK_POLL_INTERVAL_MS: '200',
      WEBHOOK_LEASE_GRACE_MS: '500',
      SHUTDOWN_TIMEOUT_MS: '5000',
      TAG_HISTORY_LIMIT: '50',
      // Uploads idle this long are abandoned; every suite's uploads are busy far more often.
      UPLOAD_MAX_AGE_SECONDS: '6',
      UPLOAD_CLEANUP_INTERVAL_SECONDS: '1',
      // Imports come from registries on loopback (our own /v2, a local docker-registry), on a short schedule.
      IMPORT_ALLOW_LOOPBACK: 'true',
      IMPORT_SCHEDULE_INTERVAL_SECONDS: '2',
      IMPORT_SCHEDULE_MINIMUM_INTERVAL_SECONDS: '1',
      IMPORT_SCHEDULER_TICK_MS: '200',
      IMPORT_TIMEOUT_MS: '5000',
      IMPORT_NOTIFICATION_ENDPOINTS: 'e2e=e2e-notification-secret',
      // The samples operator (on by default) re-checks the samples every few seconds, so restoring edits is quick to see.
      SAMPLES_RECONCILE_INTERVAL_SECONDS: '3',
      // Spans are recorded only when exported: an exporter aimed at a closed port turns tracing on.
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
    },
  });
  const control = await serveStackControl(stack);
  process.env['E2E_GATEWAY_URL'] = stack.gatewayUrl;
  // The token of user `admin` (cluster-admin); support/api.ts sends it by default.
  process.env['E2E_ADMIN_TOKEN'] = adminToken;
  // Every service's HTTP server (health, /metrics), by service name: {"stream-service":"http://127.0.0.1:…",…}.
  process.env['E2E_SERVICE_URLS'] = JSON.stringify(Object.fromEntries(Object.entries(ports).map(([name, port]) => [name, `http://127.0.0.1:${port}`])));
  process.env['E2E_CONTROL_URL'] = control.url;
  process.env['E2E_NATS_URL'] = nats.natsUrl;
  process.env['E2E_DATABASE_URL'] = stack.databaseUrl;
  // The services' DATA_DIR: registry tests look at how the gateway stores blobs (<dir>/registry/blobs).
  process.env['E2E_DATA_DIR'] = dataDir;
  (globalThis as Record<string, unknown>)['__E2E__'] = { stack, nats, control, databaseName, serviceLog };
}
