import type { CloudEvent } from '@imagestreams/contracts';
import type { EntityManager } from 'typeorm';

export interface OutboxEntry {
  subject: string;
  event: CloudEvent;
}

/**
 * Appends events inside the caller's transaction: they commit (and later publish) together with
 * the business change, or not at all.
 */
export async function appendToOutbox(manager: EntityManager, entries: OutboxEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const values: unknown[] = [];
  const rows = entries.map((entry, index) => {
    values.push(entry.event.id, entry.subject, JSON.stringify(entry.event));
    return `($${index * 3 + 1}, $${index * 3 + 2}, $${index * 3 + 3})`;
  });
  await manager.query(`INSERT INTO outbox (id, subject, payload) VALUES ${rows.join(', ')}`, values);
}
