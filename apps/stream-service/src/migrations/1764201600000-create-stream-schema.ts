import { OUTBOX_TABLE_V1_SQL } from '@imagestreams/platform-messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateStreamSchema1764201600000 implements MigrationInterface {
  name = 'CreateStreamSchema1764201600000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      -- One counter for every object of this service: Kubernetes resourceVersions are opaque but ordered.
      CREATE SEQUENCE resource_version_seq;

      CREATE TABLE namespaces (
        name text PRIMARY KEY,
        uid uuid NOT NULL,
        labels jsonb NOT NULL DEFAULT '{}',
        annotations jsonb NOT NULL DEFAULT '{}',
        resource_version bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE image_streams (
        uid uuid PRIMARY KEY,
        namespace text NOT NULL REFERENCES namespaces (name) ON DELETE CASCADE,
        name text NOT NULL,
        generation bigint NOT NULL DEFAULT 1,
        resource_version bigint NOT NULL,
        labels jsonb NOT NULL DEFAULT '{}',
        annotations jsonb NOT NULL DEFAULT '{}',
        spec jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (namespace, name)
      );

      -- Images are cluster scoped and immutable: named by manifest digest.
      CREATE TABLE images (
        name text PRIMARY KEY,
        docker_image_reference text NOT NULL,
        manifest_media_type text,
        metadata jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      );

      -- Tag history: the newest row (highest id) of a tag is items[0], the tag's current image.
      CREATE TABLE tag_events (
        id bigserial PRIMARY KEY,
        image_stream_uid uuid NOT NULL REFERENCES image_streams (uid) ON DELETE CASCADE,
        tag text NOT NULL,
        image text NOT NULL,
        docker_image_reference text NOT NULL,
        generation bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX tag_events_by_tag ON tag_events (image_stream_uid, tag, id DESC);
    `);
    await runner.query(OUTBOX_TABLE_V1_SQL);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE outbox, tag_events, images, image_streams, namespaces; DROP SEQUENCE resource_version_seq');
  }
}
