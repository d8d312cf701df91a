import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The samples operator's Config (`samples.operator.openshift.io/v1`, the singleton `cluster`):
 * one row, created at start-up when missing. `spec` and `status` are jsonb (small, rewritten
 * whole); `resource_version` comes from the schema's `resource_version_seq`, like templates'.
 */
export class CreateSamplesConfig1764700000000 implements MigrationInterface {
  name = 'CreateSamplesConfig1764700000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE samples_configs (
        name text PRIMARY KEY,
        uid uuid NOT NULL,
        labels jsonb NOT NULL DEFAULT '{}',
        annotations jsonb NOT NULL DEFAULT '{}',
        spec jsonb NOT NULL,
        status jsonb NOT NULL DEFAULT '{"conditions": []}',
        generation bigint NOT NULL DEFAULT 1,
        resource_version bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
    `);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE samples_configs');
  }
}
