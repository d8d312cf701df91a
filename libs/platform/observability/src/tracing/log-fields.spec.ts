import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import pino from 'pino';
import { startTracing, traceLogFields, tracer } from './tracing';

// Spans are recorded only when something exports them: an exporter aimed at a closed local port.
process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] ??= 'http://127.0.0.1:9';

/** The LoggingModule's pino settings: `mixin: traceLogFields`. */
function logger(): { log: pino.Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ mixin: traceLogFields, base: undefined }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, lines };
}

describe('trace ids in log lines', () => {
  beforeAll(() => startTracing({ serviceName: 'log-spec', sdkDisabled: false, exportSpans: true }));

  it('adds trace_id and span_id while a span is active', () => {
    const { log, lines } = logger();
    const span = tracer().startSpan('work');
    context.with(trace.setSpan(ROOT_CONTEXT, span), () => log.info({ context: 'Test' }, 'inside'));
    span.end();
    expect(lines[0]).toMatchObject({ msg: 'inside', context: 'Test', trace_id: span.spanContext().traceId, span_id: span.spanContext().spanId });
  });

  it('adds nothing outside a span, line after line (pino merges each line into what the mixin returns)', () => {
    const { log, lines } = logger();
    context.with(ROOT_CONTEXT, () => {
      log.warn({ context: 'A' }, 'first');
      log.warn({ other: 1 }, 'second');
    });
    expect(lines[0]).not.toHaveProperty('trace_id');
    expect(lines[1]).not.toHaveProperty('context');
    expect(lines[1]).toMatchObject({ msg: 'second', other: 1 });
  });
});
