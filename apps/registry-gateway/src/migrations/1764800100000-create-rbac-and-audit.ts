import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * RBAC objects (docs/access-control.md) and the audit trail.
 *
 * Roles and ClusterRoles share `roles`, RoleBindings and ClusterRoleBindings share `role_bindings`:
 * the cluster-scoped ones have namespace '' (no namespace can be named so), which keeps the
 * primary key (namespace, name) a plain one; NULL would need `NULLS NOT DISTINCT` (Postgres 15+).
 * Built-in ClusterRoles and ClusterRoleBindings are not stored: they come from code, read-only.
 */
export class CreateRbacAndAudit1764800100000 implements MigrationInterface {
  name = 'CreateRbacAndAudit1764800100000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE SEQUENCE IF NOT EXISTS resource_version_seq;

      CREATE TABLE roles (
        namespace text NOT NULL,
        name text NOT NULL,
        uid uuid NOT NULL,
        rules jsonb NOT NULL DEFAULT '[]',
        labels jsonb NOT NULL DEFAULT '{}',
        annotations jsonb NOT NULL DEFAULT '{}',
        resource_version bigint NOT NULL DEFAULT nextval('resource_version_seq'),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (namespace, name)
      );

      CREATE TABLE role_bindings (
        namespace text NOT NULL,
        name text NOT NULL,
        uid uuid NOT NULL,
        role_ref jsonb NOT NULL,
        subjects jsonb NOT NULL DEFAULT '[]',
        labels jsonb NOT NULL DEFAULT '{}',
        annotations jsonb NOT NULL DEFAULT '{}',
        resource_version bigint NOT NULL DEFAULT nextval('resource_version_seq'),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (namespace, name)
      );

      -- Empty strings rather than NULLs for what a request did not have (no namespace, a non-resource path):
      -- filters compare with = and the API leaves empty fields out.
      CREATE TABLE audit_events (
        id bigserial PRIMARY KEY,
        at timestamptz NOT NULL,
        username text NOT NULL,
        groups jsonb NOT NULL DEFAULT '[]',
        verb text NOT NULL,
        api_group text NOT NULL DEFAULT '',
        resource text NOT NULL DEFAULT '',
        subresource text NOT NULL DEFAULT '',
        namespace text NOT NULL DEFAULT '',
        name text NOT NULL DEFAULT '',
        method text NOT NULL,
        path text NOT NULL,
        status_code int NOT NULL,
        source_ip text NOT NULL DEFAULT '',
        user_agent text NOT NULL DEFAULT ''
      );
      -- Lists are newest first, keyset-paged on (at, id); pruning deletes by at.
      CREATE INDEX audit_events_by_time ON audit_events (at, id);
      CREATE INDEX audit_events_by_namespace ON audit_events (namespace, at, id);
      CREATE INDEX audit_events_by_user ON audit_events (username, at, id);
    `);
  }

  async down(runner: QueryRunner): Promise<void> {
    // The sequence stays: the identities migration created it first and shares it.
    await runner.query('DROP TABLE audit_events, role_bindings, roles');
  }
}
