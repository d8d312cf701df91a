import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which stream changed at which resourceVersion, so `?watch=true&resourceVersion=N` can resume.
 * Objects are not copied here (a push to a big stream would copy thousands of history rows); the
 * watch serves each changed stream's current state. Rows are pruned after a retention period.
 */
export class WatchLog1764202100000 implements MigrationInterface {
  name = 'WatchLog1764202100000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE watch_log (
        resource_version bigint PRIMARY KEY,
        namespace text NOT NULL,
        name text NOT NULL,
        uid uuid NOT NULL,
        type text NOT NULL CHECK (type IN ('ADDED', 'MODIFIED', 'DELETED')),
        labels jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      );
      CREATE INDEX watch_log_by_namespace ON watch_log (namespace, resource_version);
      CREATE INDEX watch_log_created_at ON watch_log (created_at);

      -- Highest resourceVersion pruned so far: a watch resuming from before it has missed changes (410).
      CREATE TABLE watch_log_horizon (singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton), resource_version bigint NOT NULL);
      INSERT INTO watch_log_horizon (resource_version) VALUES (0);
    `);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE watch_log, watch_log_horizon');
  }
}
