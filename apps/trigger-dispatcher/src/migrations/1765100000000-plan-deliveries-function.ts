import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Planning an event's deliveries took five round trips in a row (BEGIN, the per-tag advisory locks,
 * superseding older retries, the INSERT, COMMIT), each one waiting its turn in a busy Postgres
 * before the first webhook could go out. As one function it is a single statement: one round trip,
 * its own transaction. Each statement inside a VOLATILE function takes a fresh snapshot (READ
 * COMMITTED), so the INSERT still sees what other replicas committed while this one waited for the
 * locks, exactly as the separate statements did.
 *
 * Arguments: the events (parallel arrays, one entry per event) and their deliveries (parallel
 * arrays, `event_idxs` being 1-based positions in the event arrays). Returns the inserted
 * deliveries with their lease as text (null: recorded unleased, or skipped); a delivery that already
 * existed (an event seen twice) is not returned.
 */
export class PlanDeliveriesFunction1765100000000 implements MigrationInterface {
  name = 'PlanDeliveriesFunction1765100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE FUNCTION plan_deliveries(
        in_event_ids uuid[], in_event_types text[], in_event_subjects text[], in_payloads text[], in_ordering_keys text[], in_ordering_seqs bigint[],
        in_delivery_ids uuid[], in_subscription_uids uuid[], in_event_idxs int[], in_lease_ms bigint[], in_targets text[], in_queued_behind boolean[])
      RETURNS TABLE (planned_id uuid, planned_lease text)
      LANGUAGE plpgsql VOLATILE AS $body$
      BEGIN
        -- Replicas planning moves of one tag for one subscription take turns: the keys are locked in
        -- sorted order (text, as the statements this replaces did, so old and new replicas agree
        -- during a rolling deploy), held until this statement's transaction ends.
        PERFORM pg_advisory_xact_lock(hashtextextended(keys.k, 0))
        FROM (
          SELECT DISTINCT d.subscription_uid::text || '|' || e.ordering_key AS k
          FROM unnest(in_subscription_uids, in_event_idxs) AS d (subscription_uid, event_idx)
          JOIN unnest(in_ordering_keys) WITH ORDINALITY AS e (ordering_key, idx) ON e.idx = d.event_idx
          WHERE e.ordering_key IS NOT NULL
          ORDER BY 1
        ) keys;

        -- A newer move supersedes an older one of its tag that already failed and waits for a retry,
        -- instead of queueing behind a receiver's outage.
        UPDATE deliveries o SET state = 'skipped', leased_until = NULL
        FROM unnest(in_subscription_uids, in_event_idxs) AS d (subscription_uid, event_idx)
        JOIN unnest(in_ordering_keys, in_ordering_seqs) WITH ORDINALITY AS e (ordering_key, ordering_seq, idx) ON e.idx = d.event_idx
        WHERE e.ordering_key IS NOT NULL AND o.subscription_uid = d.subscription_uid AND o.ordering_key = e.ordering_key
          AND o.ordering_seq < e.ordering_seq AND o.state = 'pending' AND o.attempts > 0
          AND (o.leased_until IS NULL OR o.leased_until < clock_timestamp());

        RETURN QUERY
        WITH event AS (
          SELECT * FROM unnest(in_event_ids, in_event_types, in_event_subjects, in_payloads, in_ordering_keys, in_ordering_seqs)
            WITH ORDINALITY AS e (event_id, event_type, event_subject, payload, ordering_key, ordering_seq, idx)
        ), input AS (
          SELECT d.id, d.subscription_uid, event.event_id, event.event_type, event.event_subject, event.payload, d.lease_ms, d.target,
            event.ordering_key, event.ordering_seq, d.queued_behind
          FROM unnest(in_delivery_ids, in_subscription_uids, in_event_idxs, in_lease_ms, in_targets, in_queued_behind)
            AS d (id, subscription_uid, event_idx, lease_ms, target, queued_behind)
          JOIN event ON event.idx = d.event_idx
        ), decided AS (
          SELECT input.*,
            -- A newer move of the tag is already recorded: this one is never sent.
            EXISTS (
              SELECT 1 FROM deliveries n WHERE n.subscription_uid = input.subscription_uid AND n.ordering_key = input.ordering_key
                AND n.ordering_seq > input.ordering_seq AND n.state <> 'skipped') AS stale,
            -- An older move is still pending (or older in this batch): this one waits, unleased.
            EXISTS (
              SELECT 1 FROM deliveries o WHERE o.subscription_uid = input.subscription_uid AND o.ordering_key = input.ordering_key
                AND o.ordering_seq < input.ordering_seq AND o.state = 'pending') OR input.queued_behind AS blocked
          FROM input
        )
        INSERT INTO deliveries AS inserted (id, subscription_uid, event_id, event_type, event_subject, payload, target, ordering_key, ordering_seq, state, leased_until)
        SELECT decided.id, decided.subscription_uid, decided.event_id, decided.event_type, decided.event_subject, decided.payload, decided.target,
          decided.ordering_key, decided.ordering_seq,
          CASE WHEN decided.stale THEN 'skipped' ELSE 'pending' END,
          CASE WHEN decided.stale OR decided.blocked OR decided.lease_ms IS NULL THEN NULL ELSE clock_timestamp() + decided.lease_ms * interval '1 millisecond' END
        FROM decided
        ON CONFLICT (subscription_uid, event_id) DO NOTHING
        RETURNING inserted.id, inserted.leased_until::text;
      END
      $body$;
    `);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP FUNCTION plan_deliveries(uuid[], text[], text[], text[], text[], bigint[], uuid[], uuid[], int[], bigint[], text[], boolean[])`);
  }
}
