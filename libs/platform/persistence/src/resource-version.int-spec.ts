import { testDatabaseUrl } from '@imagestreams/testing';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { currentResourceVersion, RESOURCE_VERSION_WRITERS_FUNCTION_SQL, settledResourceVersion } from './resource-version';
import { openServiceDataSource } from './service-data-source';

describe('currentResourceVersion (real Postgres)', () => {
  const schema = `rv_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await openServiceDataSource({ url: testDatabaseUrl(), schema, entities: [], migrations: [] });
    await dataSource.query('CREATE SEQUENCE resource_version_seq');
    await dataSource.query(RESOURCE_VERSION_WRITERS_FUNCTION_SQL);
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

  it('is settled at once with no write in flight, and waits out one that is, answering unsettled at its deadline', async () => {
    const idle = await settledResourceVersion(dataSource);
    expect(idle).toEqual({ resourceVersion: await currentResourceVersion(dataSource), settled: true });

    const writer = dataSource.createQueryRunner();
    await writer.connect();
    await writer.startTransaction();
    try {
      const [{ rv }]: { rv: string }[] = await writer.query('SELECT next_resource_version()::text AS rv');
      // The sequence has moved to the in-flight write's version, but nothing below it is final yet.
      expect(await settledResourceVersion(dataSource, 200)).toEqual({ resourceVersion: rv, settled: false });
      await writer.commitTransaction();
      expect(await settledResourceVersion(dataSource, 200)).toEqual({ resourceVersion: rv, settled: true });
    } finally {
      if (writer.isTransactionActive) await writer.rollbackTransaction();
      await writer.release();
    }
  });

  it('does not wait for a transaction that took no resourceVersion, such as a session left open after another write', async () => {
    const other = dataSource.createQueryRunner();
    await other.connect();
    await other.startTransaction();
    try {
      await other.query('SELECT pg_current_xact_id()');
      expect((await settledResourceVersion(dataSource, 200)).settled).toBe(true);
    } finally {
      await other.rollbackTransaction();
      await other.release();
    }
  });
});
