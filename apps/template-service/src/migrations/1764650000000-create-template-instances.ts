import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * TemplateInstances and the objects they created.
 *
 * `template_instances.body` is the instance as sent (metadata without server-set fields, and the
 * spec), serialized JSON kept as text like templates' bodies; `spec_digest` is the SHA-256 of the
 * spec in canonical form (sorted keys), what tells an idempotent repeat from a conflicting create;
 * `status` is the TemplateInstance status (conditions and object refs).
 *
 * `template_instance_objects` has one row per object of the processed template, in order
 * (`position`). Objects owned elsewhere (ImageStreams by stream-service, BuildConfigs and other
 * workloads by trigger-dispatcher) are rows written before they are created (`uid` null: planned)
 * and given their uid once the owner answered, so deleting an instance finds even the objects of an
 * instantiation that stopped half-way. Objects template-service keeps itself (Secrets, Services,
 * Routes, ...) carry their whole `body` (text: key order and big integers stay as processed) and
 * are unique per (namespace, API group, kind, name), as Kubernetes objects are.
 */
export class CreateTemplateInstances1764650000000 implements MigrationInterface {
  name = 'CreateTemplateInstances1764650000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE template_instances (
        uid uuid PRIMARY KEY,
        namespace text NOT NULL,
        name text NOT NULL,
        labels jsonb NOT NULL DEFAULT '{}',
        body text NOT NULL,
        spec_digest text NOT NULL,
        status jsonb NOT NULL,
        resource_version bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (namespace, name)
      );

      CREATE TABLE template_instance_objects (
        instance_uid uuid NOT NULL REFERENCES template_instances (uid) ON DELETE CASCADE,
        position integer NOT NULL,
        owner text NOT NULL,
        api_version text NOT NULL,
        api_group text NOT NULL,
        kind text NOT NULL,
        namespace text NOT NULL,
        name text NOT NULL,
        uid uuid,
        body text,
        PRIMARY KEY (instance_uid, position)
      );

      CREATE UNIQUE INDEX template_instance_objects_stored_key
        ON template_instance_objects (namespace, api_group, kind, name) WHERE owner = 'template-service';
    `);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE template_instance_objects; DROP TABLE template_instances');
  }
}
