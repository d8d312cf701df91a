import { eventually, pushBlob, pushManifest, WebhookReceiver } from '@imagestreams/testing';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { api, authHeaders, createSubscription, createTestNamespace, gatewayUrl, mapping, randomDigest } from './support/api';
import { scrape, serviceUrl, type Scrape, type ServiceName } from './support/metrics';
import { buildImage } from './support/oci-layout';
import { createGatewayPullSecret } from './support/pull-secrets';
import { gatewayEndpoint, pushImage } from './support/registry-push';

/**
 * Metrics and tracing of the running stack: every named metric is scraped, the action that should
 * move it is done, and the metric is scraped again. Tracing: a `traceparent` sent with a request
 * comes back in the webhook the change caused.
 */
const SERVICES: ServiceName[] = ['registry-gateway', 'stream-service', 'importer', 'trigger-dispatcher', 'template-service'];
const IMAGE_API = '/apis/image.openshift.io/v1';
const MAPPINGS_ROUTE = '/apis/image.openshift.io/v1/namespaces/:namespace/imagestreammappings';

function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

async function postMapping(namespace: string, body: unknown, headers: Record<string, string> = {}): Promise<number> {
  const response = await fetch(`${gatewayUrl()}${IMAGE_API}/namespaces/${namespace}/imagestreammappings`, {
    method: 'POST',
    headers: { ...authHeaders(), 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  await response.text();
  return response.status;
}

/** Scrapes until `check` passes on a reading, and returns that reading. */
function scrapeUntil(service: ServiceName, check: (reading: Scrape) => boolean, description: string, timeoutMs?: number): Promise<Scrape> {
  return eventually(async () => {
    const reading = await scrape(service);
    return check(reading) ? reading : undefined;
  }, description, timeoutMs);
}

describe('observability', () => {
  let database: Client;

  beforeAll(async () => {
    database = new Client({ connectionString: process.env['E2E_DATABASE_URL'] });
    await database.connect();
  });

  afterAll(async () => {
    await database.end();
  });

  it('serves /metrics on every service, with the process metrics and per-route HTTP metrics that move', async () => {
    for (const service of SERVICES) {
      const before = await scrape(service);
      expect(before.declares('process_cpu_user_seconds_total')).toBe(true);
      expect(before.declares('nodejs_heap_size_used_bytes')).toBe(true);
      const healthz = { method: 'GET', route: '/healthz', code: '200' };
      const count = before.value('imagestreams_http_requests_total', healthz);
      expect((await fetch(`${serviceUrl(service)}/healthz`)).status).toBe(200);
      const after = await scrape(service);
      expect(after.value('imagestreams_http_requests_total', healthz)).toBe(count + 1);
      expect(after.value('imagestreams_http_request_duration_seconds_count', healthz)).toBe(count + 1);
      // The scrape itself is counted too, under its route.
      expect(after.value('imagestreams_http_requests_total', { route: '/metrics', code: '200' })).toBeGreaterThan(0);
    }
  });

  it('counts a mapping POST by route template, its NATS request by subject and outcome, and the owner\'s handling by subject', async () => {
    const namespace = await createTestNamespace('metrics-http');
    const posted = { method: 'POST', route: MAPPINGS_ROUTE, code: '201' };
    const mappingOk = { subject: 'imagestreams.req.image.imagestreammapping.create.v1', outcome: 'ok' };
    const streamMissing = { subject: 'imagestreams.req.image.imagestream.get.v1', outcome: 'rejected' };
    const before = await scrape('registry-gateway');
    const ownerBefore = await scrape('stream-service');
    const publishedBefore = ownerBefore.value('imagestreams_outbox_published_events_total');

    expect(await postMapping(namespace, mapping('web', 'latest', randomDigest()))).toBe(201);
    expect((await api('GET', `${IMAGE_API}/namespaces/${namespace}/imagestreams/missing`)).status).toBe(404);

    const after = await scrape('registry-gateway');
    expect(after.value('imagestreams_http_requests_total', posted)).toBe(before.value('imagestreams_http_requests_total', posted) + 1);
    expect(after.value('imagestreams_http_request_duration_seconds_count', posted)).toBe(before.value('imagestreams_http_request_duration_seconds_count', posted) + 1);
    expect(after.value('imagestreams_http_request_duration_seconds_sum', posted)).toBeGreaterThan(before.value('imagestreams_http_request_duration_seconds_sum', posted));
    // Labels carry the route template, never the namespace or name from the path.
    expect(after.text).not.toContain(namespace);
    expect(after.value('imagestreams_nats_request_duration_seconds_count', mappingOk)).toBe(before.value('imagestreams_nats_request_duration_seconds_count', mappingOk) + 1);
    expect(after.value('imagestreams_nats_request_duration_seconds_count', streamMissing)).toBe(before.value('imagestreams_nats_request_duration_seconds_count', streamMissing) + 1);
    // The owner timed its side of the same two requests.
    const ownerAfter = await scrape('stream-service');
    for (const subject of [mappingOk.subject, streamMissing.subject]) {
      expect(ownerAfter.value('imagestreams_nats_request_handling_seconds_count', { subject })).toBe(ownerBefore.value('imagestreams_nats_request_handling_seconds_count', { subject }) + 1);
    }
    // The mapping's tag.changed and imagestream.created left stream-service's outbox.
    await scrapeUntil('stream-service', (reading) => reading.value('imagestreams_outbox_published_events_total') >= publishedBefore + 2, 'the relay to publish the two events');
  });

  it('reports the outbox backlog and the age of its oldest row, and both fall back once it is published', async () => {
    for (const service of ['stream-service', 'importer', 'template-service'] as const) {
      const reading = await scrape(service);
      expect(reading.declares('imagestreams_outbox_unpublished_events')).toBe(true);
      expect(reading.declares('imagestreams_outbox_oldest_unpublished_age_seconds')).toBe(true);
    }
    // template-service's outbox carries no events yet, so a row on a subject no stream takes
    // (JetStream refuses it) stays unpublished for as long as the test keeps it there.
    const id = `00000000-0000-4000-8000-${hex(6)}`;
    const before = await scrape('template-service');
    expect(before.value('imagestreams_outbox_unpublished_events')).toBe(0);
    expect(before.value('imagestreams_outbox_oldest_unpublished_age_seconds')).toBe(0);
    await database.query('INSERT INTO template.outbox (id, subject, payload) VALUES ($1, $2, $3)', [id, `imagestreams.e2e.unrouted.${hex(4)}`, '{}']);
    try {
      const stuck = await scrapeUntil(
        'template-service',
        (reading) => reading.value('imagestreams_outbox_unpublished_events') === 1 && reading.value('imagestreams_outbox_oldest_unpublished_age_seconds') >= 1,
        'the backlog to hold one row older than a second',
      );
      expect(stuck.value('imagestreams_outbox_oldest_unpublished_age_seconds')).toBeLessThan(60);
    } finally {
      await database.query('DELETE FROM template.outbox WHERE id = $1', [id]);
    }
    const drained = await scrape('template-service');
    expect(drained.value('imagestreams_outbox_unpublished_events')).toBe(0);
    expect(drained.value('imagestreams_outbox_oldest_unpublished_age_seconds')).toBe(0);
  });

  it("reports each durable consumer's lag, which grows while a handler is busy and falls when it is done", async () => {
    for (const [service, durable] of [
      ['registry-gateway', 'registry-gateway--image-events'],
      ['importer', 'importer--import-specs'],
      ['trigger-dispatcher', 'trigger-dispatcher--image-events'],
    ] as const) {
      const reading = await scrapeUntil(service, (candidate) => candidate.matching('imagestreams_jetstream_consumer_lag_messages', { durable }).length === 1, `${service}'s lag`);
      expect(reading.matching('imagestreams_jetstream_consumer_ack_pending_messages', { stream: 'IMAGE_EVENTS', durable })).toHaveLength(1);
    }
    const importer = { stream: 'IMAGE_EVENTS', durable: 'importer--import-specs' };
    await scrapeUntil('importer', (reading) => reading.value('imagestreams_jetstream_consumer_lag_messages', importer) === 0, 'the importer to have caught up');

    // A registry that holds every request: the importer's handler of the stream's importspec.changed
    // waits for it, so the event stays delivered and unacknowledged.
    const held: ServerResponse[] = [];
    let releasing = false;
    const answer = (response: ServerResponse) => response.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"gone"}]}');
    const registry: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
      request.resume();
      if (releasing) answer(response);
      else held.push(response);
    });
    await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
    try {
      const namespace = await createTestNamespace('metrics-lag');
      const created = await api('POST', `${IMAGE_API}/namespaces/${namespace}/imagestreams`, {
        metadata: { name: 'held' },
        spec: { tags: [{ name: 'v1', from: { kind: 'DockerImage', name: `127.0.0.1:${(registry.address() as AddressInfo).port}/held/app:v1` }, importPolicy: { insecure: true } }] },
      });
      expect(created.status).toBe(201);
      // Once the registry holds a request, the handler is stuck in it and its event unacknowledged.
      await eventually(async () => (held.length > 0 ? true : undefined), 'the importer to ask the held registry');
      const busy = await scrape('importer');
      expect(busy.value('imagestreams_jetstream_consumer_ack_pending_messages', importer)).toBeGreaterThanOrEqual(1);
      expect(busy.value('imagestreams_jetstream_consumer_lag_messages', importer)).toBeGreaterThanOrEqual(1);
      releasing = true;
      held.splice(0).forEach(answer);
      await scrapeUntil('importer', (reading) => reading.value('imagestreams_jetstream_consumer_lag_messages', importer) === 0, 'the lag to fall back to 0');
    } finally {
      releasing = true;
      held.splice(0).forEach(answer);
      registry.closeAllConnections();
      await new Promise<void>((resolve) => registry.close(() => resolve()));
    }
  });

  it('counts webhook outcomes (succeeded, retry, dead, disabled), the commit-to-delivery latency and the event age at each stage', async () => {
    const receivers = {
      ok: new WebhookReceiver(() => ({ status: 204 })),
      flaky: new WebhookReceiver((_request, index) => ({ status: index === 0 ? 503 : 204 })),
      dead: new WebhookReceiver(() => ({ status: 500 })),
      gone: new WebhookReceiver(() => ({ status: 410 })),
    };
    try {
      const namespace = await createTestNamespace('metrics-webhooks');
      const retry = { maxAttempts: 3, initialBackoffSeconds: 0.2, maxBackoffSeconds: 0.5 };
      await createSubscription(namespace, 'ok', { url: await receivers.ok.start(), events: ['tag.changed'] });
      await createSubscription(namespace, 'flaky', { url: await receivers.flaky.start(), events: ['tag.changed'], retry });
      await createSubscription(namespace, 'dead', { url: await receivers.dead.start(), events: ['tag.changed'], retry: { ...retry, maxAttempts: 1 } });
      await createSubscription(namespace, 'gone', { url: await receivers.gone.start(), events: ['tag.changed'], retry });
      const before = await scrape('trigger-dispatcher');
      const outcomes = (reading: Scrape) => ['succeeded', 'retry', 'dead', 'disabled'].map((outcome) => reading.value('imagestreams_webhook_delivery_outcomes_total', { outcome }));
      const [succeeded, retried, dead, disabled] = outcomes(before);

      expect(await postMapping(namespace, mapping('web', 'latest', randomDigest()))).toBe(201);
      await Promise.all([receivers.ok.waitForCount(1), receivers.flaky.waitForCount(2), receivers.dead.waitForCount(1), receivers.gone.waitForCount(1)]);

      const after = await scrapeUntil(
        'trigger-dispatcher',
        (reading) => {
          const [s, r, d, g] = outcomes(reading);
          return s >= succeeded + 2 && r >= retried + 1 && d >= dead + 1 && g >= disabled + 1;
        },
        'two successes, a retry, a dead letter and a disabled subscription',
      );
      expect(outcomes(after)).toEqual([succeeded + 2, retried + 1, dead + 1, disabled + 1]);
      const latencyCount = after.value('imagestreams_webhook_delivery_latency_seconds_count');
      expect(latencyCount).toBe(before.value('imagestreams_webhook_delivery_latency_seconds_count') + 2);
      const latencySum = after.value('imagestreams_webhook_delivery_latency_seconds_sum') - before.value('imagestreams_webhook_delivery_latency_seconds_sum');
      // Two deliveries, one of them after a retry: more than nothing, far less than the test's own time.
      expect(latencySum).toBeGreaterThan(0);
      expect(latencySum).toBeLessThan(30);
      expect(after.value('imagestreams_webhook_delivery_latency_seconds_bucket', { le: '+Inf' })).toBe(latencyCount);

      // The event's age at each stage before the first attempt: other suites' events count too, so
      // at least this one more per stage; and no event is planned that was not received first.
      const age = (reading: Scrape, stage: string, sample = 'count') => reading.value(`imagestreams_webhook_event_age_seconds_${sample}`, { stage });
      for (const stage of ['received', 'planned']) {
        expect(age(after, stage)).toBeGreaterThanOrEqual(age(before, stage) + 1);
        expect(after.value('imagestreams_webhook_event_age_seconds_bucket', { stage, le: '+Inf' })).toBe(age(after, stage));
        expect(age(after, stage, 'sum')).toBeGreaterThan(age(before, stage, 'sum'));
      }
      expect(age(after, 'planned')).toBeLessThanOrEqual(age(after, 'received'));
    } finally {
      await Promise.all(Object.values(receivers).map((receiver) => receiver.stop()));
    }
  });

  it('counts import outcomes by reason and reports how late the oldest due scheduled tag is', async () => {
    const namespace = await createTestNamespace('metrics-imports');
    const upstream = await createTestNamespace('metrics-upstream');
    await createGatewayPullSecret(namespace);
    const registry = new URL(gatewayUrl()).host;
    await pushImage(gatewayEndpoint(), `${upstream}/app`, 'v1', buildImage({ layers: 1, layerSize: 256 }));
    const success = { result: 'success' };
    const notFound = { result: 'failure', reason: 'NotFound' };
    const before = await scrape('importer');
    const imported = await api<{ status: { images: { status: { status: string } }[] } }>('POST', `${IMAGE_API}/namespaces/${namespace}/imagestreamimports`, {
      metadata: { name: 'mirror' },
      spec: {
        import: false,
        images: [
          { from: { kind: 'DockerImage', name: `${registry}/${upstream}/app:v1` }, to: { name: 'v1' }, importPolicy: { insecure: true } },
          { from: { kind: 'DockerImage', name: `${registry}/${upstream}/app:nope` }, to: { name: 'nope' }, importPolicy: { insecure: true } },
        ],
      },
    });
    expect(imported.status).toBe(201);
    expect(imported.body.status.images.map((image) => image.status.status)).toEqual(['Success', 'Failure']);
    const after = await scrape('importer');
    expect(after.value('imagestreams_image_imports_total', success)).toBe(before.value('imagestreams_image_imports_total', success) + 1);
    expect(after.value('imagestreams_image_imports_total', notFound)).toBe(before.value('imagestreams_image_imports_total', notFound) + 1);

    // A scheduled tag due an hour ago, leased by nobody alive (so no scheduler takes it meanwhile).
    const baseline = await scrape('importer');
    expect(baseline.value('imagestreams_import_schedule_lag_seconds')).toBeLessThan(600);
    const key = [namespace, 'late', 'v1'];
    await database.query(
      `INSERT INTO importer.scheduled_tags (namespace, stream, tag, source, next_check_at, lease_owner, lease_until)
       VALUES ($1, $2, $3, $4, clock_timestamp() - interval '1 hour', 'e2e-nobody', clock_timestamp() + interval '10 minutes')`,
      [...key, `${registry}/${upstream}/app:v1`],
    );
    try {
      const late = await scrape('importer');
      expect(late.value('imagestreams_import_schedule_lag_seconds')).toBeGreaterThanOrEqual(3600);
      expect(late.value('imagestreams_import_schedule_lag_seconds')).toBeLessThan(3700);
      expect(late.value('imagestreams_import_schedule_due_tags')).toBeGreaterThanOrEqual(baseline.value('imagestreams_import_schedule_due_tags') + 1);
    } finally {
      await database.query('DELETE FROM importer.scheduled_tags WHERE namespace = $1 AND stream = $2 AND tag = $3', key);
    }
    expect((await scrape('importer')).value('imagestreams_import_schedule_lag_seconds')).toBeLessThan(600);
  });

  it("counts the registry's bytes in (blob uploads, manifests) and out (blob and manifest downloads)", async () => {
    const namespace = await createTestNamespace('metrics-registry');
    const repository = `${namespace}/app`;
    const image = buildImage({ layers: 1, layerSize: 2048 });
    const [layer] = image.layers;
    const value = (reading: Scrape, name: string, kind: string) => reading.value(name, { kind });
    const before = await scrape('registry-gateway');

    const { authorization } = authHeaders();
    await pushBlob(gatewayUrl(), repository, layer.bytes, authorization);
    await pushBlob(gatewayUrl(), repository, image.configBytes, authorization);
    await pushManifest(gatewayUrl(), repository, 'v1', image.manifest.mediaType, image.manifestBytes, authorization);
    const pushed = await scrape('registry-gateway');
    expect(value(pushed, 'imagestreams_registry_received_bytes_total', 'blob') - value(before, 'imagestreams_registry_received_bytes_total', 'blob')).toBe(layer.bytes.length + image.configBytes.length);
    expect(value(pushed, 'imagestreams_registry_received_bytes_total', 'manifest') - value(before, 'imagestreams_registry_received_bytes_total', 'manifest')).toBe(image.manifestBytes.length);

    const blob = await fetch(`${gatewayUrl()}/v2/${repository}/blobs/${layer.digest}`, { headers: authHeaders() });
    expect(Buffer.from(await blob.arrayBuffer()).equals(layer.bytes)).toBe(true);
    const ranged = await fetch(`${gatewayUrl()}/v2/${repository}/blobs/${layer.digest}`, { headers: { ...authHeaders(), range: 'bytes=0-99' } });
    expect((await ranged.arrayBuffer()).byteLength).toBe(100);
    const manifest = await fetch(`${gatewayUrl()}/v2/${repository}/manifests/v1`, { headers: { ...authHeaders(), accept: image.manifest.mediaType } });
    expect(Buffer.from(await manifest.arrayBuffer()).equals(image.manifestBytes)).toBe(true);
    // HEAD sends no body and counts nothing.
    expect((await fetch(`${gatewayUrl()}/v2/${repository}/blobs/${layer.digest}`, { method: 'HEAD', headers: authHeaders() })).status).toBe(200);

    const pulled = await scrape('registry-gateway');
    expect(value(pulled, 'imagestreams_registry_sent_bytes_total', 'blob') - value(pushed, 'imagestreams_registry_sent_bytes_total', 'blob')).toBe(layer.bytes.length + 100);
    expect(value(pulled, 'imagestreams_registry_sent_bytes_total', 'manifest') - value(pushed, 'imagestreams_registry_sent_bytes_total', 'manifest')).toBe(image.manifestBytes.length);
    // Registry requests are labelled by the router's templates too.
    expect(pulled.value('imagestreams_http_requests_total', { method: 'GET', route: '/v2/:namespace/:stream/blobs/:digest', code: '206' })).toBeGreaterThanOrEqual(1);
  });

  it('carries the traceparent of a mapping POST to the webhooks it causes, retries included', async () => {
    const receiver = new WebhookReceiver((_request, index) => ({ status: index === 0 ? 503 : 204 }));
    try {
      const namespace = await createTestNamespace('tracing');
      await createSubscription(namespace, 'traced', { url: await receiver.start(), events: ['tag.changed'], retry: { maxAttempts: 3, initialBackoffSeconds: 0.2, maxBackoffSeconds: 0.5 } });
      const traceId = hex(16);
      const callerSpanId = hex(8);
      expect(await postMapping(namespace, mapping('web', 'latest', randomDigest()), { traceparent: `00-${traceId}-${callerSpanId}-01` })).toBe(201);

      const [first, retry] = await receiver.waitForCount(2);
      for (const request of [first, retry]) {
        const traceparent = String(request.headers['traceparent']);
        expect(traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
        // Each attempt is a span of its own within the trace.
        expect(traceparent).not.toContain(callerSpanId);
        // The event itself carries its producer's context (CloudEvents distributed-tracing extension).
        expect((JSON.parse(request.body) as { traceparent?: string }).traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
      }
      expect(first.headers['traceparent']).not.toBe(retry.headers['traceparent']);
      expect(first.headers['webhook-id']).toBe(retry.headers['webhook-id']);
    } finally {
      await receiver.stop();
    }
  });

  it('starts a trace for a request that brings none, so the webhook still has one', async () => {
    const receiver = new WebhookReceiver(() => ({ status: 204 }));
    try {
      const namespace = await createTestNamespace('tracing-new');
      await createSubscription(namespace, 'traced', { url: await receiver.start(), events: ['tag.changed'] });
      expect(await postMapping(namespace, mapping('web', 'latest', randomDigest()))).toBe(201);
      const [request] = await receiver.waitForCount(1);
      const traceparent = String(request.headers['traceparent']);
      expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect((JSON.parse(request.body) as { traceparent: string }).traceparent.slice(0, 35)).toBe(traceparent.slice(0, 35));
    } finally {
      await receiver.stop();
    }
  });
});
