import { testDatabaseUrl } from '@imagestreams/testing';
import { randomUUID } from 'node:crypto';
import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { openServiceDataSource } from './service-data-source';

const DATABASE_URL = testDatabaseUrl();

class CreateWidgets1700000000000 implements MigrationInterface {
  name = 'CreateWidgets1700000000000';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE TABLE widgets (id int PRIMARY KEY)');
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE widgets');
  }
}

describe('openServiceDataSource (real Postgres)', () => {
  const schema = `test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;

  afterAll(async () => {
    const cleanup = await openServiceDataSource({ url: DATABASE_URL, schema, entities: [], migrations: [] });
    await cleanup.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await cleanup.destroy();
  });

  it('creates the schema and applies migrations exactly once even when replicas start together', async () => {
    const options = { url: DATABASE_URL, schema, entities: [], migrations: [CreateWidgets1700000000000] };
    const [first, second] = await Promise.all([openServiceDataSource(options), openServiceDataSource(options)]);
    const rows = await first.query(`SELECT name FROM "${schema}".migrations`);
    expect(rows).toEqual([{ name: 'CreateWidgets1700000000000' }]);
    await first.query(`INSERT INTO "${schema}".widgets VALUES (1)`);
    expect(await second.query(`SELECT id FROM "${schema}".widgets`)).toEqual([{ id: 1 }]);
    await Promise.all([first.destroy(), second.destroy()]);
  });
});
