import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scheduled tags (claimed by replicas with leases), the last applied import spec per stream (so an
 * older event never undoes a newer one), and registry credentials (encrypted).
 */
export class ImportSchedulesAndSecrets1764300100000 implements MigrationInterface {
  name = 'ImportSchedulesAndSecrets1764300100000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE scheduled_tags (
        namespace text NOT NULL,
        stream text NOT NULL,
        tag text NOT NULL,
        source text NOT NULL,
        insecure boolean NOT NULL DEFAULT false,
        import_mode text NOT NULL DEFAULT 'Legacy',
        prefer_arch text,
        prefer_os text,
        reference_policy text,
        next_check_at timestamptz NOT NULL,
        lease_owner text,
        lease_until timestamptz,
        last_digest text,
        last_checked_at timestamptz,
        PRIMARY KEY (namespace, stream, tag)
      );
      CREATE INDEX scheduled_tags_due ON scheduled_tags (next_check_at);
      CREATE INDEX scheduled_tags_by_source ON scheduled_tags (source);

      -- The cluster-wide scheduled-import budget: a token bucket every replica draws from.
      CREATE TABLE import_budget (
        id int PRIMARY KEY CHECK (id = 1),
        tokens double precision NOT NULL,
        updated_at timestamptz NOT NULL
      );
      -- Starts full: LEAST() caps it at the configured burst on first use.
      INSERT INTO import_budget (id, tokens, updated_at) VALUES (1, 1e9, now());

      CREATE TABLE import_spec_versions (
        namespace text NOT NULL,
        stream text NOT NULL,
        resource_version bigint NOT NULL,
        PRIMARY KEY (namespace, stream)
      );

      CREATE TABLE registry_secrets (
        namespace text NOT NULL,
        name text NOT NULL,
        uid uuid NOT NULL,
        type text NOT NULL,
        labels jsonb NOT NULL DEFAULT '{}',
        annotations jsonb NOT NULL DEFAULT '{}',
        -- AES-256-GCM of the JSON data map, as SecretKeyRing (libs/platform/secrets) seals it.
        sealed_data bytea NOT NULL,
        resource_version bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (namespace, name)
      );
      CREATE SEQUENCE registry_secret_version_seq;
    `);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE registry_secrets, import_spec_versions, import_budget, scheduled_tags; DROP SEQUENCE registry_secret_version_seq');
  }
}
