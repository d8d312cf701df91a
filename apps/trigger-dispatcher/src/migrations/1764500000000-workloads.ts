import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Objects with image triggers (BuildConfigs, DeploymentConfigs, annotated workloads), the tags each
 * watches (so a tag move finds its dependents with one index lookup), and Build records.
 */
export class Workloads1764500000000 implements MigrationInterface {
  name = 'Workloads1764500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE workloads (
        uid uuid PRIMARY KEY,
        namespace text NOT NULL,
        kind text NOT NULL,
        name text NOT NULL,
        body jsonb NOT NULL,
        resource_version bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (namespace, kind, name)
      );

      CREATE TABLE workload_watches (
        workload_uid uuid NOT NULL REFERENCES workloads (uid) ON DELETE CASCADE,
        namespace text NOT NULL,
        stream text NOT NULL,
        tag text NOT NULL,
        PRIMARY KEY (workload_uid, namespace, stream, tag)
      );
      CREATE INDEX workload_watches_by_tag ON workload_watches (namespace, stream, tag);

      CREATE TABLE builds (
        uid uuid PRIMARY KEY,
        namespace text NOT NULL,
        name text NOT NULL,
        build_config text NOT NULL,
        body jsonb NOT NULL,
        resource_version bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (namespace, name)
      );
    `);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE builds, workload_watches, workloads');
  }
}
