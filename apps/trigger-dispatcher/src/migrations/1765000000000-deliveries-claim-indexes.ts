import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The poller's claim walked one index of every pending delivery, and under a steady stream of
 * webhooks nearly all of those are leased to the replica sending them: each claim stepped over
 * thousands of leased rows (and their dead versions) to find nothing, 54 ms a call, 40 % of
 * Postgres's time at 2,000 webhooks/s. What a claim can take is now indexed on its own: unleased
 * pending rows by due time, and leased ones by lease expiry (a crashed replica's work). A leased
 * row is in neither of the claim's scans until its lease runs out.
 *
 * `deliveries_by_event` goes: every lookup by event also names the subscription, which the unique
 * (subscription_uid, event_id) index answers, and each index is one more entry to write per
 * insert and per state change.
 */
export class DeliveriesClaimIndexes1765000000000 implements MigrationInterface {
  name = 'DeliveriesClaimIndexes1765000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE INDEX deliveries_unleased_due ON deliveries (next_attempt_at) WHERE state = 'pending' AND leased_until IS NULL;
      CREATE INDEX deliveries_leases ON deliveries (leased_until) WHERE state = 'pending' AND leased_until IS NOT NULL;
      DROP INDEX deliveries_due, deliveries_by_event;
    `);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE state = 'pending';
      CREATE INDEX deliveries_by_event ON deliveries (event_id);
      DROP INDEX deliveries_unleased_due, deliveries_leases;
    `);
  }
}
