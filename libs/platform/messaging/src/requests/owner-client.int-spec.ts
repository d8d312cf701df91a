import { Controller, type INestMicroservice } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-node';
import { defineRequest, NamespacedNameRequest, Statuses, StatusError } from '@imagestreams/contracts';
import { testNatsUrl } from '@imagestreams/testing';
import { randomBytes } from 'node:crypto';
import { connect, type NatsConnection } from 'nats';
import { OnRequest } from './decorators';
import { NatsRequestServer } from './nats-request.server';
import { OwnerClient } from './owner-client';
import { messagingTracer } from '../telemetry/trace-context';

const prefix = `test.req.${randomBytes(4).toString('hex')}`;
const Echo = defineRequest<NamespacedNameRequest, { greeting: string }>(`${prefix}.echo`, NamespacedNameRequest);
const Missing = defineRequest<NamespacedNameRequest, never>(`${prefix}.missing`, NamespacedNameRequest);
const Big = defineRequest<NamespacedNameRequest, { items: string[] }>(`${prefix}.big`, NamespacedNameRequest);
const Huge = defineRequest<NamespacedNameRequest, { noise: string }>(`${prefix}.huge`, NamespacedNameRequest);
const Unserved = defineRequest<NamespacedNameRequest, never>(`${prefix}.unserved`, NamespacedNameRequest);
const WhoAmI = defineRequest<NamespacedNameRequest, { traceId?: string; parentSpanId?: string }>(`${prefix}.whoami`, NamespacedNameRequest);

@Controller()
class EchoRequests {
  @OnRequest(Echo)
  echo(@Payload() query: NamespacedNameRequest) {
    return { greeting: `hello ${query.namespace}/${query.name}` };
  }

  /** About 1.5 MB of JSON that compresses well: over NATS's 1 MiB default unless deflated. */
  @OnRequest(Big)
  big() {
    return { items: Array.from({ length: 20_000 }, (_, i) => `namespaces/team-a/imagestreams/web:${i % 100}@sha256:${'ab'.repeat(32)}`) };
  }

  /** 2 MB of incompressible noise: too big for NATS even deflated. */
  @OnRequest(Huge)
  huge() {
    return { noise: randomBytes(1_500_000).toString('base64') };
  }

  /** The trace the handler runs in, after an await (the context must survive it). */
  @OnRequest(WhoAmI)
  async whoAmI() {
    await new Promise((resolve) => setImmediate(resolve));
    const span = trace.getSpan(context.active()) as (ReturnType<typeof trace.getSpan> & { parentSpanContext?: { spanId: string } }) | undefined;
    return { traceId: span?.spanContext().traceId, parentSpanId: span?.parentSpanContext?.spanId };
  }

  @OnRequest(Missing)
  missing(@Payload() query: NamespacedNameRequest): never {
    throw new StatusError(Statuses.notFound({ resource: 'things', group: 'example.io', kind: 'Thing' }, query.name));
  }
}

describe('OwnerClient against Nest request handlers (real NATS)', () => {
  let connection: NatsConnection;
  let server: INestMicroservice;
  let client: OwnerClient;

  beforeAll(async () => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(new BasicTracerProvider());
    connection = await connect({ servers: testNatsUrl() });
    const module = await Test.createTestingModule({ controllers: [EchoRequests] }).compile();
    server = module.createNestMicroservice({ strategy: new NatsRequestServer(connection, 'owner-client-test') });
    await server.listen();
    client = new OwnerClient(connection, 500);
  });

  afterAll(async () => {
    await server.close();
    await connection.drain();
  });

  it('returns the handler reply', async () => {
    await expect(client.request(Echo, { namespace: 'team-a', name: 'web' })).resolves.toEqual({ greeting: 'hello team-a/web' });
  });

  it("runs the handler in a span continuing the caller's trace (traceparent in the NATS headers)", async () => {
    const caller = messagingTracer().startSpan('caller');
    const seen = await context.with(trace.setSpan(ROOT_CONTEXT, caller), () => client.request(WhoAmI, { namespace: 'a', name: 'b' }));
    caller.end();
    expect(seen.traceId).toBe(caller.spanContext().traceId);
    // Below the request's CLIENT span, which is below the caller's.
    expect(seen.parentSpanId).toMatch(/^[0-9a-f]{16}$/);
    expect(seen.parentSpanId).not.toBe(caller.spanContext().spanId);
  });

  it('passes the owner Status through unchanged', async () => {
    await expect(client.request(Missing, { namespace: 'team-a', name: 'gone' })).rejects.toMatchObject({
      status: { kind: 'Status', reason: 'NotFound', code: 404, message: 'things.example.io "gone" not found' },
    });
  });

  it('answers 400 with causes when the owner rejects the payload', async () => {
    const error = await client.request(Echo, { namespace: 'team-a' } as NamespacedNameRequest).catch((e: StatusError) => e);
    expect(error).toBeInstanceOf(StatusError);
    expect((error as StatusError).status).toMatchObject({ code: 400, reason: 'BadRequest' });
    expect((error as StatusError).status.details?.causes?.map((cause) => cause.field)).toEqual(['name']);
  });

  it('carries a reply larger than NATS max_payload when it compresses', async () => {
    const reply = await client.request(Big, { namespace: 'a', name: 'b' });
    expect(reply.items).toHaveLength(20_000);
    expect(JSON.stringify(reply).length).toBeGreaterThan(1024 * 1024);
  });

  it('answers 413 for a reply too large even deflated, and the server keeps serving', async () => {
    const error = (await client.request(Huge, { namespace: 'a', name: 'b' }).catch((e: StatusError) => e)) as StatusError;
    expect(error.status).toMatchObject({ code: 413, reason: 'RequestEntityTooLarge' });
    await expect(client.request(Echo, { namespace: 'still', name: 'alive' })).resolves.toEqual({ greeting: 'hello still/alive' });
  });

  it('answers 503 at once when nobody serves the subject', async () => {
    const started = Date.now();
    const error = (await client.request(Unserved, { namespace: 'a', name: 'b' }).catch((e: StatusError) => e)) as StatusError;
    expect(error.status).toMatchObject({ code: 503, reason: 'ServiceUnavailable' });
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('answers 504 when the owner does not reply in time', async () => {
    const silent = connection.subscribe(`${prefix}.silent`);
    try {
      const Silent = defineRequest<NamespacedNameRequest, never>(`${prefix}.silent`, NamespacedNameRequest);
      const error = (await client.request(Silent, { namespace: 'a', name: 'b' }).catch((e: StatusError) => e)) as StatusError;
      expect(error.status).toMatchObject({ code: 504, reason: 'Timeout' });
    } finally {
      silent.unsubscribe();
    }
  });
});
