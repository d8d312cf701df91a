import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import type { BlobStore } from './blob-store';
import {
  BlobNotFoundError,
  BlobTooLargeError,
  DigestMismatchError,
  IncompleteUploadError,
  InvalidDigestError,
  InvalidRangeError,
  UploadExistsError,
  UploadNotFoundError,
  UploadOffsetMismatchError,
  UploadTooLargeError,
} from './errors';

/**
 * What the BlobStore contract suite needs from a driver: a fresh store per test, and a look at the
 * storage underneath it (file paths relative to the root, or object keys) in the driver's own layout.
 */
export interface BlobStoreHarness {
  /** A store on fresh, empty storage; called before each test. */
  create(): Promise<BlobStore>;
  /** Another store on the same storage: a restarted process, or another replica. */
  reopen(): BlobStore;
  /** A store on storage that was never created, and whether anything has reached that storage since. */
  untouched(): { store: BlobStore; touched(): Promise<boolean> };
  /** Every stored file or object under prefix ('' = everything), as relative paths or keys, sorted. */
  storedKeys(prefix?: string): Promise<string[]>;
  /** Where the upload area starts, as storedKeys spells it. */
  uploadsPrefix: string;
  /** Where a committed blob is stored, as storedKeys spells it. */
  blobKey(digest: string): string;
  readStored(key: string): Promise<Buffer>;
  storedSize(key: string): Promise<number>;
  /** Puts entries into the blob area that are not blobs (list() must skip them). */
  addForeignEntries(): Promise<void>;
  /** Removes everything create() made. */
  destroy(): Promise<void>;
}

export interface ContractOptions {
  /** Timeout of the 64 MiB streaming test (default 30 s). */
  largeUploadTimeoutMs?: number;
}

const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const sha512 = (bytes: Uint8Array) => `sha512:${createHash('sha512').update(bytes).digest('hex')}`;
const source = (...chunks: (string | Buffer)[]) => Readable.from(chunks.map((chunk) => Buffer.from(chunk)));

/** A source fed by hand with push(). */
const pushable = () =>
  new Readable({
    read() {
      // data is pushed by the test
    },
  });

async function readStream(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/**
 * The BlobStore contract, run by every driver's spec: what the registry relies on, whatever stores
 * the bytes.
 */
export function describeBlobStoreContract(name: string, makeHarness: () => BlobStoreHarness, options: ContractOptions = {}): void {
  describe(`${name} (BlobStore contract)`, () => {
    let h: BlobStoreHarness;
    let store: BlobStore;

    beforeEach(async () => {
      h = makeHarness();
      store = await h.create();
    });

    afterEach(async () => {
      await h.destroy();
    });

    describe('uploads', () => {
      it('appends chunks, then commits into the blob area', async () => {
        const id = randomUUID();
        await store.startUpload(id);
        expect(await store.uploadSize(id)).toBe(0);

        expect(await store.appendToUpload(id, 0, source('hello, '))).toBe(7);
        expect(await store.appendToUpload(id, 7, source('blob ', 'world'))).toBe(17);
        expect(await store.uploadSize(id)).toBe(17);
        expect(await store.appendToUpload(id, 17, source('!'))).toBe(18);

        const content = Buffer.from('hello, blob world!');
        const digest = sha256(content);
        await expect(store.commitUpload(id, digest)).resolves.toEqual({ digest, size: 18 });

        expect(await h.storedKeys()).toEqual([h.blobKey(digest)]);
        expect(await store.stat(digest)).toEqual({ digest, size: 18 });
        expect(await store.readAll(digest, 1024)).toEqual(content);
        expect(await store.uploadSize(id)).toBeUndefined();
        expect(await collect(store.listUploads())).toEqual([]);
      });

      it('verifies sha512 digests by re-reading the upload', async () => {
        const id = randomUUID();
        await store.startUpload(id);
        await store.appendToUpload(id, 0, source('abc', 'def'));
        await expect(store.commitUpload(id, sha512(Buffer.from('abcdef')))).resolves.toEqual({ digest: sha512(Buffer.from('abcdef')), size: 6 });
        expect(await store.readAll(sha512(Buffer.from('abcdef')), 100)).toEqual(Buffer.from('abcdef'));
      });

      it('commits an empty upload', async () => {
        const id = randomUUID();
        await store.startUpload(id);
        const digest = sha256(Buffer.alloc(0));
        await expect(store.commitUpload(id, digest)).resolves.toEqual({ digest, size: 0 });
        expect(await readStream(await store.open(digest))).toEqual(Buffer.alloc(0));
      });

      it('keeps nothing when the digest does not match', async () => {
        const id = randomUUID();
        await store.startUpload(id);
        await store.appendToUpload(id, 0, source('actual content'));
        const claimed = sha256(Buffer.from('other content'));

        const error = await store.commitUpload(id, claimed).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DigestMismatchError);
        expect(error).toMatchObject({ expected: claimed, actual: sha256(Buffer.from('actual content')) });

        expect(await store.uploadSize(id)).toBeUndefined();
        expect(await store.stat(claimed)).toBeUndefined();
        expect(await h.storedKeys()).toEqual([]);
        await expect(store.commitUpload(id, claimed)).rejects.toBeInstanceOf(UploadNotFoundError);
      });

      it('rejects an append at the wrong offset without writing', async () => {
        const id = randomUUID();
        await store.startUpload(id);
        await store.appendToUpload(id, 0, source('12345'));

        for (const offset of [0, 4, 6]) {
          await expect(store.appendToUpload(id, offset, source('xx'))).rejects.toEqual(expect.objectContaining({ name: 'UploadOffsetMismatchError', expectedOffset: offset, actualSize: 5 }));
        }
        await expect(store.appendToUpload(id, 0, source('xx'))).rejects.toBeInstanceOf(UploadOffsetMismatchError);
        expect(await store.uploadSize(id)).toBe(5);
      });

      it('truncates back to the offset when the source fails mid-way, and the upload stays usable', async () => {
        const id = randomUUID();
        await store.startUpload(id);
        await store.appendToUpload(id, 0, source('good '));

        let sizeWhenFailing: number | undefined;
        let sent = 0;
        const failing = new Readable({
          read() {
            if (sent < 4) {
              sent++;
              this.push(Buffer.alloc(64 * 1024, 0x61));
            } else if (sent === 4) {
              sent++;
              // Give the writes time to land, so the rollback has something to undo.
              void delay(30).then(async () => {
                sizeWhenFailing = await store.uploadSize(id);
                this.destroy(new Error('connection reset'));
              });
            }
          },
        });
        await expect(store.appendToUpload(id, 5, failing)).rejects.toThrow('connection reset');
        expect(sizeWhenFailing).toBeGreaterThan(5);
        expect(await store.uploadSize(id)).toBe(5);

        // The cached hash state must not include the discarded bytes.
        await store.appendToUpload(id, 5, source('bytes'));
        await expect(store.commitUpload(id, sha256(Buffer.from('good bytes')))).resolves.toMatchObject({ size: 10 });
      });

      it('truncates back when the source is destroyed without an error or the append is aborted', async () => {
        const id = randomUUID();
        await store.startUpload(id);

        const closed = pushable();
        closed.push('partial');
        setTimeout(() => closed.destroy(), 20);
        await expect(store.appendToUpload(id, 0, closed)).rejects.toMatchObject({ code: 'ERR_STREAM_PREMATURE_CLOSE' });
        expect(await store.uploadSize(id)).toBe(0);

        const controller = new AbortController();
        const stalled = pushable();
        stalled.push('partial');
        setTimeout(() => controller.abort(), 20);
        await expect(store.appendToUpload(id, 0, stalled, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
        expect(await store.uploadSize(id)).toBe(0);
      });

      it('enforces maxBytes on the appended stream', async () => {
        const id = randomUUID();
        await store.startUpload(id);
        await store.appendToUpload(id, 0, source('1234'), { maxBytes: 4 });

        const tooMuch = Readable.from([Buffer.alloc(3000, 1), Buffer.alloc(3000, 2)]);
        await expect(store.appendToUpload(id, 4, tooMuch, { maxBytes: 5000 })).rejects.toEqual(expect.objectContaining({ name: 'UploadTooLargeError', limit: 5000 }));
        expect(await store.uploadSize(id)).toBe(4);

        // An announced length above the limit fails before anything is read.
        const untouched = source('abc');
        await expect(store.appendToUpload(id, 4, untouched, { maxBytes: 10, expectedLength: 11 })).rejects.toBeInstanceOf(UploadTooLargeError);
        expect(untouched.readableEnded).toBe(false);
        expect(await store.uploadSize(id)).toBe(4);
      });

      it('rejects a stream shorter or longer than expectedLength and truncates back', async () => {
        const id = randomUUID();
        await store.startUpload(id);

        const short = await store.appendToUpload(id, 0, source('abc'), { expectedLength: 10 }).catch((e: unknown) => e);
        expect(short).toBeInstanceOf(IncompleteUploadError);
        expect(short).toMatchObject({ expectedLength: 10, receivedLength: 3 });
        expect(await store.uploadSize(id)).toBe(0);

        await expect(store.appendToUpload(id, 0, source('abcdef'), { expectedLength: 5 })).rejects.toBeInstanceOf(UploadTooLargeError);
        expect(await store.uploadSize(id)).toBe(0);

        expect(await store.appendToUpload(id, 0, source('abc', 'de'), { expectedLength: 5 })).toBe(5);
      });

      it('continues an upload after a restart and commits with the right digest', async () => {
        const id = randomUUID();
        await store.startUpload(id);
        await store.appendToUpload(id, 0, source('before restart, '));

        const restarted = h.reopen();
        expect(await restarted.uploadSize(id)).toBe(16);
        expect(await restarted.appendToUpload(id, 16, source('after restart'))).toBe(29);
        const content = Buffer.from('before restart, after restart');
        await expect(restarted.commitUpload(id, sha256(content))).resolves.toEqual({ digest: sha256(content), size: 29 });
        expect(await store.readAll(sha256(content), 100)).toEqual(content);
      });

      it('recomputes the hash when its cached state is at another offset or missing at commit', async () => {
        const id = randomUUID();
        await store.startUpload(id);
        await store.appendToUpload(id, 0, source('one '));
        // Another instance (or a previous process) moved the upload on: our cached state is stale.
        await h.reopen().appendToUpload(id, 4, source('two '));
        await store.appendToUpload(id, 8, source('three'));
        await expect(store.commitUpload(id, sha256(Buffer.from('one two three')))).resolves.toMatchObject({ size: 13 });

        const other = randomUUID();
        await store.startUpload(other);
        await store.appendToUpload(other, 0, source('no appends after restart'));
        await expect(h.reopen().commitUpload(other, sha256(Buffer.from('no appends after restart')))).resolves.toMatchObject({ size: 24 });
      });

      it('serialises concurrent appends to the same upload', async () => {
        const id = randomUUID();
        await store.startUpload(id);
        const results = await Promise.allSettled([store.appendToUpload(id, 0, source('aaa')), store.appendToUpload(id, 0, source('bbb'))]);
        expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
        expect(results.find((result) => result.status === 'rejected')).toMatchObject({ reason: expect.any(UploadOffsetMismatchError) });
        expect(await store.uploadSize(id)).toBe(3);
      });

      it('starts, lists and deletes uploads', async () => {
        const [a, b] = [randomUUID(), randomUUID()];
        await store.startUpload(a);
        await store.startUpload(b);
        await expect(store.startUpload(a)).rejects.toBeInstanceOf(UploadExistsError);
        await store.appendToUpload(b, 0, source('12345'));

        const uploads = await collect(store.listUploads());
        expect(uploads.map(({ id, size }) => ({ id, size })).sort((x, y) => x.size - y.size)).toEqual([
          { id: a, size: 0 },
          { id: b, size: 5 },
        ]);
        expect(uploads.every((upload) => upload.modifiedAt.getTime() > Date.now() - 60_000)).toBe(true);

        expect(await store.deleteUpload(a)).toBe(true);
        expect(await store.deleteUpload(a)).toBe(false);
        expect(await store.uploadSize(a)).toBeUndefined();
        await expect(store.appendToUpload(a, 0, source('x'))).rejects.toBeInstanceOf(UploadNotFoundError);
        await expect(store.commitUpload(a, sha256(Buffer.alloc(0)))).rejects.toBeInstanceOf(UploadNotFoundError);
        expect((await collect(store.listUploads())).map((upload) => upload.id)).toEqual([b]);
      });

      it('fails an append whose upload is deleted while it is writing', async () => {
        const id = randomUUID();
        await store.startUpload(id);
        const slow = pushable();
        slow.push('some bytes');
        const append = store.appendToUpload(id, 0, slow);
        await delay(20);
        expect(await store.deleteUpload(id)).toBe(true);
        slow.push(null);
        await expect(append).rejects.toBeInstanceOf(UploadNotFoundError);
        expect(await store.uploadSize(id)).toBeUndefined();
      });

      it('stores a blob once when 20 uploads of the same content commit concurrently', async () => {
        const content = Buffer.from('the same layer, pushed by twenty clients at once');
        const digest = sha256(content);
        const ids = Array.from({ length: 20 }, () => randomUUID());
        const results = await Promise.all(
          ids.map(async (id) => {
            await store.startUpload(id);
            await store.appendToUpload(id, 0, source(content.subarray(0, 10)));
            await store.appendToUpload(id, 10, source(content.subarray(10)));
            return store.commitUpload(id, digest);
          }),
        );
        expect(results).toEqual(ids.map(() => ({ digest, size: content.length })));
        expect(await h.storedKeys()).toEqual([h.blobKey(digest)]);
        expect(await h.readStored(h.blobKey(digest))).toEqual(content);

        // Same for bytes already in memory.
        const manifest = Buffer.from('{"schemaVersion":2}');
        await Promise.all(Array.from({ length: 20 }, () => store.putBytes(sha256(manifest), manifest)));
        expect(await h.storedKeys(h.uploadsPrefix)).toEqual([]);
        expect((await collect(store.list())).map((blob) => blob.digest).sort()).toEqual([digest, sha256(manifest)].sort());
      });
    });

    describe('blobs', () => {
      it('stores bytes under their verified digest', async () => {
        const bytes = Buffer.from('{"mediaType":"application/vnd.oci.image.manifest.v1+json"}');
        await expect(store.putBytes(sha256(bytes), bytes)).resolves.toEqual({ digest: sha256(bytes), size: bytes.length });
        await expect(store.putBytes(sha512(bytes), bytes)).resolves.toEqual({ digest: sha512(bytes), size: bytes.length });
        expect(await store.readAll(sha256(bytes), bytes.length)).toEqual(bytes);
        await expect(store.readAll(sha256(bytes), bytes.length - 1)).rejects.toBeInstanceOf(BlobTooLargeError);

        const wrong = sha256(Buffer.from('something else'));
        await expect(store.putBytes(wrong, bytes)).rejects.toBeInstanceOf(DigestMismatchError);
        expect(await store.stat(wrong)).toBeUndefined();
        expect(await h.storedKeys(h.uploadsPrefix)).toEqual([]);
      });

      it('reads whole blobs and inclusive byte ranges', async () => {
        const bytes = Buffer.from('0123456789');
        const digest = sha256(bytes);
        await store.putBytes(digest, bytes);

        expect((await readStream(await store.open(digest))).toString()).toBe('0123456789');
        expect((await readStream(await store.open(digest, { start: 2, end: 5 }))).toString()).toBe('2345');
        expect((await readStream(await store.open(digest, { start: 9, end: 9 }))).toString()).toBe('9');
        expect((await readStream(await store.open(digest, { start: 7, end: 100 }))).toString()).toBe('789');
        await expect(store.open(digest, { start: 10, end: 12 })).rejects.toBeInstanceOf(InvalidRangeError);
        await expect(store.open(digest, { start: 5, end: 4 })).rejects.toBeInstanceOf(InvalidRangeError);
        await expect(store.open(digest, { start: -1, end: 4 })).rejects.toBeInstanceOf(InvalidRangeError);

        const missing = sha256(Buffer.from('missing'));
        await expect(store.open(missing)).rejects.toBeInstanceOf(BlobNotFoundError);
        await expect(store.readAll(missing, 10)).rejects.toBeInstanceOf(BlobNotFoundError);
        expect(await store.stat(missing)).toBeUndefined();
      });

      it('keeps serving an open stream after the blob is deleted', async () => {
        const bytes = Buffer.alloc(200_000, 7);
        await store.putBytes(sha256(bytes), bytes);
        const stream = await store.open(sha256(bytes));
        expect(await store.delete(sha256(bytes))).toBe(true);
        expect(await store.delete(sha256(bytes))).toBe(false);
        expect(await readStream(stream)).toEqual(bytes);
        expect(await store.stat(sha256(bytes))).toBeUndefined();
      });

      it('lists stored blobs and ignores foreign files in the tree', async () => {
        expect(await collect(store.list())).toEqual([]);
        const a = Buffer.from('a');
        const b = Buffer.from('bb');
        await store.putBytes(sha256(a), a);
        await store.putBytes(sha512(b), b);
        await h.addForeignEntries();

        const blobs = await collect(store.list());
        expect(blobs.map(({ digest, size }) => ({ digest, size })).sort((x, y) => x.size - y.size)).toEqual([
          { digest: sha256(a), size: 1 },
          { digest: sha512(b), size: 2 },
        ]);
        expect(blobs.every((blob) => blob.modifiedAt.getTime() > Date.now() - 60_000)).toBe(true);
      });
    });

    describe('untrusted input', () => {
      const badDigests = [
        'sha256:../../etc',
        'sha256:../../../../etc/passwd',
        `sha256:${'a'.repeat(62)}/..`,
        `sha256:${'A'.repeat(64)}`,
        `SHA256:${'a'.repeat(64)}`,
        `sha256:${'a'.repeat(63)}`,
        `sha256:${'a'.repeat(65)}`,
        `sha256:${'a'.repeat(64)}\n`,
        `sha384:${'a'.repeat(96)}`,
        `sha512:${'a'.repeat(64)}`,
        'a'.repeat(64),
        '',
      ];
      const badIds = ['../x', '..', 'a/b', 'x\\y', '.', '', 'a'.repeat(65), 'id\0', 'id with space', '../../blobs/sha256'];

      it('rejects malformed digests before touching storage', async () => {
        const { store: untouched, touched } = h.untouched();
        const id = randomUUID();
        for (const digest of badDigests) {
          await expect(untouched.stat(digest)).rejects.toBeInstanceOf(InvalidDigestError);
          await expect(untouched.open(digest)).rejects.toBeInstanceOf(InvalidDigestError);
          await expect(untouched.readAll(digest, 10)).rejects.toBeInstanceOf(InvalidDigestError);
          await expect(untouched.delete(digest)).rejects.toBeInstanceOf(InvalidDigestError);
          await expect(untouched.putBytes(digest, Buffer.from('x'))).rejects.toBeInstanceOf(InvalidDigestError);
          await expect(untouched.commitUpload(id, digest)).rejects.toBeInstanceOf(InvalidDigestError);
        }
        expect(await touched()).toBe(false);
      });

      it('rejects malformed upload ids as unknown uploads before touching storage', async () => {
        const { store: untouched, touched } = h.untouched();
        for (const id of badIds) {
          await expect(untouched.startUpload(id)).rejects.toBeInstanceOf(UploadNotFoundError);
          await expect(untouched.uploadSize(id)).rejects.toBeInstanceOf(UploadNotFoundError);
          await expect(untouched.appendToUpload(id, 0, source('x'))).rejects.toBeInstanceOf(UploadNotFoundError);
          await expect(untouched.commitUpload(id, sha256(Buffer.from('x')))).rejects.toBeInstanceOf(UploadNotFoundError);
          await expect(untouched.deleteUpload(id)).rejects.toBeInstanceOf(UploadNotFoundError);
        }
        expect(await touched()).toBe(false);
      });

      it('does not let an upload id reach outside uploads/', async () => {
        await store.putBytes(sha256(Buffer.from('victim')), Buffer.from('victim'));
        await expect(store.deleteUpload('../blobs')).rejects.toBeInstanceOf(UploadNotFoundError);
        expect(await store.stat(sha256(Buffer.from('victim')))).toEqual({ digest: sha256(Buffer.from('victim')), size: 6 });
      });
    });

    it('streams a 64 MiB upload without buffering it in memory', async () => {
      const gc = exposeGc();
      const chunkSize = 64 * 1024;
      const totalSize = 64 * 1024 * 1024;
      const id = randomUUID();
      await store.startUpload(id);

      const expected = createHash('sha256');
      const measure = () => {
        gc?.();
        const usage = process.memoryUsage();
        return usage.heapUsed + usage.arrayBuffers;
      };
      const baseline = measure();
      let peak = 0;
      let sizeOnDiskAt48MiB = 0;
      async function* generate() {
        for (let produced = 0; produced < totalSize; produced += chunkSize) {
          const chunk = Buffer.allocUnsafe(chunkSize).fill(produced / chunkSize);
          expected.update(chunk);
          if (produced % (8 * 1024 * 1024) === 0) peak = Math.max(peak, measure() - baseline);
          if (produced === 48 * 1024 * 1024) sizeOnDiskAt48MiB = (await store.uploadSize(id)) ?? 0;
          yield chunk;
        }
      }

      expect(await store.appendToUpload(id, 0, Readable.from(generate()), { expectedLength: totalSize })).toBe(totalSize);
      peak = Math.max(peak, measure() - baseline);
      const digest = `sha256:${expected.digest('hex')}`;
      await expect(store.commitUpload(id, digest)).resolves.toEqual({ digest, size: totalSize });

      expect(sizeOnDiskAt48MiB).toBeGreaterThan(40 * 1024 * 1024); // bytes reach storage while the source is still producing
      expect(peak).toBeLessThan(32 * 1024 * 1024);
      expect(await h.storedSize(h.blobKey(digest))).toBe(totalSize);
    }, options.largeUploadTimeoutMs ?? 30_000);
  });
}

/**
 * A real `gc()` makes the memory measurement about retained memory rather than garbage that V8 has
 * not collected yet (Buffers are off-heap; V8 only feels pressure at ~64 MiB of them).
 */
function exposeGc(): (() => void) | undefined {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}
