import type { CloudEvent } from '@imagestreams/contracts';
import type { EntityManager } from 'typeorm';
import { traceExtension } from '../telemetry/trace-context';

export interface OutboxEntry {
  subject: string;
  event: CloudEvent;
}

/** An outbox row as it is stored: the event serialized once, trace context included. */
export interface OutboxRow {
  id: string;
  subject: string;
  payload: string;
}

/**
 * The rows for `entries`. Each event gets the active span's W3C trace context as its
 * `traceparent` extension attribute (unless it carries one already), so the trace continues in
 * every consumer and webhook, however much later they run.
 */
export function outboxRows(entries: OutboxEntry[]): OutboxRow[] {
  const trace = traceExtension();
  return entries.map((entry) => {
    const event = trace.traceparent && !entry.event.traceparent ? { ...entry.event, ...trace } : entry.event;
    return { id: entry.event.id, subject: entry.subject, payload: JSON.stringify(event) };
  });
}

/**
 * Appends events inside the caller's transaction: they commit (and later publish) together with
 * the business change, or not at all.
 */
export async function appendToOutbox(manager: EntityManager, entries: OutboxEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const values: unknown[] = [];
  const rows = outboxRows(entries).map((row, index) => {
    values.push(row.id, row.subject, row.payload);
    return `($${index * 3 + 1}, $${index * 3 + 2}, $${index * 3 + 3})`;
  });
  await manager.query(`INSERT INTO outbox (id, subject, payload) VALUES ${rows.join(', ')}`, values);
}
