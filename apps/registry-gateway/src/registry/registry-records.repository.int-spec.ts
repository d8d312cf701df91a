import { randomUUID } from 'node:crypto';
import { openServiceDataSource } from '@imagestreams/platform-persistence';
import { testDatabaseUrl } from '@imagestreams/testing';
import type { DataSource } from 'typeorm';
import { CreateRegistrySchema1764300000000 } from '../migrations/1764300000000-create-registry-schema';
import { DropUploadSessionRows1765400000000 } from '../migrations/1765400000000-drop-upload-session-rows';
import { RegistryRecordsRepository } from './registry-records.repository';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('RegistryRecordsRepository blob links (Postgres)', () => {
  let dataSource: DataSource;
  let schema: string;
  let records: RegistryRecordsRepository;

  beforeAll(async () => {
    schema = `registry_records_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    dataSource = await openServiceDataSource({ url: testDatabaseUrl(), schema, entities: [], migrations: [CreateRegistrySchema1764300000000, DropUploadSessionRows1765400000000], poolSize: 2 });
    records = new RegistryRecordsRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  it('links a blob once, however often the same content is uploaded, and forgets it with its repository', async () => {
    await records.linkBlob('team/app', DIGEST, 1234);
    await records.linkBlob('team/app', DIGEST, 1234);

    await expect(records.linkedBlobSize('team/app', DIGEST)).resolves.toBe(1234);
    await expect(records.linkedBlobSize('team/other', DIGEST)).resolves.toBeUndefined();
    const links: unknown[] = await dataSource.query('SELECT 1 FROM repository_blobs WHERE repository = $1 AND digest = $2', ['team/app', DIGEST]);
    expect(links).toHaveLength(1);

    await records.dropRepository('team/app');
    await expect(records.linkedBlobSize('team/app', DIGEST)).resolves.toBeUndefined();
  });

  it('keeps no upload sessions: the table went with its migration', async () => {
    const tables: unknown[] = await dataSource.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'uploads'`, [schema]);
    expect(tables).toHaveLength(0);
  });
});
