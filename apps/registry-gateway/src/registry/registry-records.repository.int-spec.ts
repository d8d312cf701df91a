import { randomUUID } from 'node:crypto';
import { CLOCK_TIMESTAMP_RFC3339, openServiceDataSource } from '@imagestreams/platform-persistence';
import { testDatabaseUrl } from '@imagestreams/testing';
import type { DataSource } from 'typeorm';
import { CreateRegistrySchema1764300000000 } from '../migrations/1764300000000-create-registry-schema';
import { DropUploadSessionRows1765400000000 } from '../migrations/1765400000000-drop-upload-session-rows';
import { RecordPullThroughOrigins1765500000000 } from '../migrations/1765500000000-record-pull-through-origins';
import { RegistryRecordsRepository } from './registry-records.repository';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

describe('RegistryRecordsRepository blob links (Postgres)', () => {
  let dataSource: DataSource;
  let schema: string;
  let records: RegistryRecordsRepository;

  beforeAll(async () => {
    schema = `registry_records_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    dataSource = await openServiceDataSource({ url: testDatabaseUrl(), schema, entities: [], migrations: [CreateRegistrySchema1764300000000, DropUploadSessionRows1765400000000, RecordPullThroughOrigins1765500000000], poolSize: 2 });
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

    await records.dropRepository('team/app', await databaseNow());
    await expect(records.linkedBlobSize('team/app', DIGEST)).resolves.toBeUndefined();
  });

  /** Postgres' clock with microseconds, as stream-service stamps a deletion. */
  async function databaseNow(): Promise<string> {
    const [row]: { now: string }[] = await dataSource.query(`SELECT ${CLOCK_TIMESTAMP_RFC3339} AS now`);
    return row.now;
  }

  const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
  const image = (manifest: number, blobs: number[]) => ({ digest: digest(manifest), mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 100, blobDigests: blobs.map(digest), childDigests: [] });

  it('drops only what the deleted stream held: a repository pushed again since keeps what its new manifests use', async () => {
    // Before the deletion: a manifest with its config and layer, and a blob nothing uses.
    await records.linkBlob('team/reborn', digest(1), 10);
    await records.linkBlob('team/reborn', digest(2), 20);
    await records.linkBlob('team/reborn', digest(9), 90);
    await records.recordManifest('team/reborn', image(100, [1, 2]));
    const deletedAt = await databaseNow();

    // Pushed again before the deletion was seen: blob 1 was still linked (not uploaded again), the
    // same manifest put again, a new layer uploaded.
    await records.linkBlob('team/reborn', digest(3), 30);
    await records.recordManifest('team/reborn', image(100, [1, 2]));
    await records.recordManifest('team/reborn', image(101, [1, 3]));

    await records.dropRepository('team/reborn', deletedAt);
    await expect(records.linkedBlobs('team/reborn', [1, 2, 3, 9].map(digest))).resolves.toEqual(new Set([1, 2, 3].map(digest)));
    await expect(records.manifest('team/reborn', digest(100))).resolves.toBeDefined();
    await expect(records.manifest('team/reborn', digest(101))).resolves.toBeDefined();

    // The same event again, or a later deletion: the first changes nothing, the second takes the rest.
    await records.dropRepository('team/reborn', deletedAt);
    await expect(records.linkedBlobs('team/reborn', [1, 2, 3].map(digest))).resolves.toEqual(new Set([1, 2, 3].map(digest)));
    await records.dropRepository('team/reborn', await databaseNow());
    await expect(records.linkedBlobs('team/reborn', [1, 2, 3].map(digest))).resolves.toEqual(new Set());
    await expect(records.manifest('team/reborn', digest(101))).resolves.toBeUndefined();
  });

  it('remembers where a pulled-through manifest came from, for its blobs and an index\'s children, in that repository only', async () => {
    const origin = { registry: 'quay.io', repository: 'team/app', insecure: false };
    await records.recordManifest('team/pulled', { ...image(200, [21, 22]), pulledFrom: origin });
    await records.recordManifest('team/pulled', { ...image(201, []), childDigests: [digest(202)], pulledFrom: { ...origin, insecure: true } });
    await records.recordManifest('team/pushed', image(203, [23]));

    await expect(records.manifest('team/pulled', digest(200))).resolves.toEqual(expect.objectContaining({ pulledFrom: origin }));
    await expect(records.manifest('team/pushed', digest(203))).resolves.not.toHaveProperty('pulledFrom');
    await expect(records.pullOriginOfBlob('team/pulled', digest(22))).resolves.toEqual(origin);
    await expect(records.pullOriginOfBlob('team/pulled', digest(23))).resolves.toBeUndefined();
    await expect(records.pullOriginOfBlob('team/pushed', digest(23))).resolves.toBeUndefined();
    await expect(records.pullOriginOfBlob('team/other', digest(22))).resolves.toBeUndefined();
    await expect(records.pullOriginOfChild('team/pulled', digest(202))).resolves.toEqual({ ...origin, insecure: true });
    await expect(records.pullOriginOfChild('team/pulled', digest(22))).resolves.toBeUndefined();
  });

  it('keeps no upload sessions: the table went with its migration', async () => {
    const tables: unknown[] = await dataSource.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'uploads'`, [schema]);
    expect(tables).toHaveLength(0);
  });
});
