import { context, isSpanContextValid, propagation, ROOT_CONTEXT, trace, type Context, type TextMapGetter, type TextMapSetter, type Tracer } from '@opentelemetry/api';
import { headers as natsHeaders, type MsgHdrs } from 'nats';

/**
 * W3C Trace Context across NATS: `traceparent`/`tracestate` as NATS message headers on requests,
 * and as the CloudEvents distributed-tracing extension attributes of events (so the context is
 * committed with the outbox row and survives the relay, JetStream and any redelivery).
 * Everything goes through the OpenTelemetry API's global propagator (W3C, registered at start by
 * the observability lib); without one nothing is injected and extraction yields the root context.
 */

/** The same instrumentation scope as the observability lib's spans. */
export function messagingTracer(): Tracer {
  return trace.getTracer('imagestreams');
}

const natsSetter: TextMapSetter<MsgHdrs> = {
  set: (carrier, key, value) => carrier.set(key, value),
};

const natsGetter: TextMapGetter<MsgHdrs | undefined> = {
  keys: (carrier) => (carrier ? carrier.keys() : []),
  get: (carrier, key) => (carrier?.has(key) ? carrier.get(key) : undefined),
};

function hasTrace(ctx: Context): boolean {
  const spanContext = trace.getSpanContext(ctx);
  return spanContext !== undefined && isSpanContextValid(spanContext);
}

/** NATS headers carrying `ctx` (the caller's span); undefined when there is nothing to carry. */
export function traceHeaders(ctx: Context = context.active()): MsgHdrs | undefined {
  if (!hasTrace(ctx)) return undefined;
  const headers = natsHeaders();
  propagation.inject(ctx, headers, natsSetter);
  return headers.has('traceparent') ? headers : undefined;
}

/** The caller's context from a NATS message's headers; the root context when it sent none. */
export function contextFromHeaders(headers: MsgHdrs | undefined): Context {
  if (!headers?.has('traceparent')) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, headers, natsGetter);
}

/** The CloudEvents distributed-tracing extension attributes. */
export interface TraceExtension {
  traceparent?: string;
  tracestate?: string;
}

const recordSetter: TextMapSetter<TraceExtension> = {
  set: (carrier, key, value) => {
    if (key === 'traceparent' || key === 'tracestate') carrier[key] = value;
  },
};

const recordGetter: TextMapGetter<TraceExtension> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => (key === 'traceparent' || key === 'tracestate' ? carrier[key] : undefined),
};

/** `traceparent` (and a non-empty `tracestate`) of the active span, for an event produced now. */
export function traceExtension(ctx: Context = context.active()): TraceExtension {
  const extension: TraceExtension = {};
  if (hasTrace(ctx)) propagation.inject(ctx, extension, recordSetter);
  if (extension.tracestate === '') delete extension.tracestate;
  return extension;
}

/** The producer's context from an event's extension attributes; the root context without them. */
export function contextFromExtension(event: TraceExtension): Context {
  if (typeof event.traceparent !== 'string') return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { traceparent: event.traceparent, ...(typeof event.tracestate === 'string' ? { tracestate: event.tracestate } : {}) }, recordGetter);
}
