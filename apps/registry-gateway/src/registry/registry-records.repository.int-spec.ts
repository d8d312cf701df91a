import { randomUUID } from 'node:crypto';
import { openServiceDataSource } from '@imagestreams/platform-persistence';
import { testDatabaseUrl } from '@imagestreams/testing';
import type { DataSource } from 'typeorm';
import { CreateRegistrySchema1764300000000 } from '../migrations/1764300000000-create-registry-schema';
import { RegistryRecordsRepository } from './registry-records.repository';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('RegistryRecordsRepository upload sessions (Postgres)', () => {
  let dataSource: DataSource;
  let schema: string;
  let records: RegistryRecordsRepository;

  beforeAll(async () => {
    schema = `registry_records_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    dataSource = await openServiceDataSource({ url: testDatabaseUrl(), schema, entities: [], migrations: [CreateRegistrySchema1764300000000], poolSize: 2 });
    records = new RegistryRecordsRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  async function updatedAtMs(id: string): Promise<number> {
    const rows: { updated_at: Date }[] = await dataSource.query('SELECT updated_at FROM uploads WHERE id = $1', [id]);
    expect(rows).toHaveLength(1);
    return rows[0].updated_at.getTime();
  }

  it('touches a session only for its own repository, and says whether it did', async () => {
    const id = randomUUID();
    await records.startUpload(id, 'team/app');
    await dataSource.query(`UPDATE uploads SET updated_at = now() - interval '1 hour' WHERE id = $1`, [id]);
    const before = await updatedAtMs(id);

    await expect(records.touchUpload(id, 'other/app')).resolves.toBe(false);
    expect(await updatedAtMs(id)).toBe(before);
    await expect(records.touchUpload(randomUUID(), 'team/app')).resolves.toBe(false);

    await expect(records.touchUpload(id, 'team/app')).resolves.toBe(true);
    expect(await updatedAtMs(id)).toBeGreaterThan(before + 30 * 60_000);
  });

  it('links the committed blob and ends its session in one statement', async () => {
    const id = randomUUID();
    await records.startUpload(id, 'team/app');

    await records.linkUploadedBlob('team/app', DIGEST, 1234, id);

    await expect(records.upload(id, 'team/app')).resolves.toBeUndefined();
    await expect(records.linkedBlobSize('team/app', DIGEST)).resolves.toBe(1234);
    // The same content uploaded again (another session) keeps one link.
    const again = randomUUID();
    await records.startUpload(again, 'team/app');
    await records.linkUploadedBlob('team/app', DIGEST, 1234, again);
    await expect(records.upload(again, 'team/app')).resolves.toBeUndefined();
    const links: unknown[] = await dataSource.query('SELECT 1 FROM repository_blobs WHERE repository = $1 AND digest = $2', ['team/app', DIGEST]);
    expect(links).toHaveLength(1);
  });
});
