/** What a delivery needs from its event besides the bytes: when it was committed and its trace context. */
export interface EventTraceFields {
  /** The CloudEvents `time` in epoch milliseconds; NaN when missing or malformed. */
  timeMs: number;
  traceparent?: string;
  tracestate?: string;
}

/** Reads `time`, `traceparent` and `tracestate` from the stored event bytes (one small JSON.parse per attempt). */
export function eventTraceFields(payload: string): EventTraceFields {
  try {
    const event = JSON.parse(payload) as Record<string, unknown>;
    return {
      timeMs: typeof event['time'] === 'string' ? Date.parse(event['time']) : Number.NaN,
      ...(typeof event['traceparent'] === 'string' ? { traceparent: event['traceparent'] } : {}),
      ...(typeof event['tracestate'] === 'string' ? { tracestate: event['tracestate'] } : {}),
    };
  } catch {
    return { timeMs: Number.NaN };
  }
}
