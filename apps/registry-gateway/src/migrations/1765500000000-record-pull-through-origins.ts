import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Manifests the registry fetched from another registry (pull-through of imported images) remember
 * where from, so the blobs they reference can be fetched from there on first request. NULL for
 * everything pushed.
 */
export class RecordPullThroughOrigins1765500000000 implements MigrationInterface {
  name = 'RecordPullThroughOrigins1765500000000';

  async up(runner: QueryRunner): Promise<void> {
    // The partial index keeps the question "is this a layer of a pulled-through image?", asked for
    // every blob GET the repository has no link for, an index probe that finds nothing for pushed repositories.
    await runner.query(`
      ALTER TABLE manifests ADD COLUMN pulled_from jsonb;
      CREATE INDEX manifests_pulled_through ON manifests (repository) WHERE pulled_from IS NOT NULL;
    `);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX manifests_pulled_through; ALTER TABLE manifests DROP COLUMN pulled_from');
  }
}
