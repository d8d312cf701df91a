import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Upload sessions are no longer rows: a session id is signed with the `upload-session` key
 * (registry_token_keys) and names its repository, and the janitor reads the upload file's age.
 * Sessions open during the upgrade end with BLOB_UPLOAD_UNKNOWN, and their clients start the
 * upload again; their files go with the next sweep.
 */
export class DropUploadSessionRows1765400000000 implements MigrationInterface {
  name = 'DropUploadSessionRows1765400000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE uploads');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`
      CREATE TABLE uploads (
        id uuid PRIMARY KEY,
        repository text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX uploads_by_age ON uploads (updated_at);
    `);
  }
}
