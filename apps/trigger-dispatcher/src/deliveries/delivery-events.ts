import type { EntityManager } from 'typeorm';

/**
 * An event's bytes are stored once (`delivery_events`), however many subscriptions receive it; see
 * the DeliveryEventPayloads migration for why and for the locking rules both functions here follow.
 */

/**
 * Stores the events, or locks those already stored (DO UPDATE locks even when it updates nothing),
 * in event order. Call it after inserting their deliveries, in the same transaction.
 */
export async function storeEvents(manager: EntityManager, events: { eventId: string; payload: string }[]): Promise<void> {
  await manager.query(
    `INSERT INTO delivery_events (event_id, payload)
     SELECT DISTINCT ON (event_id) event_id, payload FROM unnest($1::uuid[], $2::text[]) AS e (event_id, payload) ORDER BY event_id
     ON CONFLICT (event_id) DO UPDATE SET payload = delivery_events.payload WHERE false`,
    [events.map((event) => event.eventId), events.map((event) => event.payload)],
  );
}

/**
 * Deletes the webhook subscriptions `where` selects (SQL over `s`, with `params`), their deliveries
 * and attempts (by cascade), and the stored events no remaining delivery needs. Run it inside a
 * transaction; returns the deleted subscriptions' uids.
 *
 * Each step is its own statement, so each sees what committed before it started:
 * 1. the subscriptions are locked: planning a delivery for one of them now waits (its foreign key),
 *    so the events read next are all their deliveries will ever have;
 * 2. their events are read, 3. the subscriptions deleted;
 * 4. the events no delivery needs any more are deleted (`deleteUnusedEvents`).
 */
export async function deleteSubscriptionsWhere(manager: EntityManager, where: string, params: unknown[]): Promise<string[]> {
  const locked: { uid: string }[] = await manager.query(`SELECT uid FROM webhook_subscriptions s WHERE ${where} ORDER BY uid FOR UPDATE`, params);
  if (locked.length === 0) return [];
  const uids = locked.map((row) => row.uid);
  const [{ events }]: { events: string[] }[] = await manager.query(
    `SELECT coalesce(array_agg(DISTINCT event_id), '{}') AS events FROM deliveries WHERE subscription_uid = ANY($1::uuid[])`,
    [uids],
  );
  await manager.query('DELETE FROM webhook_subscriptions WHERE uid = ANY($1::uuid[])', [uids]);
  await deleteUnusedEvents(manager, events);
  return uids;
}

/**
 * Deletes those of the stored events that no delivery needs any more, after their deliveries were
 * deleted in this transaction: each is locked first (a planner storing it again waits for this
 * transaction, or has committed), then looked for in a statement that sees every committed delivery.
 */
export async function deleteUnusedEvents(manager: EntityManager, eventIds: string[]): Promise<void> {
  if (eventIds.length === 0) return;
  await manager.query('SELECT 1 FROM delivery_events WHERE event_id = ANY($1::uuid[]) ORDER BY event_id FOR UPDATE', [eventIds]);
  await manager.query(
    `DELETE FROM delivery_events e WHERE e.event_id = ANY($1::uuid[])
       AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.event_id)`,
    [eventIds],
  );
}
