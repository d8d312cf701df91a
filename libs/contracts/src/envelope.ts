import { randomUUID } from 'node:crypto';

/**
 * CloudEvents 1.0 structured-mode JSON. The same bytes travel on JetStream and in webhook bodies,
 * so a receiver can verify the Standard Webhooks signature over exactly what was published.
 * A published `type` is frozen: adding optional `data` fields is fine; anything else is a new `.vN`.
 */
export interface CloudEvent<TData = unknown> {
  specversion: '1.0';
  /** UUID; equals the outbox row id, the `Nats-Msg-Id` header and the `webhook-id` header. */
  id: string;
  type: string;
  source: string;
  subject?: string;
  time: string;
  datacontenttype: 'application/json';
  data: TData;
  /**
   * CloudEvents distributed-tracing extension: the W3C trace context of the request that produced
   * the event (stamped by the outbox writer), continued by consumers and sent on with webhooks.
   * Optional: events without it are valid, and a malformed value is ignored, never rejected.
   */
  traceparent?: string;
  tracestate?: string;
}

export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';
export const EVENT_TYPE_PREFIX = 'io.imagestreams.';

export function createCloudEvent<TData>(input: {
  type: string;
  source: string;
  subject?: string;
  data: TData;
  id?: string;
  time?: Date;
}): CloudEvent<TData> {
  return {
    specversion: '1.0',
    id: input.id ?? randomUUID(),
    type: input.type,
    source: input.source,
    ...(input.subject === undefined ? {} : { subject: input.subject }),
    time: (input.time ?? new Date()).toISOString(),
    datacontenttype: 'application/json',
    data: input.data,
  };
}

/** Structural check of the envelope itself; `data` is validated against the event's payload class. */
export function envelopeProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['envelope must be a JSON object'];
  const event = value as Record<string, unknown>;
  const problems: string[] = [];
  if (event['specversion'] !== '1.0') problems.push('specversion must be "1.0"');
  for (const field of ['id', 'type', 'source', 'time'] as const) {
    if (typeof event[field] !== 'string' || (event[field] as string).length === 0) problems.push(`${field} is required`);
  }
  if (typeof event['time'] === 'string' && Number.isNaN(Date.parse(event['time']))) problems.push('time must be RFC 3339');
  if (typeof event['data'] !== 'object' || event['data'] === null) problems.push('data must be an object');
  return problems;
}
