import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which template or template instance changed at which resourceVersion, so
 * `?watch=true&resourceVersion=N` can resume. One log for both kinds (`kind`), since they share the
 * schema's `resource_version_seq`. Objects are not copied for ADDED/MODIFIED (a watch serves each
 * changed object's current state); a DELETED entry keeps the deleted row (`last_row`), as the object
 * is gone by the time a watcher reads the log and Kubernetes answers a delete with its last state.
 * Rows are pruned after a retention period; `watch_log_horizon` is the highest resourceVersion
 * pruned so far, before which a watch has missed changes (410 Expired).
 */
export class TemplateWatchLog1764800300000 implements MigrationInterface {
  name = 'TemplateWatchLog1764800300000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE watch_log (
        resource_version bigint PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('Template', 'TemplateInstance')),
        namespace text NOT NULL,
        name text NOT NULL,
        uid uuid NOT NULL,
        type text NOT NULL CHECK (type IN ('ADDED', 'MODIFIED', 'DELETED')),
        labels jsonb NOT NULL DEFAULT '{}',
        last_row jsonb,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      );
      CREATE INDEX watch_log_by_kind ON watch_log (kind, resource_version);
      CREATE INDEX watch_log_by_namespace ON watch_log (kind, namespace, resource_version);
      CREATE INDEX watch_log_created_at ON watch_log (created_at);

      CREATE TABLE watch_log_horizon (singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton), resource_version bigint NOT NULL);
      -- Changes made before this log existed were never recorded: resuming from before them is expired too.
      INSERT INTO watch_log_horizon (resource_version) SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM resource_version_seq;
    `);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE watch_log, watch_log_horizon');
  }
}
