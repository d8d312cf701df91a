import { testDatabaseUrl } from '@imagestreams/testing';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { currentResourceVersion } from './resource-version';
import { openServiceDataSource } from './service-data-source';

describe('currentResourceVersion (real Postgres)', () => {
  const schema = `rv_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await openServiceDataSource({ url: testDatabaseUrl(), schema, entities: [], migrations: [] });
    await dataSource.query('CREATE SEQUENCE resource_version_seq');
  });

  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  it('is 0 before any version was handed out, so the first one (1) is newer, and then the latest handed out', async () => {
    expect(await currentResourceVersion(dataSource)).toBe('0');
    const [{ next }] = await dataSource.query("SELECT nextval('resource_version_seq')::text AS next");
    expect(next).toBe('1');
    expect(await currentResourceVersion(dataSource)).toBe('1');
  });
});
