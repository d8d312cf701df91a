import type { MigrationInterface, QueryRunner } from 'typeorm';
import { PlanDeliveriesFunction1765100000000 } from './1765100000000-plan-deliveries-function';

/**
 * Every delivery row carried its event's whole CloudEvent (about 1 KB): ten subscriptions, ten
 * copies, and every state change (leased, succeeded, retry) wrote the whole row again. An event's
 * bytes are now one `delivery_events` row, and a delivery row is a fifth of the size: measured on
 * the 2-core machine, inserting and then settling 22,500 deliveries wrote 36 MB of WAL instead of
 * 76 MB and took about 30 % less time in Postgres.
 *
 * The unique key turns around to (event_id, subscription_uid): ON CONFLICT names the same columns in
 * either order, and the new order also answers "does any delivery still need this event?", which
 * deleting a subscription asks of each of its events (see `deleteSubscriptionsWhere`).
 *
 * No foreign key from deliveries to delivery_events: its check would lock the event row once per
 * delivery. Writers store (or lock) the event in the transaction that inserts its deliveries, and
 * removal locks the event row before it looks for deliveries still needing it (see
 * `deleteSubscriptionsWhere`), so a delivery never outlives its event.
 *
 * plan_deliveries() keeps its arguments: a replica of the previous release planning during a rolling
 * deploy calls the new body and sends from memory; only its poller fails (no payload column) until it
 * is replaced, and what it leased comes back to the new replicas when the lease runs out.
 */
/** plan_deliveries() as this migration leaves it; the next one's `down` puts it back. */
export const PLAN_DELIVERIES_STORING_EVENTS_ONCE = `
      CREATE OR REPLACE FUNCTION plan_deliveries(
        in_event_ids uuid[], in_event_types text[], in_event_subjects text[], in_payloads text[], in_ordering_keys text[], in_ordering_seqs bigint[],
        in_delivery_ids uuid[], in_subscription_uids uuid[], in_event_idxs int[], in_lease_ms bigint[], in_targets text[], in_queued_behind boolean[])
      RETURNS TABLE (planned_id uuid, planned_lease text)
      LANGUAGE plpgsql VOLATILE AS $body$
      BEGIN
        -- PlanDeliveriesFunction1765100000000's body (its comments say why each step is there),
        -- except that the payload is stored once per event, last.
        PERFORM pg_advisory_xact_lock(hashtextextended(keys.k, 0))
        FROM (
          SELECT DISTINCT d.subscription_uid::text || '|' || e.ordering_key AS k
          FROM unnest(in_subscription_uids, in_event_idxs) AS d (subscription_uid, event_idx)
          JOIN unnest(in_ordering_keys) WITH ORDINALITY AS e (ordering_key, idx) ON e.idx = d.event_idx
          WHERE e.ordering_key IS NOT NULL
          ORDER BY 1
        ) keys;

        UPDATE deliveries o SET state = 'skipped', leased_until = NULL
        FROM unnest(in_subscription_uids, in_event_idxs) AS d (subscription_uid, event_idx)
        JOIN unnest(in_ordering_keys, in_ordering_seqs) WITH ORDINALITY AS e (ordering_key, ordering_seq, idx) ON e.idx = d.event_idx
        WHERE e.ordering_key IS NOT NULL AND o.subscription_uid = d.subscription_uid AND o.ordering_key = e.ordering_key
          AND o.ordering_seq < e.ordering_seq AND o.state = 'pending' AND o.attempts > 0
          AND (o.leased_until IS NULL OR o.leased_until < clock_timestamp());

        RETURN QUERY
        WITH event AS (
          SELECT * FROM unnest(in_event_ids, in_event_types, in_event_subjects, in_ordering_keys, in_ordering_seqs)
            WITH ORDINALITY AS e (event_id, event_type, event_subject, ordering_key, ordering_seq, idx)
        ), input AS (
          SELECT d.id, d.subscription_uid, event.event_id, event.event_type, event.event_subject, d.lease_ms, d.target,
            event.ordering_key, event.ordering_seq, d.queued_behind
          FROM unnest(in_delivery_ids, in_subscription_uids, in_event_idxs, in_lease_ms, in_targets, in_queued_behind)
            AS d (id, subscription_uid, event_idx, lease_ms, target, queued_behind)
          JOIN event ON event.idx = d.event_idx
        ), decided AS (
          SELECT input.*,
            EXISTS (
              SELECT 1 FROM deliveries n WHERE n.subscription_uid = input.subscription_uid AND n.ordering_key = input.ordering_key
                AND n.ordering_seq > input.ordering_seq AND n.state <> 'skipped') AS stale,
            EXISTS (
              SELECT 1 FROM deliveries o WHERE o.subscription_uid = input.subscription_uid AND o.ordering_key = input.ordering_key
                AND o.ordering_seq < input.ordering_seq AND o.state = 'pending') OR input.queued_behind AS blocked
          FROM input
        )
        INSERT INTO deliveries AS inserted (id, subscription_uid, event_id, event_type, event_subject, target, ordering_key, ordering_seq, state, leased_until)
        SELECT decided.id, decided.subscription_uid, decided.event_id, decided.event_type, decided.event_subject, decided.target,
          decided.ordering_key, decided.ordering_seq,
          CASE WHEN decided.stale THEN 'skipped' ELSE 'pending' END,
          CASE WHEN decided.stale OR decided.blocked OR decided.lease_ms IS NULL THEN NULL ELSE clock_timestamp() + decided.lease_ms * interval '1 millisecond' END
        FROM decided
        ON CONFLICT (subscription_uid, event_id) DO NOTHING
        RETURNING inserted.id, inserted.leased_until::text;

        -- The event's bytes, once; an event already stored is locked instead (DO UPDATE locks even
        -- when it updates nothing). After the deliveries, whose foreign keys wait for a subscription
        -- being deleted: waiting for that while holding an event row the deletion wants would be a
        -- deadlock. A deletion that removes the event as unused either waits for this transaction and
        -- then sees its deliveries, or commits first, and this INSERT stores the event again.
        INSERT INTO delivery_events (event_id, payload)
        SELECT e.event_id, e.payload FROM unnest(in_event_ids, in_payloads) AS e (event_id, payload) ORDER BY e.event_id
        ON CONFLICT (event_id) DO UPDATE SET payload = delivery_events.payload WHERE false;
      END
      $body$;
    `;

export class DeliveryEventPayloads1765200000000 implements MigrationInterface {
  name = 'DeliveryEventPayloads1765200000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE delivery_events (event_id uuid PRIMARY KEY, payload text NOT NULL);
      INSERT INTO delivery_events (event_id, payload)
        SELECT DISTINCT ON (event_id) event_id, payload FROM deliveries ORDER BY event_id, created_at;
      ALTER TABLE deliveries DROP COLUMN payload,
        DROP CONSTRAINT deliveries_subscription_uid_event_id_key,
        ADD CONSTRAINT deliveries_event_subscription_key UNIQUE (event_id, subscription_uid);
    `);
    await runner.query(PLAN_DELIVERIES_STORING_EVENTS_ONCE);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE deliveries ADD COLUMN payload text,
        DROP CONSTRAINT deliveries_event_subscription_key,
        ADD CONSTRAINT deliveries_subscription_uid_event_id_key UNIQUE (subscription_uid, event_id);
      UPDATE deliveries d SET payload = e.payload FROM delivery_events e WHERE e.event_id = d.event_id;
      DELETE FROM deliveries WHERE payload IS NULL;
      ALTER TABLE deliveries ALTER COLUMN payload SET NOT NULL;
      DROP TABLE delivery_events;
      DROP FUNCTION plan_deliveries(uuid[], text[], text[], text[], text[], bigint[], uuid[], uuid[], int[], bigint[], text[], boolean[]);
    `);
    await new PlanDeliveriesFunction1765100000000().up(runner);
  }
}
