import { OUTBOX_TABLE_V1_SQL } from '@imagestreams/platform-messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The importer publishes `import.failed` events through its own outbox (import jobs come next). */
export class CreateImporterSchema1764201800000 implements MigrationInterface {
  name = 'CreateImporterSchema1764201800000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(OUTBOX_TABLE_V1_SQL);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE outbox');
  }
}
