import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `status.tags[].conditions` (ImportSuccess=False after a failed import), per tag name. On the
 * stream row because they are read whenever the stream is, and change with it (resourceVersion).
 */
export class TagConditions1764202200000 implements MigrationInterface {
  name = 'TagConditions1764202200000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE image_streams ADD COLUMN tag_conditions jsonb NOT NULL DEFAULT '{}'`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE image_streams DROP COLUMN tag_conditions');
  }
}
