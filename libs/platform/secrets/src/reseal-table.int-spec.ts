import { randomBytes, randomUUID } from 'node:crypto';
import { openServiceDataSource } from '@imagestreams/platform-persistence';
import { testDatabaseUrl } from '@imagestreams/testing';
import type { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { resealTable, type SealedTable } from './reseal-table';
import { SecretKeyRing } from './secret-key-ring';

class CreateVault1700000000000 implements MigrationInterface {
  name = 'CreateVault1700000000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE TABLE vault (uid uuid PRIMARY KEY, sealed bytea, plain text, sealed_extra bytea)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE vault');
  }
}

const VAULT: SealedTable = { table: 'vault', key: 'uid', keyType: 'uuid', columns: [{ sealed: 'sealed', plaintext: 'plain' }, { sealed: 'sealed_extra' }], describes: 'test secrets' };

interface VaultRow {
  uid: string;
  sealed: Buffer | null;
  plain: string | null;
  sealed_extra: Buffer | null;
}

/** The re-sealing pass against real Postgres: what it moves, what it leaves, and replicas running it at once. */
describe('resealTable (Postgres)', () => {
  const schema = `secrets_int_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const oldKey = randomBytes(32).toString('base64');
  const before = SecretKeyRing.fromConfig(oldKey, '', '');
  const after = SecretKeyRing.fromConfig(randomBytes(32).toString('base64'), oldKey, '');
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await openServiceDataSource({ url: testDatabaseUrl(), schema, entities: [], migrations: [CreateVault1700000000000], poolSize: 8 });
  });

  beforeEach(async () => {
    await dataSource.query('DELETE FROM vault');
  });

  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  const insert = (row: Omit<VaultRow, 'uid'>, uid = randomUUID()) =>
    dataSource.query('INSERT INTO vault (uid, sealed, plain, sealed_extra) VALUES ($1, $2, $3, $4)', [uid, row.sealed, row.plain, row.sealed_extra]).then(() => uid);
  const read = async (uid: string): Promise<VaultRow> => ((await dataSource.query('SELECT * FROM vault WHERE uid = $1', [uid])) as VaultRow[])[0];
  const text = (ring: SecretKeyRing, sealed: Buffer | null) => (sealed ? ring.unseal(sealed).toString('utf8') : null);

  it('moves values of previous keys and plaintext under the current key, leaves what it cannot open, and is idempotent', async () => {
    const stranger = SecretKeyRing.fromConfig(randomBytes(32).toString('base64'), '', '');
    const previous = await insert({ sealed: before.seal(Buffer.from('a')), plain: null, sealed_extra: before.seal(Buffer.from('a2')) });
    const current = after.seal(Buffer.from('b'));
    const untouched = await insert({ sealed: current, plain: null, sealed_extra: null });
    const plaintext = await insert({ sealed: null, plain: 'c', sealed_extra: null });
    const newerPlaintext = await insert({ sealed: before.seal(Buffer.from('stale')), plain: 'd', sealed_extra: null });
    const unreadable = stranger.seal(Buffer.from('e'));
    const mixed = await insert({ sealed: unreadable, plain: null, sealed_extra: before.seal(Buffer.from('e2')) });

    const outcome = await resealTable(dataSource, after, VAULT, 2);

    expect(outcome).toEqual({ resealed: 4, unreadable: 1, unreadableKeyIds: [stranger.currentKeyId] });
    for (const uid of [previous, untouched, plaintext, newerPlaintext]) {
      const row = await read(uid);
      expect(row.plain).toBeNull();
      for (const sealed of [row.sealed, row.sealed_extra]) if (sealed) expect(after.needsReseal(sealed)).toBe(false);
    }
    expect([text(after, (await read(previous)).sealed), text(after, (await read(previous)).sealed_extra)]).toEqual(['a', 'a2']);
    expect((await read(untouched)).sealed?.equals(current)).toBe(true);
    expect(text(after, (await read(plaintext)).sealed)).toBe('c');
    expect(text(after, (await read(newerPlaintext)).sealed)).toBe('d');
    expect((await read(mixed)).sealed?.equals(unreadable)).toBe(true);
    expect(text(after, (await read(mixed)).sealed_extra)).toBe('e2');

    expect(await resealTable(dataSource, after, VAULT, 2)).toEqual({ resealed: 0, unreadable: 1, unreadableKeyIds: [stranger.currentKeyId] });
  });

  it('splits the work between replicas passing at once: every row re-sealed exactly once', async () => {
    const uids = await Promise.all(Array.from({ length: 300 }, (_, index) => insert({ sealed: before.seal(Buffer.from(`secret-${index}`)), plain: null, sealed_extra: null })));

    const outcomes = await Promise.all([1, 2, 3].map(() => resealTable(dataSource, after, VAULT, 25)));

    expect(outcomes.reduce((sum, outcome) => sum + outcome.resealed, 0)).toBe(300);
    const rows: VaultRow[] = await dataSource.query('SELECT * FROM vault WHERE uid = ANY($1::uuid[])', [uids]);
    expect(rows.filter((row) => row.sealed && !after.needsReseal(row.sealed))).toHaveLength(300);
    const byUid = new Map(rows.map((row) => [row.uid, row]));
    uids.forEach((uid, index) => expect(text(after, byUid.get(uid)?.sealed ?? null)).toBe(`secret-${index}`));
  });

  it('passes over a row another transaction holds, and the next pass moves it', async () => {
    const held = await insert({ sealed: before.seal(Buffer.from('held')), plain: null, sealed_extra: null });
    const free = await insert({ sealed: before.seal(Buffer.from('free')), plain: null, sealed_extra: null });
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query('SELECT 1 FROM vault WHERE uid = $1 FOR UPDATE', [held]);
      expect((await resealTable(dataSource, after, VAULT)).resealed).toBe(1);
      expect(after.needsReseal((await read(free)).sealed as Buffer)).toBe(false);
      expect(after.needsReseal((await read(held)).sealed as Buffer)).toBe(true);
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
    expect((await resealTable(dataSource, after, VAULT)).resealed).toBe(1);
    expect(text(after, (await read(held)).sealed)).toBe('held');
  });
});
