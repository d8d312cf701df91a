import { OUTBOX_TABLE_V1_SQL } from '@imagestreams/platform-messaging';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Template instances will announce their progress through this outbox (templates come next). */
export class CreateTemplateSchema1764201900000 implements MigrationInterface {
  name = 'CreateTemplateSchema1764201900000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(OUTBOX_TABLE_V1_SQL);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE outbox');
  }
}
