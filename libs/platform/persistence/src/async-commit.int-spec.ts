import { randomUUID } from 'node:crypto';
import { testDatabaseUrl } from '@imagestreams/testing';
import { Client } from 'pg';
import { ASYNC_COMMIT_SOURCE } from './async-commit';

/** Against real Postgres: the statement is written and committed, and the setting does not outlive it. */
describe('ASYNC_COMMIT_SOURCE (Postgres)', () => {
  const table = `async_commit_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const client = new Client({ connectionString: testDatabaseUrl() });

  beforeAll(async () => {
    await client.connect();
    await client.query(`CREATE TABLE ${table} (id uuid PRIMARY KEY, note text)`);
  });

  afterAll(async () => {
    await client.query(`DROP TABLE IF EXISTS ${table}`);
    await client.end();
  });

  it('writes with insert, update and delete, each committed on its own, and leaves the session synchronous', async () => {
    const [kept, gone] = [randomUUID(), randomUUID()];
    await client.query(`INSERT INTO ${table} (id, note) SELECT $1::uuid, 'a' FROM ${ASYNC_COMMIT_SOURCE}`, [kept]);
    await client.query(`INSERT INTO ${table} (id, note) SELECT $1::uuid, 'b' FROM ${ASYNC_COMMIT_SOURCE}`, [gone]);
    await client.query(`UPDATE ${table} SET note = 'c' FROM ${ASYNC_COMMIT_SOURCE} WHERE id = $1`, [kept]);
    await client.query(`DELETE FROM ${table} USING ${ASYNC_COMMIT_SOURCE} WHERE id = $1`, [gone]);

    const other = new Client({ connectionString: testDatabaseUrl() });
    await other.connect();
    try {
      expect((await other.query(`SELECT id, note FROM ${table}`)).rows).toEqual([{ id: kept, note: 'c' }]);
    } finally {
      await other.end();
    }
    expect((await client.query(`SELECT current_setting('synchronous_commit') AS value`)).rows).toEqual([{ value: 'on' }]);
  });
});
