import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { startTracing, tracer } from './tracing';

/** OTEL_SDK_DISABLED=true: no SDK, yet a caller's traceparent still flows through unchanged. */
describe('tracing with the SDK disabled and OTEL_PROPAGATORS=tracecontext', () => {
  beforeAll(() => startTracing({ serviceName: 'disabled-spec', sdkDisabled: true, exportSpans: false, propagateWithoutExport: true }));

  it("passes an incoming traceparent on as it came (spans are no-ops that keep the caller's context)", () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const parent = propagation.extract(ROOT_CONTEXT, { traceparent });
    const span = tracer().startSpan('server', {}, parent);
    const outgoing: Record<string, string> = {};
    context.with(trace.setSpan(parent, span), async () => propagation.inject(context.active(), outgoing));
    expect(outgoing['traceparent']).toBe(traceparent);
    expect(span.isRecording()).toBe(false);
  });

  it('starts nothing without one', () => {
    const outgoing: Record<string, string> = {};
    const span = tracer().startSpan('server', {}, ROOT_CONTEXT);
    propagation.inject(trace.setSpan(ROOT_CONTEXT, span), outgoing);
    expect(outgoing).toEqual({});
  });
});
