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

  it('shares one read among callers asking at once, and never answers a caller with a read that started before it asked', async () => {
    const reads = jest.spyOn(dataSource, 'query');
    const positionReads = () => reads.mock.calls.filter(([sql]) => String(sql).includes('FROM resource_version_seq')).length;
    const writer = dataSource.createQueryRunner();
    await writer.connect();
    await writer.startTransaction();
    try {
      await writer.query('SELECT next_resource_version()');
      // The first read waits for the writer; twenty callers asking meanwhile share the next read.
      const first = settledResourceVersion(dataSource);
      // Until it has read the position and is looking for writers, its answer could still include the next write.
      const deadline = Date.now() + 5_000;
      while (!reads.mock.calls.some(([sql]) => String(sql).includes('array_agg(virtualtransaction)')) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
      const [{ later }]: { later: string }[] = await dataSource.query('SELECT next_resource_version()::text AS later');
      const waiting = Array.from({ length: 20 }, () => settledResourceVersion(dataSource));
      await writer.commitTransaction();
      const [firstAnswer, ...answers] = await Promise.all([first, ...waiting]);
      expect(firstAnswer.settled).toBe(true);
      expect(BigInt(firstAnswer.resourceVersion)).toBeLessThan(BigInt(later));
      expect(new Set(answers.map((answer) => JSON.stringify(answer)))).toEqual(new Set([JSON.stringify({ resourceVersion: later, settled: true })]));
      expect(positionReads()).toBe(2);
    } finally {
      reads.mockRestore();
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
