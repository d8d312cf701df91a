import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The integrated registry's own records. Bytes live in the blob store (content-addressed files,
 * manifests included); these tables say which content each repository (`<namespace>/<stream>`)
 * may serve, and which uploads are in progress. Tags are not here: they are image stream tags,
 * owned by stream-service.
 */
export class CreateRegistrySchema1764300000000 implements MigrationInterface {
  name = 'CreateRegistrySchema1764300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`
      -- A blob is visible in a repository once uploaded, mounted or referenced by a pushed manifest there.
      CREATE TABLE repository_blobs (
        repository text NOT NULL,
        digest text NOT NULL,
        size bigint NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (repository, digest)
      );
      CREATE INDEX repository_blobs_by_digest ON repository_blobs (digest);

      CREATE TABLE manifests (
        repository text NOT NULL,
        digest text NOT NULL,
        media_type text NOT NULL,
        size bigint NOT NULL,
        artifact_type text,
        -- The referrers API: the manifest this one refers to (its OCI subject).
        subject text,
        annotations jsonb,
        -- Blob digests (config, layers) and child manifest digests (indexes), for GC and mounts.
        blob_digests text[] NOT NULL DEFAULT '{}',
        child_digests text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (repository, digest)
      );
      CREATE INDEX manifests_by_subject ON manifests (repository, subject) WHERE subject IS NOT NULL;
      CREATE INDEX manifests_by_digest ON manifests (digest);

      -- The bytes of an upload are a file in the blob store; this row makes the session outlive the process.
      CREATE TABLE uploads (
        id uuid PRIMARY KEY,
        repository text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX uploads_by_age ON uploads (updated_at);
    `);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE uploads, manifests, repository_blobs');
  }
}
