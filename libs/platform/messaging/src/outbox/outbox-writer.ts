import type { CloudEvent } from '@imagestreams/contracts';
import type { EntityManager } from 'typeorm';
import { traceExtension } from '../telemetry/trace-context';

export interface OutboxEntry {
  subject: string;
  event: CloudEvent;
}

/**
 * Appends events inside the caller's transaction: they commit (and later publish) together with
 * the business change, or not at all. Each event gets the active span's W3C trace context as its
 * `traceparent` extension attribute (unless it carries one already), so the trace continues in
 * every consumer and webhook, however much later they run.
 */
export async function appendToOutbox(manager: EntityManager, entries: OutboxEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const trace = traceExtension();
  const values: unknown[] = [];
  const rows = entries.map((entry, index) => {
    const event = trace.traceparent && !entry.event.traceparent ? { ...entry.event, ...trace } : entry.event;
    values.push(entry.event.id, entry.subject, JSON.stringify(event));
    return `($${index * 3 + 1}, $${index * 3 + 2}, $${index * 3 + 3})`;
  });
  await manager.query(`INSERT INTO outbox (id, subject, payload) VALUES ${rows.join(', ')}`, values);
}
