import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, open, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeBlobStoreContract, type BlobStoreHarness } from './blob-store.contract';
import { withoutFirstBytes } from './filesystem-blob-store';
import { FilesystemBlobStore } from './index';

/** Every regular file under dir, relative paths. */
async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1));
}

/** The filesystem layout: `blobs/<alg>/<first 2 hex>/<hex>` and `uploads/<id>` under a temp dir. */
function filesystemHarness(): BlobStoreHarness {
  let root = '';
  return {
    async create() {
      root = await mkdtemp(join(tmpdir(), 'blob-store-'));
      return new FilesystemBlobStore(root);
    },
    reopen: () => new FilesystemBlobStore(root),
    untouched() {
      const fresh = join(root, 'never-created');
      return { store: new FilesystemBlobStore(fresh), touched: async () => existsSync(fresh) };
    },
    async storedKeys(prefix = '') {
      return (await filesUnder(root)).filter((file) => file.startsWith(prefix)).sort();
    },
    uploadsPrefix: 'uploads',
    blobKey(digest) {
      const [algorithm, hex] = digest.split(':') as [string, string];
      return join('blobs', algorithm, hex.slice(0, 2), hex);
    },
    readStored: (key) => readFile(join(root, key)),
    storedSize: async (key) => (await stat(join(root, key))).size,
    async addForeignEntries() {
      await writeFile(join(root, 'blobs', 'sha256', 'README'), 'not a blob');
      await mkdir(join(root, 'blobs', 'sha256', 'zz'));
      await writeFile(join(root, 'blobs', 'sha256', 'zz', 'zz'), 'not a blob either');
    },
    async destroy() {
      await rm(root, { recursive: true, force: true });
    },
  };
}

describeBlobStoreContract('FilesystemBlobStore', filesystemHarness);

describe('FilesystemBlobStore reads', () => {
  let root: string;
  let store: FilesystemBlobStore;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'blob-reads-'));
    store = new FilesystemBlobStore(root);
  });

  afterAll(() => rm(root, { recursive: true, force: true }));

  afterEach(() => jest.restoreAllMocks());

  /** Reads the blob back and answers the sizes of the buffers the read stream allocated on the way. */
  async function readBuffers(bytes: Buffer, range?: { start: number; end: number }): Promise<number[]> {
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    await store.putBytes(digest, bytes);
    const allocations = jest.spyOn(Buffer, 'allocUnsafeSlow');
    const chunks: Buffer[] = [];
    for await (const chunk of await store.open(digest, range)) chunks.push(chunk as Buffer);
    // (Buffer.equals: Jest's deep equality walks megabytes byte by byte.)
    expect(Buffer.concat(chunks).equals(range ? bytes.subarray(range.start, range.end + 1) : bytes)).toBe(true);
    return allocations.mock.calls.map(([size]) => size);
  }

  it('reads a small blob with one buffer of its own size, not whole read chunks (small pulls must not churn megabytes)', async () => {
    expect(await readBuffers(randomBytes(32 * 1024))).toEqual([32 * 1024]);
  });

  it('reads a range with one buffer of the range', async () => {
    expect(await readBuffers(randomBytes(100_000), { start: 10, end: 1_033 })).toEqual([1_024]);
  });

  it('reads a big blob in chunks of 1 MiB, the last one only as big as the rest', async () => {
    expect(await readBuffers(randomBytes(3 * 1024 * 1024 + 5))).toEqual([1024 * 1024, 1024 * 1024, 1024 * 1024, 5]);
  });

  it('reads an empty blob', async () => {
    expect((await readBuffers(Buffer.alloc(0))).reduce((sum, size) => sum + size, 0)).toBeLessThanOrEqual(1);
  });
});

describe('FilesystemBlobStore writes', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'blob-writes-'));
  });

  afterAll(() => rm(root, { recursive: true, force: true }));

  afterEach(() => jest.restoreAllMocks());

  it('writes what arrived while a write was in flight in one go, and the blob is still exact', async () => {
    const store = new FilesystemBlobStore(root);
    const chunks = Array.from({ length: 256 }, () => randomBytes(4 * 1024));
    const bytes = Buffer.concat(chunks);
    const probe = await open(join(root, 'probe'), 'w');
    const fileHandle = Object.getPrototypeOf(probe) as { write: () => unknown; writev: () => unknown };
    const writes = [jest.spyOn(fileHandle, 'write'), jest.spyOn(fileHandle, 'writev')];
    await probe.close();

    const id = randomUUID();
    await store.startUpload(id);
    await store.appendToUpload(id, 0, Readable.from(chunks));
    const committed = await store.commitUpload(id, `sha256:${createHash('sha256').update(bytes).digest('hex')}`);

    expect(committed.size).toBe(bytes.length);
    expect(writes.reduce((calls, spy) => calls + spy.mock.calls.length, 0)).toBeLessThan(chunks.length / 4);
  });

  it('flushes a big upload to disk while it arrives (every 8 MiB), so the flush before its digest name finds only the tail, and the blob is still exact', async () => {
    const store = new FilesystemBlobStore(root);
    const chunks = Array.from({ length: 40 }, () => randomBytes(1024 * 1024));
    const bytes = Buffer.concat(chunks);
    const probe = await open(join(root, 'probe'), 'w');
    const datasync = jest.spyOn(Object.getPrototypeOf(probe) as { datasync: () => Promise<void> }, 'datasync');
    await probe.close();

    const id = randomUUID();
    await store.startUpload(id);
    // Paced like a network upload: each chunk arrives after the previous write, so flushes can run alongside.
    async function* arriving() {
      for (const chunk of chunks) {
        await new Promise((resolve) => setImmediate(resolve));
        yield chunk;
      }
    }
    await store.appendToUpload(id, 0, Readable.from(arriving()));
    const flushedWhileArriving = datasync.mock.calls.length;
    const committed = await store.commitUpload(id, `sha256:${createHash('sha256').update(bytes).digest('hex')}`);

    expect(flushedWhileArriving).toBeGreaterThanOrEqual(2);
    expect(flushedWhileArriving).toBeLessThanOrEqual(40 / 8);
    expect(datasync).toHaveBeenCalledTimes(flushedWhileArriving + 1);
    expect(committed.size).toBe(bytes.length);
    expect((await store.readAll(committed.digest, bytes.length)).equals(bytes)).toBe(true);
  });
});

describe('FilesystemBlobStore commits and modification times', () => {
  let root: string;
  let store: FilesystemBlobStore;
  const HOUR_AGO = new Date(Date.now() - 3_600_000);

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'blob-commits-'));
    store = new FilesystemBlobStore(root);
  });

  afterEach(() => rm(root, { recursive: true, force: true }));

  async function upload(bytes: Buffer): Promise<{ id: string; digest: string }> {
    const id = randomUUID();
    await store.startUpload(id);
    await store.appendToUpload(id, 0, Readable.from([bytes]));
    return { id, digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}` };
  }

  function blobFile(digest: string): string {
    const hex = digest.slice('sha256:'.length);
    return join(root, 'blobs', 'sha256', hex.slice(0, 2), hex);
  }

  it('gives a blob from an upload last written long ago a fresh modification time, so GC grace covers the manifest push', async () => {
    const { id, digest } = await upload(randomBytes(1000));
    await utimes(join(root, 'uploads', id), HOUR_AGO, HOUR_AGO);

    await store.commitUpload(id, digest);

    expect(Date.now() - (await stat(blobFile(digest))).mtimeMs).toBeLessThan(60_000);
  });

  it('keeps the modification time of a blob just written (no touch needed), and makes its digest directory when missing', async () => {
    const bytes = randomBytes(1000);
    const { id, digest } = await upload(bytes);
    const written = (await stat(join(root, 'uploads', id))).mtimeMs;

    await store.commitUpload(id, digest);

    expect((await stat(blobFile(digest))).mtimeMs).toBe(written);
    expect((await store.readAll(digest, bytes.length)).equals(bytes)).toBe(true);
  });

  it('makes the uploads directory again when it was removed under the store (uploads and putBytes)', async () => {
    await upload(randomBytes(10));
    await rm(join(root, 'uploads'), { recursive: true });
    const { id, digest } = await upload(randomBytes(10));
    await store.commitUpload(id, digest);
    await rm(join(root, 'uploads'), { recursive: true });
    const manifest = Buffer.from('{}');
    const manifestDigest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;

    await store.putBytes(manifestDigest, manifest);

    expect(await store.stat(digest)).toMatchObject({ size: 10 });
    expect(await store.stat(manifestDigest)).toMatchObject({ size: 2 });
  });
});

describe('withoutFirstBytes (what a partial writev leaves to write)', () => {
  const chunks = [Buffer.from('abc'), Buffer.from('de'), Buffer.from('fgh')];
  it.each([
    [0, ['abc', 'de', 'fgh']],
    [2, ['c', 'de', 'fgh']],
    [3, ['de', 'fgh']],
    [4, ['e', 'fgh']],
    [8, []],
  ])('after %i bytes written', (written, rest) => {
    expect(withoutFirstBytes(chunks, written).map((chunk) => chunk.toString())).toEqual(rest);
  });
});
