/** What a delivery needs from its event besides the bytes: when it was committed and its trace context. */
export interface EventTraceFields {
  /** The CloudEvents `time` in epoch milliseconds; NaN when missing or malformed. */
  timeMs: number;
  traceparent?: string;
  tracestate?: string;
}

/** A CloudEvents `time` in epoch milliseconds: when the event was committed; NaN when missing or malformed. */
export function eventTimeMs(time: unknown): number {
  return typeof time === 'string' ? Date.parse(time) : Number.NaN;
}

/** Reads `time`, `traceparent` and `tracestate` from the stored event bytes (one small JSON.parse per attempt). */
export function eventTraceFields(payload: string): EventTraceFields {
  try {
    const event = JSON.parse(payload) as Record<string, unknown>;
    return {
      timeMs: eventTimeMs(event['time']),
      ...(typeof event['traceparent'] === 'string' ? { traceparent: event['traceparent'] } : {}),
      ...(typeof event['tracestate'] === 'string' ? { tracestate: event['tracestate'] } : {}),
    };
  } catch {
    return { timeMs: Number.NaN };
  }
}

/** Events whose fields are kept: every delivery of a burst of events finds its event here. */
const KEPT_EVENTS = 4_096;

/**
 * eventTraceFields, read once per event rather than once per delivery: an event matched by ten
 * subscriptions is ten deliveries of the same bytes. Keyed by event id (the bytes of an event never
 * change); forgets everything when full.
 */
export class EventTraceCache {
  private readonly fields = new Map<string, EventTraceFields>();

  of(eventId: string, payload: string): EventTraceFields {
    let fields = this.fields.get(eventId);
    if (!fields) {
      fields = eventTraceFields(payload);
      if (this.fields.size >= KEPT_EVENTS) this.fields.clear();
      this.fields.set(eventId, fields);
    }
    return fields;
  }
}
