import { testDatabaseUrl } from '@imagestreams/testing';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { preparedQuery } from './prepared-query';
import { openServiceDataSource } from './service-data-source';

describe('preparedQuery (real Postgres)', () => {
  const schema = `prepared_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let dataSource: DataSource;
  const bump = 'UPDATE counters SET value = value + $2 WHERE name = $1 RETURNING name, value';

  beforeAll(async () => {
    dataSource = await openServiceDataSource({ url: testDatabaseUrl(), schema, entities: [], migrations: [], poolSize: 2 });
    await dataSource.query(`CREATE TABLE counters (name text PRIMARY KEY, value int NOT NULL); INSERT INTO counters VALUES ('a', 0)`);
  });

  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  it('runs a named statement on pooled connections again and again, and answers the rows an UPDATE returns', async () => {
    const answers = await Promise.all([1, 2, 3, 4].map(() => preparedQuery<{ name: string; value: number }>(dataSource, 'bump-counter', bump, ['a', 1])));
    expect(answers.map(([row]) => row.value).sort()).toEqual([1, 2, 3, 4]);
  });

  it("runs inside a transaction on the transaction's connection, so a rollback undoes it", async () => {
    await expect(
      dataSource.transaction(async (manager) => {
        expect(await preparedQuery(manager, 'bump-counter', bump, ['a', 100])).toEqual([{ name: 'a', value: 104 }]);
        // Prepared on this connection, under its name.
        expect(await manager.query("SELECT name FROM pg_prepared_statements WHERE name = 'bump-counter'")).toEqual([{ name: 'bump-counter' }]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await dataSource.query("SELECT value FROM counters WHERE name = 'a'")).toEqual([{ value: 4 }]);
  });
});

describe('preparedQuery with customPlans (real Postgres)', () => {
  const schemas: string[] = [];
  const sources: DataSource[] = [];

  afterAll(async () => {
    for (const [index, source] of sources.entries()) {
      await source.query(`DROP SCHEMA IF EXISTS "${schemas[index]}" CASCADE`);
      await source.destroy();
    }
  });

  /** Runs one named statement ten times on one connection; answers how often Postgres planned it generically and how often for the values. */
  async function plansAfterTenRuns(customPlans: boolean): Promise<{ generic_plans: number; custom_plans: number }> {
    const schema = `plans_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const source = await openServiceDataSource({ url: testDatabaseUrl(), schema, entities: [], migrations: [], poolSize: 2, customPlans });
    schemas.push(schema);
    sources.push(source);
    await source.query('CREATE TABLE items (id uuid PRIMARY KEY, value int NOT NULL)');
    return source.transaction(async (manager) => {
      for (let run = 0; run < 10; run++) {
        await preparedQuery(manager, 'bump-items', 'UPDATE items SET value = value + 1 WHERE id = $1', [randomUUID()]);
      }
      const [row] = await manager.query("SELECT generic_plans::int, custom_plans::int FROM pg_prepared_statements WHERE name = 'bump-items'");
      return row;
    });
  }

  it('plans every execution for its values, so no plan made while a table was empty outlives its growth', async () => {
    expect(await plansAfterTenRuns(true)).toEqual({ generic_plans: 0, custom_plans: 10 });
    // Without it Postgres settles on one generic plan after five runs: the case the option exists for.
    expect((await plansAfterTenRuns(false)).generic_plans).toBeGreaterThan(0);
  });
});
