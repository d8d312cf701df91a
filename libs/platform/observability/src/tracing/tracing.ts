import { context, isSpanContextValid, propagation, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-node';

/** The instrumentation scope of every span the platform creates. */
export const TRACER_NAME = 'imagestreams';

export function tracer(): Tracer {
  return trace.getTracer(TRACER_NAME);
}

export interface TracingOptions {
  serviceName: string;
  /** `OTEL_SDK_DISABLED=true`: no SDK; an incoming `traceparent` is still passed on unchanged. */
  sdkDisabled: boolean;
  /** An OTLP endpoint is configured (`OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT`): spans are exported. */
  exportSpans: boolean;
  /** `OTEL_PROPAGATORS=tracecontext`: carry a caller's `traceparent` even when nothing is exported. */
  propagateWithoutExport?: boolean;
}

interface TracingState {
  provider?: BasicTracerProvider;
  exporting: boolean;
}

let state: TracingState | undefined;

/**
 * With spans exported (or `OTEL_PROPAGATORS=tracecontext`) an AsyncLocalStorage context manager
 * and the W3C Trace Context propagator are registered with the OpenTelemetry API, so `traceparent`
 * flows HTTP → NATS request → outbox event → JetStream consumer → webhook. Otherwise nothing is
 * registered and tracing costs nothing.
 *
 * The SDK's tracer provider is registered only when spans are exported (an OTLP endpoint is set,
 * and not `OTEL_SDK_DISABLED`): then every hop gets its own span id and a request that arrives
 * without `traceparent` starts a trace. Without an exporter an incoming `traceparent` is passed on
 * unchanged (and logged), and nothing else is created: measured, recording spans nobody collects
 * cost a third of the tag-move throughput and tripled the p99 of a 1.3 MB stream GET.
 * The exporter itself (OTLP over HTTP) reads the standard `OTEL_EXPORTER_OTLP_*` variables
 * (endpoint, headers, timeout); the sampler follows `OTEL_TRACES_SAMPLER` (default parent-based always-on).
 *
 * Idempotent: the first call in a process wins (several apps in one test process share it).
 */
export function startTracing(options: TracingOptions): void {
  if (state) return;
  const exporting = options.exportSpans && !options.sdkDisabled;
  // Carrying a context across every await (AsyncLocalStorage) costs about a fifth of the tag-move
  // throughput on 2 cores: only when spans are exported or propagation is asked for.
  if (!exporting && !options.propagateWithoutExport) {
    state = { exporting: false };
    return;
  }
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  if (!exporting) {
    state = { exporting: false };
    return;
  }
  const provider = new BasicTracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ 'service.name': options.serviceName })),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  trace.setGlobalTracerProvider(provider);
  state = { provider, exporting: true };
}

/**
 * How long a shutdown waits for buffered spans to reach the collector. One that is up answers in
 * milliseconds; one that is down would hold the exporter in its retries for ~8 s (measured), longer
 * than the whole shutdown may take.
 */
export const SHUTDOWN_FLUSH_TIMEOUT_MS = 2_000;

/**
 * Sends spans still buffered; a no-op when nothing exports. Rejects with the reason when they
 * could not be sent within `withinMs` (the exporter rejects with no reason at all for a refused connection).
 */
export async function flushTracing(withinMs = SHUTDOWN_FLUSH_TIMEOUT_MS): Promise<void> {
  const provider = state?.exporting ? state.provider : undefined;
  if (!provider) return;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the collector did not take them within ${withinMs} ms`)), withinMs);
  });
  try {
    await Promise.race([provider.forceFlush().catch((error: unknown) => Promise.reject(new Error(`the exporter failed: ${error instanceof Error ? error.message : String(error ?? 'no reason given')}`))), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** The last step of a shutdown: spans that cannot be sent are a warning, never a failed or stalled shutdown. */
export async function flushTracingAtShutdown(warn: (message: string) => void, withinMs = SHUTDOWN_FLUSH_TIMEOUT_MS): Promise<void> {
  try {
    await flushTracing(withinMs);
  } catch (error) {
    warn(`spans still buffered at shutdown were not exported: ${(error as Error).message}`);
  }
}

/**
 * `trace_id`/`span_id` of the active span for log lines (pino's `mixin`); nothing outside a span.
 * Always a fresh object: pino merges the line's own fields into it.
 */
export function traceLogFields(): Record<string, string> {
  const spanContext = trace.getSpan(context.active())?.spanContext();
  if (!spanContext || !isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}
