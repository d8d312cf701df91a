import { testDatabaseUrl } from '@imagestreams/testing';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { hasPgErrorCode, PgErrorCodes, retryOnDeadlock } from './retry-on';
import { openServiceDataSource } from './service-data-source';

/** Resolves for everyone once `parties` callers have arrived. */
function barrier(parties: number): () => Promise<void> {
  let arrived = 0;
  let release: () => void = () => undefined;
  const open = new Promise<void>((resolve) => (release = resolve));
  return () => {
    if (++arrived === parties) release();
    return open;
  };
}

/**
 * A real deadlock, made on purpose: two transfers lock two rows in opposite order, each waiting
 * for the other's first lock before taking its second. Postgres aborts one of them.
 */
describe('retryOnDeadlock (real Postgres)', () => {
  const schema = `retry_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await openServiceDataSource({ url: testDatabaseUrl(), schema, entities: [], migrations: [], poolSize: 4 });
    await dataSource.query('CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL)');
  });

  beforeEach(() => dataSource.query('TRUNCATE accounts; INSERT INTO accounts VALUES (1, 100), (2, 100)'));

  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  /** One transfer as one transaction; on its first run it waits, holding its first lock, until the other transfer holds its own. */
  function transfer(from: number, to: number, bothHoldFirstLock: () => Promise<void>, runs: { count: number }): Promise<void> {
    return dataSource.transaction(async (manager) => {
      const firstRun = ++runs.count === 1;
      // The default second would make the test slow, not different.
      await manager.query(`SET LOCAL deadlock_timeout = '20ms'`);
      await manager.query('UPDATE accounts SET balance = balance - 10 WHERE id = $1', [from]);
      if (firstRun) await bothHoldFirstLock();
      await manager.query('UPDATE accounts SET balance = balance + 10 WHERE id = $1', [to]);
    });
  }

  it('without it, one side of a deadlock fails with the deadlock code', async () => {
    const bothHoldFirstLock = barrier(2);
    const outcomes = await Promise.allSettled([transfer(1, 2, bothHoldFirstLock, { count: 0 }), transfer(2, 1, bothHoldFirstLock, { count: 0 })]);

    const failures = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    expect(failures).toHaveLength(1);
    expect(hasPgErrorCode(failures[0].reason, [PgErrorCodes.deadlockDetected])).toBe(true);
  });

  it('runs the aborted side again, so both transfers land and the client never sees the deadlock', async () => {
    const bothHoldFirstLock = barrier(2);
    const runs = [{ count: 0 }, { count: 0 }];
    await Promise.all([retryOnDeadlock(() => transfer(1, 2, bothHoldFirstLock, runs[0])), retryOnDeadlock(() => transfer(2, 1, bothHoldFirstLock, runs[1]))]);

    expect(runs.map((run) => run.count).sort()).toEqual([1, 2]);
    expect(await dataSource.query('SELECT id, balance FROM accounts ORDER BY id')).toEqual([
      { id: 1, balance: 100 },
      { id: 2, balance: 100 },
    ]);
  });
});
