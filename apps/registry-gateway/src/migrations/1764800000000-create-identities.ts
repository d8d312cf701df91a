import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Who can call the gateway (docs/access-control.md): users, service accounts, and the access
 * tokens they present. A token is stored only as its SHA-256; the token itself is answered once.
 */
export class CreateIdentities1764800000000 implements MigrationInterface {
  name = 'CreateIdentities1764800000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      -- Kubernetes resourceVersions of the gateway's own objects; IF NOT EXISTS because RBAC objects share it.
      CREATE SEQUENCE IF NOT EXISTS resource_version_seq;

      CREATE TABLE users (
        name text PRIMARY KEY,
        uid uuid NOT NULL,
        groups jsonb NOT NULL DEFAULT '[]',
        full_name text,
        created_at timestamptz NOT NULL DEFAULT now(),
        resource_version bigint NOT NULL DEFAULT nextval('resource_version_seq')
      );

      CREATE TABLE service_accounts (
        namespace text NOT NULL,
        name text NOT NULL,
        uid uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        resource_version bigint NOT NULL DEFAULT nextval('resource_version_seq'),
        PRIMARY KEY (namespace, name)
      );

      CREATE TABLE access_tokens (
        -- sha256~<first 12 hex of the hash>: addressable for revocation without revealing the token.
        name text PRIMARY KEY,
        uid uuid NOT NULL,
        token_hash text NOT NULL UNIQUE,
        subject_kind text NOT NULL CHECK (subject_kind IN ('User', 'ServiceAccount')),
        -- Set exactly for service accounts.
        subject_namespace text CHECK ((subject_kind = 'ServiceAccount') = (subject_namespace IS NOT NULL)),
        subject_name text NOT NULL,
        expires_at timestamptz,
        description text,
        last_used_at timestamptz,
        -- The row BOOTSTRAP_ADMIN_TOKEN (or the generated first token) owns: replaced when that setting changes.
        bootstrap boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        resource_version bigint NOT NULL DEFAULT nextval('resource_version_seq')
      );
      CREATE INDEX access_tokens_by_subject ON access_tokens (subject_kind, subject_name, subject_namespace);
      CREATE UNIQUE INDEX access_tokens_one_bootstrap ON access_tokens (bootstrap) WHERE bootstrap;
    `);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE access_tokens, service_accounts, users');
  }
}
