import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { cleanAbandonedUploads, FilesystemBlobStore, garbageCollect } from './index';

const sha256 = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex')}`;
const HOUR = 60 * 60 * 1000;

describe('garbage collection', () => {
  let root: string;
  let store: FilesystemBlobStore;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'blob-gc-'));
    store = new FilesystemBlobStore(root);
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const blobFile = (digest: string) => join(root, 'blobs', 'sha256', digest.slice(7, 9), digest.slice(7));
  const age = (file: string, ms: number) => utimes(file, new Date(Date.now() - ms), new Date(Date.now() - ms));

  it('deletes old unreferenced blobs and keeps referenced and recent ones', async () => {
    const [referenced, garbage, recent] = ['referenced layer', 'garbage layer!', 'just pushed'];
    for (const text of [referenced, garbage, recent]) await store.putBytes(sha256(text), Buffer.from(text));
    await age(blobFile(sha256(referenced)), 2 * HOUR);
    await age(blobFile(sha256(garbage)), 2 * HOUR);

    const asked: string[] = [];
    const result = await garbageCollect(
      store,
      async (digest) => {
        asked.push(digest);
        return digest === sha256(referenced);
      },
      { olderThan: new Date(Date.now() - HOUR) },
    );

    expect(result).toEqual({ scanned: 3, deleted: [sha256(garbage)], freedBytes: garbage.length });
    expect(asked.sort()).toEqual([sha256(referenced), sha256(garbage)].sort()); // recent blobs are not even looked up
    expect(await store.stat(sha256(garbage))).toBeUndefined();
    expect(await store.stat(sha256(referenced))).toBeDefined();
    expect(await store.stat(sha256(recent))).toBeDefined();
  });

  it('gives a re-pushed old blob a fresh grace period', async () => {
    await store.putBytes(sha256('layer'), Buffer.from('layer'));
    await age(blobFile(sha256('layer')), 2 * HOUR);
    const id = randomUUID();
    await store.startUpload(id);
    await store.appendToUpload(id, 0, Readable.from([Buffer.from('layer')]));
    await store.commitUpload(id, sha256('layer'));

    const result = await garbageCollect(store, () => false, { olderThan: new Date(Date.now() - HOUR) });
    expect(result).toEqual({ scanned: 1, deleted: [], freedBytes: 0 });
  });

  it('stops without deleting more when the reference check fails', async () => {
    await store.putBytes(sha256('x'), Buffer.from('x'));
    await age(blobFile(sha256('x')), 2 * HOUR);
    await expect(
      garbageCollect(
        store,
        () => {
          throw new Error('database down');
        },
        { olderThan: new Date(Date.now() - HOUR) },
      ),
    ).rejects.toThrow('database down');
    expect(await store.stat(sha256('x'))).toBeDefined();
  });

  it('cleans uploads abandoned before the cutoff', async () => {
    const [abandoned, active] = [randomUUID(), randomUUID()];
    await store.startUpload(abandoned);
    await store.startUpload(active);
    await age(join(root, 'uploads', abandoned), 2 * HOUR);

    expect(await cleanAbandonedUploads(store, new Date(Date.now() - HOUR))).toEqual([abandoned]);
    expect(await store.uploadSize(abandoned)).toBeUndefined();
    expect(await store.uploadSize(active)).toBe(0);
  });
});
