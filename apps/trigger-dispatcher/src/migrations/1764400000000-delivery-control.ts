import { OUTBOX_TABLE_V1_SQL } from '@imagestreams/platform-messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the delivery system needs beyond "send until it works": secret rotation, failure streaks,
 * per-tag ordering (a newer move supersedes a pending older one: state `skipped`), a per-target
 * concurrency key, and an outbox for the events the dispatcher itself publishes.
 */
export class DeliveryControl1764400000000 implements MigrationInterface {
  name = 'DeliveryControl1764400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      ALTER TABLE webhook_subscriptions
        ADD COLUMN previous_signing_secret text,
        ADD COLUMN previous_secret_expires_at timestamptz,
        ADD COLUMN consecutive_failures int NOT NULL DEFAULT 0,
        ADD COLUMN status_changed_at timestamptz NOT NULL DEFAULT now();

      ALTER TABLE deliveries
        ADD COLUMN ordering_key text,
        ADD COLUMN ordering_seq bigint,
        ADD COLUMN target text NOT NULL DEFAULT '',
        DROP CONSTRAINT deliveries_state_check,
        ADD CONSTRAINT deliveries_state_check CHECK (state IN ('pending', 'succeeded', 'dead', 'skipped'));
      CREATE INDEX deliveries_ordering ON deliveries (subscription_uid, ordering_key, ordering_seq) WHERE ordering_key IS NOT NULL;
      CREATE INDEX deliveries_by_subscription ON deliveries (subscription_uid, created_at DESC);
      CREATE INDEX deliveries_by_event ON deliveries (event_id);
    `);
    await runner.query(OUTBOX_TABLE_V1_SQL);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`
      DROP TABLE outbox;
      DROP INDEX deliveries_ordering, deliveries_by_subscription, deliveries_by_event;
      DELETE FROM deliveries WHERE state = 'skipped';
      ALTER TABLE deliveries DROP COLUMN ordering_key, DROP COLUMN ordering_seq, DROP COLUMN target,
        DROP CONSTRAINT deliveries_state_check,
        ADD CONSTRAINT deliveries_state_check CHECK (state IN ('pending', 'succeeded', 'dead'));
      ALTER TABLE webhook_subscriptions DROP COLUMN previous_signing_secret, DROP COLUMN previous_secret_expires_at,
        DROP COLUMN consecutive_failures, DROP COLUMN status_changed_at;
    `);
  }
}
