import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stored Templates. `body` is the template as sent, serialized JSON without the server-set
 * metadata (uid, resourceVersion, creationTimestamp): text rather than jsonb, because jsonb
 * reorders keys and a template's objects should come back as they were written. `labels` is the
 * template's `metadata.labels`, kept apart as jsonb so lists can select on it.
 */
export class CreateTemplates1764500000000 implements MigrationInterface {
  name = 'CreateTemplates1764500000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE SEQUENCE resource_version_seq;

      CREATE TABLE templates (
        uid uuid PRIMARY KEY,
        namespace text NOT NULL,
        name text NOT NULL,
        labels jsonb NOT NULL DEFAULT '{}',
        body text NOT NULL,
        resource_version bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (namespace, name)
      );
    `);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE templates; DROP SEQUENCE resource_version_seq');
  }
}
