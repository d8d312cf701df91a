import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-node';
import { StatusError, Statuses, defineRequest, NamespacedNameRequest } from '@imagestreams/contracts';
import { ErrorCode, headers as natsHeaders, NatsError, type Msg, type MsgHdrs, type NatsConnection, type RequestOptions } from 'nats';
import { register } from 'prom-client';
import { encodeReply } from '../requests/reply-codec';
import { OwnerClient } from '../requests/owner-client';
import { contextFromExtension, contextFromHeaders, messagingTracer, traceExtension, traceHeaders } from './trace-context';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_SPAN}-01`;

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(new BasicTracerProvider());
});

afterAll(() => {
  trace.disable();
  propagation.disable();
  context.disable();
});

/** The context a caller's `traceparent` header gives, as a server would see it. */
function incoming(traceparent = TRACEPARENT): MsgHdrs {
  const headers = natsHeaders();
  headers.set('traceparent', traceparent);
  return headers;
}

describe('W3C trace context in NATS headers', () => {
  it('injects the active span as traceparent and extracts the same trace on the other side', () => {
    const span = messagingTracer().startSpan('client', {}, contextFromHeaders(incoming()));
    const headers = traceHeaders(trace.setSpan(ROOT_CONTEXT, span));
    span.end();
    expect(headers?.get('traceparent')).toBe(`00-${TRACE_ID}-${span.spanContext().spanId}-01`);

    const remote = trace.getSpanContext(contextFromHeaders(headers));
    expect(remote).toMatchObject({ traceId: TRACE_ID, spanId: span.spanContext().spanId, isRemote: true });
  });

  it('adds no headers outside a span and reads no context from a message without them', () => {
    expect(traceHeaders(ROOT_CONTEXT)).toBeUndefined();
    expect(contextFromHeaders(undefined)).toBe(ROOT_CONTEXT);
    expect(contextFromHeaders(natsHeaders())).toBe(ROOT_CONTEXT);
  });

  it('ignores a malformed traceparent (a new trace starts instead of failing the request)', () => {
    expect(trace.getSpanContext(contextFromHeaders(incoming('00-not-a-trace-01')))).toBeUndefined();
  });

  it('carries the context as the CloudEvents traceparent extension attribute', () => {
    const span = messagingTracer().startSpan('producer', {}, contextFromHeaders(incoming()));
    const extension = context.with(trace.setSpan(ROOT_CONTEXT, span), () => traceExtension());
    span.end();
    expect(extension).toEqual({ traceparent: `00-${TRACE_ID}-${span.spanContext().spanId}-01` });
    expect(trace.getSpanContext(contextFromExtension(extension))).toMatchObject({ traceId: TRACE_ID, spanId: span.spanContext().spanId });
    expect(context.with(ROOT_CONTEXT, () => traceExtension())).toEqual({});
    expect(contextFromExtension({})).toBe(ROOT_CONTEXT);
  });
});

const Echo = defineRequest<NamespacedNameRequest, { ok: boolean }>('test.req.trace.echo', NamespacedNameRequest);

/** A NatsConnection that records each request's options and answers with the given reply or error. */
function fakeConnection(answer: () => Promise<unknown>): { connection: NatsConnection; sent: RequestOptions[] } {
  const sent: RequestOptions[] = [];
  const connection = {
    info: undefined,
    request: async (_subject: string, _data: string, options: RequestOptions): Promise<Msg> => {
      sent.push(options);
      const packet = await answer();
      return encodeReply(packet, Infinity) as unknown as Msg;
    },
  } as unknown as NatsConnection;
  return { connection, sent };
}

function observedCount(subject: string, outcome: string): Promise<number> {
  return (register.getSingleMetric('imagestreams_nats_request_duration_seconds')?.get() ?? Promise.resolve({ values: [] })).then(
    (metric) =>
      (metric.values as { metricName?: string; labels: Record<string, unknown>; value: number }[]).find(
        (value) => value.metricName === 'imagestreams_nats_request_duration_seconds_count' && value.labels['subject'] === subject && value.labels['outcome'] === outcome,
      )?.value ?? 0,
  );
}

describe('OwnerClient', () => {
  it("sends the caller's trace in the request headers, as a child span of the caller's", async () => {
    const { connection, sent } = fakeConnection(async () => ({ id: '1', response: { ok: true } }));
    const client = new OwnerClient(connection, 1_000);
    const caller = messagingTracer().startSpan('http request', {}, contextFromHeaders(incoming()));
    await context.with(trace.setSpan(ROOT_CONTEXT, caller), () => client.request(Echo, { namespace: 'a', name: 'b' }));
    caller.end();

    const sentContext = trace.getSpanContext(contextFromHeaders(sent[0].headers));
    expect(sentContext?.traceId).toBe(TRACE_ID);
    // The request's own CLIENT span, not the caller's: the owner's span hangs below it.
    expect(sentContext?.spanId).not.toBe(caller.spanContext().spanId);
    expect(sentContext?.spanId).not.toBe(PARENT_SPAN);
  });

  it('records latency per subject and outcome', async () => {
    const ok = fakeConnection(async () => ({ id: '1', response: { ok: true } }));
    const rejected = fakeConnection(async () => ({ id: '1', err: Statuses.notFound({ resource: 'things', group: 'example.io', kind: 'Thing' }, 'b') }));
    const noResponders = fakeConnection(async () => {
      throw NatsError.errorForCode(ErrorCode.NoResponders);
    });
    const timeout = fakeConnection(async () => {
      throw NatsError.errorForCode(ErrorCode.Timeout);
    });
    const before = await Promise.all(['ok', 'rejected', 'no_responders', 'timeout'].map((outcome) => observedCount(Echo.subject, outcome)));

    await new OwnerClient(ok.connection, 1_000).request(Echo, { namespace: 'a', name: 'b' });
    await expect(new OwnerClient(rejected.connection, 1_000).request(Echo, { namespace: 'a', name: 'b' })).rejects.toBeInstanceOf(StatusError);
    await expect(new OwnerClient(noResponders.connection, 1_000).request(Echo, { namespace: 'a', name: 'b' })).rejects.toMatchObject({ status: { code: 503 } });
    await expect(new OwnerClient(timeout.connection, 1_000).requestJson(Echo, { namespace: 'a', name: 'b' })).rejects.toMatchObject({ status: { code: 504 } });

    const after = await Promise.all(['ok', 'rejected', 'no_responders', 'timeout'].map((outcome) => observedCount(Echo.subject, outcome)));
    expect(after.map((count, index) => count - before[index])).toEqual([1, 1, 1, 1]);
  });
});
