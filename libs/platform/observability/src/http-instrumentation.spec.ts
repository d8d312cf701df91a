import { Body, Controller, Get, type INestApplication, Param, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import express from 'express';
import request from 'supertest';
import { instrumentHttp } from './http-instrumentation';
import { metricsRegistry } from './metrics/metric-registry';
import { MetricsModule } from './metrics/metrics.module';
import { startTracing, traceLogFields } from './tracing/tracing';

// Spans are recorded only when something exports them: an exporter aimed at a closed local port.
process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] ??= 'http://127.0.0.1:9';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

@Controller('things')
class ThingsController {
  @Get()
  list() {
    return [];
  }

  /** What a handler sees after the JSON body was parsed and after an await: the request's span and its log fields. */
  @Post(':id')
  async create(@Param('id') id: string, @Body() body: { name: string }) {
    await new Promise((resolve) => setImmediate(resolve));
    const outgoing: Record<string, string> = {};
    propagation.inject(context.active(), outgoing);
    return { id, name: body.name, log: traceLogFields(), traceparent: outgoing['traceparent'] };
  }
}

async function sampleValue(text: string, series: string): Promise<number> {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('HTTP metrics and trace context', () => {
  let app: INestApplication;

  beforeAll(async () => {
    startTracing({ serviceName: 'observability-spec', sdkDisabled: false, exportSpans: true });
    const module = await Test.createTestingModule({ imports: [MetricsModule.forService()], controllers: [ThingsController] }).compile();
    app = module.createNestApplication({ logger: false });
    instrumentHttp(app);
    // Mounted like the gateway's /v2 router: a plain Express router the route template must see through.
    const router = express.Router();
    router.get('/:namespace/:stream/blobs/:digest', (_request, response) => void response.status(200).end('blob'));
    router.use((_request, response) => void response.status(404).end());
    app.use('/v2', router);
    await app.init();
  });

  afterAll(async () => {
    await app.close();
  });

  it('serves the registry in Prometheus text format, with the process metrics', async () => {
    const response = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain;/);
    expect(response.headers['content-type']).toContain('version=0.0.4');
    expect(response.text).toContain('process_cpu_user_seconds_total');
    expect(response.text).toContain('nodejs_eventloop_lag_seconds');
  });

  it('counts requests and their latency by route template and status code, never by raw path', async () => {
    const server = app.getHttpServer();
    await request(server).post('/things/a').send({ name: 'x' }).expect(201);
    await request(server).post('/things/b').send({ name: 'y' }).expect(201);
    await request(server).get('/v2/team/web/blobs/sha256:abc').expect(200);
    await request(server).get('/v2/nothing').expect(404);
    await request(server).get('/no/such/path').expect(404);
    await request(server).get('/things?watch=true&resourceVersion=1').expect(200);
    await request(server).get('/things?watch=false').expect(200);

    const text = await metricsRegistry.metrics();
    expect(await sampleValue(text, 'imagestreams_http_requests_total{method="POST",route="/things/:id",code="201"}')).toBe(2);
    expect(await sampleValue(text, 'imagestreams_http_request_duration_seconds_count{method="POST",route="/things/:id",code="201"}')).toBe(2);
    expect(await sampleValue(text, 'imagestreams_http_requests_total{method="GET",route="/v2/:namespace/:stream/blobs/:digest",code="200"}')).toBe(1);
    expect(await sampleValue(text, 'imagestreams_http_requests_total{method="GET",route="/v2/*",code="404"}')).toBe(1);
    expect(await sampleValue(text, 'imagestreams_http_requests_total{method="GET",route="unmatched",code="404"}')).toBe(1);
    expect(text).not.toContain('/things/a');
    // A watch is its own verb (Kubernetes' convention), so its long streams stay out of GET's latencies.
    expect(await sampleValue(text, 'imagestreams_http_requests_total{method="WATCH",route="/things",code="200"}')).toBe(1);
    expect(await sampleValue(text, 'imagestreams_http_requests_total{method="GET",route="/things",code="200"}')).toBe(1);
  });

  it("continues the caller's traceparent through body parsing and awaits, and puts its ids in log fields", async () => {
    const response = await request(app.getHttpServer()).post('/things/c').set('traceparent', TRACEPARENT).send({ name: 'z' }).expect(201);
    const body = response.body as { log: { trace_id?: string; span_id?: string }; traceparent: string };
    expect(body.log.trace_id).toBe(TRACE_ID);
    expect(body.log.span_id).toMatch(/^[0-9a-f]{16}$/);
    // The server span is the caller's child: same trace, a span id of its own.
    expect(body.traceparent).toBe(`00-${TRACE_ID}-${body.log.span_id}-01`);
    expect(body.log.span_id).not.toBe('00f067aa0ba902b7');
  });

  it('starts a trace for a request that brings none', async () => {
    const response = await request(app.getHttpServer()).post('/things/d').send({ name: 'w' }).expect(201);
    expect((response.body as { log: { trace_id?: string } }).log.trace_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('has no log fields outside a span', () => {
    expect(context.with(ROOT_CONTEXT, () => traceLogFields())).toEqual({});
    expect(trace.getSpan(ROOT_CONTEXT)).toBeUndefined();
  });
});
