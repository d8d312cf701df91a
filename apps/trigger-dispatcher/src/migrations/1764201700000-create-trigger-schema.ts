import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTriggerSchema1764201700000 implements MigrationInterface {
  name = 'CreateTriggerSchema1764201700000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE SEQUENCE resource_version_seq;

      CREATE TABLE webhook_subscriptions (
        uid uuid PRIMARY KEY,
        namespace text NOT NULL,
        name text NOT NULL,
        labels jsonb NOT NULL DEFAULT '{}',
        spec jsonb NOT NULL,
        signing_secret text NOT NULL,
        disabled_reason text,
        resource_version bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (namespace, name)
      );

      -- One row per (subscription, event): the unique key makes event handling idempotent, and the
      -- row is the delivery's state machine (pending -> succeeded | dead) plus its lease.
      CREATE TABLE deliveries (
        id uuid PRIMARY KEY,
        subscription_uid uuid NOT NULL REFERENCES webhook_subscriptions (uid) ON DELETE CASCADE,
        event_id uuid NOT NULL,
        event_type text NOT NULL,
        event_subject text,
        payload text NOT NULL,
        state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'succeeded', 'dead')),
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        leased_until timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        UNIQUE (subscription_uid, event_id)
      );
      CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE state = 'pending';

      CREATE TABLE delivery_attempts (
        id bigserial PRIMARY KEY,
        delivery_id uuid NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
        attempted_at timestamptz NOT NULL,
        status_code int,
        latency_ms int NOT NULL,
        error text,
        response_snippet text
      );
      CREATE INDEX delivery_attempts_by_delivery ON delivery_attempts (delivery_id, id);
    `);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE delivery_attempts, deliveries, webhook_subscriptions; DROP SEQUENCE resource_version_seq');
  }
}
