import { createHash, randomBytes, type Hash } from 'node:crypto';
import type { Dir, Dirent, ReadStream, Stats } from 'node:fs';
import { mkdir, open, opendir, rename, rm, stat, unlink, utimes, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Transform, Writable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { blobFileStream } from './blob-file-stream';
import type { AppendOptions, BlobInfo, BlobStore, ByteRange, StoredBlob, UploadInfo } from './blob-store';
import { DIGEST_ALGORITHMS, HEX_LENGTH, isValidUploadId, parseDigest, type DigestAlgorithm, type ParsedDigest } from './digest';
import {
  BlobNotFoundError,
  BlobTooLargeError,
  DigestMismatchError,
  IncompleteUploadError,
  InvalidRangeError,
  UploadExistsError,
  UploadNotFoundError,
  UploadOffsetMismatchError,
  UploadTooLargeError,
} from './errors';

/** A committed upload written to this recently keeps its mtime as the blob's: GC grace periods are minutes. */
const FRESH_SOURCE_MS = 10_000;

/** Incremental sha256 of an upload's first `offset` bytes. */
interface HashState {
  offset: number;
  hash: Hash;
}

const READ_BUFFER_SIZE = 256 * 1024;
/**
 * What an upload may hold in memory while a write is in flight; whatever arrived meanwhile goes
 * in one positional writev. Socket reads are at most 64 KiB, so writing each as it came cost a
 * thread-pool round trip per 64 KiB (measured: 4,485 writes for a 192 MiB image).
 */
const WRITE_HIGH_WATER_MARK = 1024 * 1024;
/**
 * An upload's data is flushed to disk while it still arrives, every this many bytes, so the flush
 * that must precede its digest name (commitUpload) finds only the tail dirty. Flushing 64 MiB took
 * 16 ms on this machine's disk, paid at the end of every big layer's PUT; docker-registry does not
 * flush at all.
 */
const WRITE_BEHIND_FLUSH_BYTES = 8 * 1024 * 1024;

/**
 * Blob store on a local (or shared POSIX) file system:
 *
 * ```
 * <rootDir>/blobs/<alg>/<first 2 hex>/<hex>   committed blobs, immutable
 * <rootDir>/uploads/<id>                      uploads in progress (same file system, so rename is atomic)
 * <rootDir>/uploads/put-<32 hex>              putBytes temp files (listed as uploads so cleanup reclaims leftovers)
 * ```
 *
 * The upload file is the upload's whole state; the running sha256 per upload is only a cache
 * (`Hash.copy()` before each append, so a failed append leaves it valid) and is recomputed from the
 * file when missing (after a restart) or at another offset. Nothing is ever buffered in memory
 * beyond stream chunks. Directories are created lazily and never removed (removing an empty prefix
 * directory would race with a concurrent commit into it).
 */
export class FilesystemBlobStore implements BlobStore {
  readonly statIsLocal = true;
  private readonly rootDir: string;
  private readonly blobsDir: string;
  private readonly uploadsDir: string;
  private readonly hashes = new Map<string, HashState>();
  private readonly locks = new Map<string, Promise<void>>();

  constructor(rootDir: string) {
    this.rootDir = resolve(rootDir);
    this.blobsDir = join(this.rootDir, 'blobs');
    this.uploadsDir = join(this.rootDir, 'uploads');
  }

  // ---------------------------------------------------------------- blobs

  async stat(digest: string): Promise<BlobInfo | undefined> {
    const parsed = parseDigest(digest);
    const stats = await statIfExists(this.blobPath(parsed));
    return stats?.isFile() ? { digest: parsed.digest, size: stats.size } : undefined;
  }

  async open(digest: string, range?: ByteRange): Promise<ReadStream> {
    const parsed = parseDigest(digest);
    if (range && !isValidRange(range)) throw new InvalidRangeError(range.start, range.end);
    const handle = await this.openBlob(parsed);
    try {
      const { size } = await handle.stat();
      if (range && range.start >= size) throw new InvalidRangeError(range.start, range.end, size);
      return blobFileStream(handle, range?.start ?? 0, Math.min(range?.end ?? size - 1, size - 1));
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  async readAll(digest: string, maxBytes: number): Promise<Buffer> {
    const parsed = parseDigest(digest);
    const handle = await this.openBlob(parsed);
    try {
      const { size } = await handle.stat();
      if (size > maxBytes) throw new BlobTooLargeError(parsed.digest, size, maxBytes);
      const buffer = Buffer.allocUnsafe(size);
      let filled = 0;
      while (filled < size) {
        const { bytesRead } = await handle.read(buffer, filled, size - filled, filled);
        if (bytesRead === 0) break;
        filled += bytesRead;
      }
      return buffer.subarray(0, filled);
    } finally {
      await handle.close();
    }
  }

  async delete(digest: string): Promise<boolean> {
    const parsed = parseDigest(digest);
    return unlinkIfExists(this.blobPath(parsed));
  }

  async *list(): AsyncIterable<StoredBlob> {
    for (const algorithm of DIGEST_ALGORITHMS) {
      const algorithmDir = join(this.blobsDir, algorithm);
      for await (const prefix of directoryEntries(algorithmDir)) {
        if (!prefix.isDirectory() || !/^[0-9a-f]{2}$/.test(prefix.name)) continue;
        const prefixDir = join(algorithmDir, prefix.name);
        for await (const entry of directoryEntries(prefixDir)) {
          if (!isBlobFileName(algorithm, prefix.name, entry)) continue;
          const stats = await statIfExists(join(prefixDir, entry.name));
          if (stats?.isFile()) yield { digest: `${algorithm}:${entry.name}`, size: stats.size, modifiedAt: stats.mtime };
        }
      }
    }
  }

  async putBytes(digest: string, bytes: Uint8Array): Promise<BlobInfo> {
    const parsed = parseDigest(digest);
    const actual = createHash(parsed.algorithm).update(bytes).digest('hex');
    if (actual !== parsed.hex) throw new DigestMismatchError(parsed.digest, `${parsed.algorithm}:${actual}`);
    const info = { digest: parsed.digest, size: bytes.byteLength };
    if (await this.refreshExisting(this.blobPath(parsed), info.size)) return info;

    const temp = join(this.uploadsDir, `put-${randomBytes(16).toString('hex')}`);
    try {
      const handle = await this.createInUploads(temp);
      try {
        await handle.writeFile(bytes);
        await handle.datasync();
      } finally {
        await handle.close();
      }
      await this.moveIntoPlace(temp, this.blobPath(parsed), info.size, Date.now());
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return info;
  }

  // -------------------------------------------------------------- uploads

  async startUpload(id: string): Promise<void> {
    const file = this.uploadPath(id);
    await this.withUploadLock(id, async () => {
      try {
        await (await this.createInUploads(file)).close();
      } catch (error) {
        if (errorCode(error) === 'EEXIST') throw new UploadExistsError(id);
        throw error;
      }
      this.hashes.set(id, { offset: 0, hash: createHash('sha256') });
    });
  }

  async uploadSize(id: string): Promise<number | undefined> {
    const stats = await statIfExists(this.uploadPath(id));
    return stats?.isFile() ? stats.size : undefined;
  }

  async appendToUpload(id: string, expectedOffset: number, source: NodeJS.ReadableStream, options: AppendOptions = {}): Promise<number> {
    const file = this.uploadPath(id);
    const { maxBytes = Number.POSITIVE_INFINITY, expectedLength, signal } = options;
    if (!Number.isSafeInteger(expectedOffset) || expectedOffset < 0) throw new RangeError(`invalid upload offset ${expectedOffset}`);
    if (expectedLength !== undefined && (!Number.isSafeInteger(expectedLength) || expectedLength < 0)) {
      throw new RangeError(`invalid expected length ${expectedLength}`);
    }
    if (expectedLength !== undefined && expectedLength > maxBytes) throw new UploadTooLargeError(id, maxBytes);

    return this.withUploadLock(id, async () => {
      const handle = await this.openUpload(id, file);
      try {
        const { size } = await handle.stat();
        if (size !== expectedOffset) throw new UploadOffsetMismatchError(id, expectedOffset, size);
        const hash = await this.sha256At(id, handle, expectedOffset);

        let received = 0;
        const meter = new Transform({
          transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
            received += chunk.length;
            if (received > maxBytes) return callback(new UploadTooLargeError(id, maxBytes));
            if (expectedLength !== undefined && received > expectedLength) return callback(new UploadTooLargeError(id, expectedLength));
            hash.update(chunk);
            callback(null, chunk);
          },
        });
        const sink = new FileRangeWriter(handle, expectedOffset);
        try {
          await pipeline(source, meter, sink, signal ? { signal } : {});
          if (expectedLength !== undefined && received !== expectedLength) throw new IncompleteUploadError(id, expectedLength, received);
        } catch (error) {
          // Roll back only once no write of ours can land after the truncate.
          sink.destroy();
          await sink.settled();
          // If even the truncate fails, the caller still gets the original error: the file stays the
          // source of truth (its size is what uploadSize reports, and the hash cache is keyed by offset).
          await handle.truncate(expectedOffset).catch(() => undefined);
          throw error;
        }

        // A write-behind flush may still run on this handle.
        await sink.settled();
        // Deleted (deleteUpload / cleanup) while we were writing: report it and cache nothing.
        if ((await handle.stat()).nlink === 0) throw new UploadNotFoundError(id);
        const newSize = expectedOffset + received;
        this.hashes.set(id, { offset: newSize, hash });
        return newSize;
      } finally {
        await handle.close();
      }
    });
  }

  async commitUpload(id: string, digest: string): Promise<BlobInfo> {
    const parsed = parseDigest(digest);
    const file = this.uploadPath(id);
    return this.withUploadLock(id, async () => {
      const handle = await this.openUpload(id, file);
      let size: number;
      let modifiedAtMs: number;
      let actual: string;
      try {
        ({ size, mtimeMs: modifiedAtMs } = await handle.stat());
        actual = await this.digestOfUpload(id, handle, size, parsed.algorithm);
        // The content is verified from the page cache; make it durable before it gets a digest name.
        if (actual === parsed.hex) await handle.datasync();
      } finally {
        await handle.close();
      }
      this.hashes.delete(id);
      if (actual !== parsed.hex) {
        await unlinkIfExists(file);
        throw new DigestMismatchError(parsed.digest, `${parsed.algorithm}:${actual}`);
      }
      try {
        await this.moveIntoPlace(file, this.blobPath(parsed), size, modifiedAtMs);
      } catch (error) {
        if (errorCode(error) === 'ENOENT') throw new UploadNotFoundError(id); // deleted meanwhile
        throw error;
      }
      return { digest: parsed.digest, size };
    });
  }

  /**
   * Not serialised behind a running append (a stalled client must not block cleanup): the file is
   * unlinked at once, and an append still writing to it then fails with UploadNotFoundError.
   */
  async deleteUpload(id: string): Promise<boolean> {
    const file = this.uploadPath(id);
    this.hashes.delete(id);
    return unlinkIfExists(file);
  }

  async *listUploads(): AsyncIterable<UploadInfo> {
    for await (const entry of directoryEntries(this.uploadsDir)) {
      if (!entry.isFile() || !isValidUploadId(entry.name)) continue;
      const stats = await statIfExists(join(this.uploadsDir, entry.name));
      if (stats?.isFile()) yield { id: entry.name, size: stats.size, modifiedAt: stats.mtime };
    }
  }

  // ------------------------------------------------------------- internals

  /** Only ever called with a parsed digest: the path components are fixed-length lowercase hex. */
  private blobPath({ algorithm, hex }: ParsedDigest): string {
    return join(this.blobsDir, algorithm, hex.slice(0, 2), hex);
  }

  private uploadPath(id: string): string {
    if (!isValidUploadId(id)) throw new UploadNotFoundError(String(id));
    return join(this.uploadsDir, id);
  }

  private async openBlob(parsed: ParsedDigest): Promise<FileHandle> {
    try {
      return await open(this.blobPath(parsed), 'r');
    } catch (error) {
      if (isNotFound(error)) throw new BlobNotFoundError(parsed.digest);
      throw error;
    }
  }

  /**
   * A new file in the uploads directory, which is made only when missing: a mkdir before every
   * create was one more thread-pool round trip per blob (each about 60 µs of CPU on a 2-core VM).
   */
  private async createInUploads(file: string): Promise<FileHandle> {
    try {
      return await open(file, 'wx');
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await mkdir(this.uploadsDir, { recursive: true });
      return open(file, 'wx');
    }
  }

  private async openUpload(id: string, file: string): Promise<FileHandle> {
    try {
      return await open(file, 'r+');
    } catch (error) {
      if (isNotFound(error)) throw new UploadNotFoundError(id);
      throw error;
    }
  }

  /** A copy of the cached sha256 state at `offset`, or the hash of the file's first `offset` bytes. */
  private async sha256At(id: string, handle: FileHandle, offset: number): Promise<Hash> {
    const cached = this.hashes.get(id);
    if (cached?.offset === offset) return cached.hash.copy();
    this.hashes.delete(id);
    return hashFile(handle, createHash('sha256'), offset);
  }

  private async digestOfUpload(id: string, handle: FileHandle, size: number, algorithm: DigestAlgorithm): Promise<string> {
    if (algorithm === 'sha256') return (await this.sha256At(id, handle, size)).digest('hex');
    return (await hashFile(handle, createHash(algorithm), size)).digest('hex');
  }

  /**
   * Renames a verified file to its digest path. Concurrent commits of the same content all succeed
   * and leave one file: either the blob is already there (the source is dropped) or the renames
   * replace each other atomically with identical bytes. The blob's mtime must be about now so the
   * GC grace period covers the manifest push that usually follows: a source last written more than
   * FRESH_SOURCE_MS ago (a chunked upload finished much later) is touched first. The digest's
   * directory is made only when the rename finds it missing. (Each skipped call is a thread-pool
   * round trip, about 60 µs of CPU here, on every blob a push uploads.)
   */
  private async moveIntoPlace(source: string, target: string, size: number, sourceModifiedAtMs: number): Promise<void> {
    if (await this.refreshExisting(target, size)) {
      await rm(source, { force: true });
      return;
    }
    if (Date.now() - sourceModifiedAtMs > FRESH_SOURCE_MS) {
      const now = new Date();
      await utimes(source, now, now);
    }
    try {
      await rename(source, target);
    } catch (error) {
      // A vanished source fails the second rename the same way, and callers report it.
      if (!isNotFound(error)) throw error;
      await mkdir(dirname(target), { recursive: true });
      await rename(source, target);
    }
  }

  /** True if an intact copy of the blob is stored (its mtime is then refreshed); false if it has to be written. */
  private async refreshExisting(target: string, size: number): Promise<boolean> {
    const existing = await statIfExists(target);
    if (!existing?.isFile() || existing.size !== size) return false; // absent, or a damaged copy to replace
    const now = new Date();
    try {
      await utimes(target, now, now);
      return true;
    } catch (error) {
      if (isNotFound(error)) return false; // garbage-collected in between
      throw error;
    }
  }

  /** Per-upload-id promise chain: concurrent calls for the same id run one after the other. */
  private async withUploadLock<T>(id: string, task: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(id) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolvePromise) => (release = resolvePromise));
    const tail = previous.then(() => current);
    this.locks.set(id, tail);
    try {
      await previous;
      return await task();
    } finally {
      release();
      if (this.locks.get(id) === tail) this.locks.delete(id);
    }
  }
}

/**
 * Positional writer over a FileHandle that leaves the handle open (fs write streams close their
 * handle on destroy even with `autoClose: false`, which would make rolling back impossible) and
 * lets the caller wait until no write is in flight.
 */
class FileRangeWriter extends Writable {
  private inFlight: Promise<void> = Promise.resolve();
  /** The write-behind flush running now, if any (at most one at a time). */
  private flushing: Promise<void> | undefined;
  private unflushedBytes = 0;

  constructor(
    private readonly handle: FileHandle,
    private position: number,
  ) {
    super({ highWaterMark: WRITE_HIGH_WATER_MARK });
  }

  // (No _write: Writable hands a single chunk to _writev too.)
  override _writev(chunks: { chunk: Buffer }[], callback: (error?: Error | null) => void): void {
    this.inFlight = this.writeFully(chunks.map(({ chunk }) => chunk)).then(
      () => callback(),
      (error: Error) => callback(error),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    void this.settled().then(() => callback(error));
  }

  /** Resolves once the current write and write-behind flush (if any) have completed or failed: the handle may be closed then. */
  async settled(): Promise<void> {
    await this.inFlight.catch(() => undefined);
    await this.flushing;
  }

  private async writeFully(chunks: Buffer[]): Promise<void> {
    let pending = chunks.filter((chunk) => chunk.length > 0);
    while (pending.length > 0) {
      const { bytesWritten } = await this.handle.writev(pending, this.position);
      this.position += bytesWritten;
      this.unflushedBytes += bytesWritten;
      pending = withoutFirstBytes(pending, bytesWritten);
    }
    this.flushBehind();
  }

  /** Starts flushing what was written so far, unless a flush runs or too little is new; never awaited by the writes. */
  private flushBehind(): void {
    if (this.flushing || this.unflushedBytes < WRITE_BEHIND_FLUSH_BYTES) return;
    this.unflushedBytes = 0;
    // Best effort: the flush that counts is commitUpload's, which reports its own failure.
    this.flushing = this.handle
      .datasync()
      .catch(() => undefined)
      .finally(() => (this.flushing = undefined));
  }
}

/** What is left of `chunks` after a (possibly partial) write of `written` bytes. */
export function withoutFirstBytes(chunks: Buffer[], written: number): Buffer[] {
  let skip = written;
  let index = 0;
  while (index < chunks.length && skip >= chunks[index].length) skip -= chunks[index++].length;
  const rest = chunks.slice(index);
  if (rest.length > 0 && skip > 0) rest[0] = rest[0].subarray(skip);
  return rest;
}

/** Feeds the first `length` bytes of the file into `hash` without holding more than one buffer. */
async function hashFile(handle: FileHandle, hash: Hash, length: number): Promise<Hash> {
  const buffer = Buffer.allocUnsafe(Math.min(READ_BUFFER_SIZE, Math.max(length, 1)));
  let position = 0;
  while (position < length) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, length - position), position);
    if (bytesRead === 0) throw new Error(`file ended at ${position} of ${length} bytes while hashing`);
    hash.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
  return hash;
}

async function* directoryEntries(dir: string): AsyncIterable<Dirent> {
  let handle: Dir;
  try {
    handle = await opendir(dir);
  } catch (error) {
    if (isNotFound(error)) return;
    throw error;
  }
  yield* handle; // the Dir closes itself when iteration ends or is abandoned
}

function isBlobFileName(algorithm: DigestAlgorithm, prefix: string, entry: Dirent): boolean {
  return (
    entry.isFile() &&
    entry.name.length === HEX_LENGTH[algorithm] &&
    entry.name.startsWith(prefix) &&
    /^[0-9a-f]+$/.test(entry.name)
  );
}

function isValidRange({ start, end }: ByteRange): boolean {
  return Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && end >= start;
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : undefined;
}

function isNotFound(error: unknown): boolean {
  const code = errorCode(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

async function statIfExists(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function unlinkIfExists(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}
