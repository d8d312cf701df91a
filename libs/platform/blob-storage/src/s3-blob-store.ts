import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
  type CompletedPart,
} from '@aws-sdk/client-s3';
import { createHash, type Hash } from 'node:crypto';
import { Transform, Writable, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AppendOptions, BlobInfo, BlobStore, ByteRange, StoredBlob, UploadInfo } from './blob-store';
import { DIGEST_ALGORITHMS, HEX_LENGTH, isValidUploadId, parseDigest, type DigestAlgorithm, type ParsedDigest } from './digest';
import {
  BlobNotFoundError,
  BlobStoreError,
  BlobTooLargeError,
  DigestMismatchError,
  IncompleteUploadError,
  InvalidRangeError,
  UploadExistsError,
  UploadNotFoundError,
  UploadOffsetMismatchError,
  UploadTooLargeError,
} from './errors';
import { KeyedLock } from './keyed-lock';

const MiB = 1024 * 1024;
/** S3's floor for every multipart part but the last. */
const MIN_MULTIPART_PART = 5 * MiB;
/** S3's ceiling for CopyObject, PutObject and one multipart part. */
const MAX_SINGLE_OBJECT = 5 * 1024 * MiB;
const MAX_MULTIPART_PARTS = 10_000;
const DEFAULT_PART_SIZE = 8 * MiB;
const DELETE_CONCURRENCY = 8;
const OFFSET_DIGITS = 16; // Number.MAX_SAFE_INTEGER has 16 digits, so zero-padded offsets sort as numbers
const SESSION = 'session';
const PART_NAME = /^part-(\d{16})$/;

export interface S3ConnectionSettings {
  /** Endpoint URL of an S3-compatible server (MinIO, Ceph RGW, R2, ...); omit for AWS S3 in `region`. */
  endpoint?: string;
  region: string;
  /** Static credentials; without both, the AWS SDK's default chain (AWS_* variables, web identity, instance profile). */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** `endpoint/bucket/key` URLs instead of `bucket.endpoint/key` (MinIO and most self-hosted servers need this). */
  forcePathStyle?: boolean;
}

/** An S3 client set up for S3-compatible servers as well as AWS. */
export function createS3Client(settings: S3ConnectionSettings): S3Client {
  const { endpoint, region, accessKeyId, secretAccessKey, forcePathStyle = false } = settings;
  return new S3Client({
    region,
    forcePathStyle,
    ...(endpoint ? { endpoint } : {}),
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {}),
    // Checksums only where the API requires them: several S3-compatible servers reject or ignore the
    // SDK's newer default CRC headers. Content is verified against its digest at commit anyway.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // Only the connect is bounded: a blob download may idle while a slow client catches up.
    requestHandler: { connectionTimeout: 10_000 },
  });
}

export interface S3BlobStoreOptions {
  client: S3Client;
  bucket: string;
  /**
   * Bytes per stored upload part (default 8 MiB, at most 5 GiB): the most an append buffers in memory
   * per part (one part fills while the previous one is sent). Parts of at least 5 MiB let a commit
   * compose the blob server-side (UploadPartCopy) where the server supports it.
   */
  partSize?: number;
}

/** An object as a listing shows it. */
interface ListedObject {
  key: string;
  size: number;
  lastModified?: Date;
}

/** One stored piece of an upload: bytes [offset, offset + size). */
interface UploadPart {
  key: string;
  offset: number;
  size: number;
}

interface UploadState {
  /** The session marker exists: startUpload ran and no delete or commit since. */
  exists: boolean;
  /** Parts contiguous from offset 0: the upload's content. */
  parts: UploadPart[];
  size: number;
  /** Every other key under the upload's prefix (leftovers of an interrupted rollback): never content. */
  stale: string[];
  /** Every key under the upload's prefix. */
  keys: string[];
  modifiedAt?: Date;
}

/** A byte range [start, end) of a stored object, to be read back when composing a blob. */
interface Slice {
  key: string;
  start: number;
  end: number;
}

/**
 * Blob store on an S3-compatible bucket, shared by every gateway replica:
 *
 * ```
 * blobs/<alg>/<hex>                     committed blobs, immutable
 * uploads/<id>/session                  empty marker: the upload exists (its LastModified = start)
 * uploads/<id>/part-<16-digit offset>   the upload's bytes from that offset, one object per part
 * ```
 *
 * Uploads are stored as part objects, not as an S3 multipart upload: OCI chunks have any size while
 * multipart parts must be ≥ 5 MiB (except the last) and cannot be removed once uploaded. A part
 * object is written with one PutObject once `partSize` bytes have arrived (or the chunk ended), so
 * an append streams with at most two parts in memory; the upload's size is the listing (parts
 * contiguous from 0); a failed append is rolled back by deleting the parts it wrote, exactly like
 * the filesystem driver truncates its file. The running sha256 is cached per upload as in the
 * filesystem driver and recomputed from the stored parts after a restart or on another replica.
 *
 * Commit verifies the digest, then composes the parts into `blobs/<alg>/<hex>`: one part is a
 * CopyObject; a small upload is read back and written with one PutObject; anything larger is a
 * multipart upload whose parts are server-side copies (UploadPartCopy) of parts ≥ 5 MiB, falling
 * back to reading the parts through this process (bounded buffer) on servers without it. An
 * already stored blob is not rewritten, only re-stamped (copied onto itself) so the GC grace
 * period restarts; blobs over 5 GiB cannot be copied in one request and keep their old stamp.
 * A multipart upload has at most 10,000 parts, which bounds a blob to 78 GiB with the default 8 MiB
 * parts (48 GiB for an upload of many small chunks, composed in 5 MiB parts).
 *
 * As in the filesystem driver, appends to one upload are serialised within a process only; two
 * processes appending to the same upload at the same time (a client racing itself) can at worst
 * mix their parts, which the digest check at commit then rejects.
 */
export class S3BlobStore implements BlobStore {
  readonly statIsLocal = false;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly partSize: number;
  private readonly hashes = new Map<string, { offset: number; hash: Hash }>();
  private readonly locks = new KeyedLock();
  /** By blob key: commits of the same content (see commitUpload). Taken inside an upload's lock, never around one. */
  private readonly blobLocks = new KeyedLock();
  /** Unknown until tried; false once the server answered UploadPartCopy with NotImplemented. */
  private serverSideCopy: boolean | undefined;
  /** False once the server answered a conditional PutObject (If-None-Match) with NotImplemented. */
  private conditionalPut = true;

  constructor(options: S3BlobStoreOptions) {
    const { client, bucket, partSize = DEFAULT_PART_SIZE } = options;
    if (!bucket) throw new Error('S3BlobStore needs a bucket');
    if (!Number.isSafeInteger(partSize) || partSize < 1 || partSize > MAX_SINGLE_OBJECT) throw new RangeError(`invalid S3 part size ${partSize}`);
    this.client = client;
    this.bucket = bucket;
    this.partSize = partSize;
  }

  // ---------------------------------------------------------------- blobs

  async stat(digest: string): Promise<BlobInfo | undefined> {
    const parsed = parseDigest(digest);
    const size = await this.sizeOf(blobKey(parsed));
    return size === undefined ? undefined : { digest: parsed.digest, size };
  }

  async open(digest: string, range?: ByteRange): Promise<Readable> {
    const parsed = parseDigest(digest);
    if (range && !isValidRange(range)) throw new InvalidRangeError(range.start, range.end);
    const key = blobKey(parsed);
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }));
      return response.Body as Readable;
    } catch (error) {
      if (isMissingKey(error)) throw new BlobNotFoundError(parsed.digest);
      if (range && httpStatus(error) === 416) {
        const size = await this.sizeOf(key);
        if (size === undefined) throw new BlobNotFoundError(parsed.digest);
        throw new InvalidRangeError(range.start, range.end, size);
      }
      throw error;
    }
  }

  async readAll(digest: string, maxBytes: number): Promise<Buffer> {
    const parsed = parseDigest(digest);
    let body: Readable;
    let size: number;
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: blobKey(parsed) }));
      body = response.Body as Readable;
      size = response.ContentLength ?? 0;
    } catch (error) {
      if (isMissingKey(error)) throw new BlobNotFoundError(parsed.digest);
      throw error;
    }
    if (size > maxBytes) {
      body.destroy();
      throw new BlobTooLargeError(parsed.digest, size, maxBytes);
    }
    return readFully(body, () => new BlobTooLargeError(parsed.digest, size, maxBytes), maxBytes);
  }

  async delete(digest: string): Promise<boolean> {
    const key = blobKey(parseDigest(digest));
    if ((await this.sizeOf(key)) === undefined) return false;
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    return true;
  }

  async *list(): AsyncIterable<StoredBlob> {
    for (const algorithm of DIGEST_ALGORITHMS) {
      const prefix = `blobs/${algorithm}/`;
      for await (const object of this.listObjects(prefix)) {
        const hex = object.key.slice(prefix.length);
        if (hex.length !== HEX_LENGTH[algorithm] || !/^[0-9a-f]+$/.test(hex)) continue;
        yield { digest: `${algorithm}:${hex}`, size: object.size, modifiedAt: object.lastModified ?? new Date(0) };
      }
    }
  }

  async putBytes(digest: string, bytes: Uint8Array): Promise<BlobInfo> {
    const parsed = parseDigest(digest);
    const actual = createHash(parsed.algorithm).update(bytes).digest('hex');
    if (actual !== parsed.hex) throw new DigestMismatchError(parsed.digest, `${parsed.algorithm}:${actual}`);
    const info = { digest: parsed.digest, size: bytes.byteLength };
    const key = blobKey(parsed);
    if (await this.refreshExisting(key, info.size)) return info;
    await this.put(key, bytes);
    return info;
  }

  // -------------------------------------------------------------- uploads

  async startUpload(id: string): Promise<void> {
    requireUploadId(id);
    await this.locks.run(id, async () => {
      const state = await this.readUpload(id);
      if (state.exists) throw new UploadExistsError(id);
      await this.deleteKeys(state.keys); // leftovers of a deleted upload with this id
      try {
        await this.put(sessionKey(id), new Uint8Array(0), this.conditionalPut ? { IfNoneMatch: '*' } : {});
      } catch (error) {
        if (httpStatus(error) === 412) throw new UploadExistsError(id);
        if (!isNotImplemented(error)) throw error;
        this.conditionalPut = false;
        await this.put(sessionKey(id), new Uint8Array(0));
      }
      this.hashes.set(id, { offset: 0, hash: createHash('sha256') });
    });
  }

  async uploadSize(id: string): Promise<number | undefined> {
    requireUploadId(id);
    const state = await this.readUpload(id);
    return state.exists ? state.size : undefined;
  }

  async appendToUpload(id: string, expectedOffset: number, source: NodeJS.ReadableStream, options: AppendOptions = {}): Promise<number> {
    requireUploadId(id);
    const { maxBytes = Number.POSITIVE_INFINITY, expectedLength, signal } = options;
    if (!Number.isSafeInteger(expectedOffset) || expectedOffset < 0) throw new RangeError(`invalid upload offset ${expectedOffset}`);
    if (expectedLength !== undefined && (!Number.isSafeInteger(expectedLength) || expectedLength < 0)) {
      throw new RangeError(`invalid expected length ${expectedLength}`);
    }
    if (expectedLength !== undefined && expectedLength > maxBytes) throw new UploadTooLargeError(id, maxBytes);

    return this.locks.run(id, async () => {
      const state = await this.readUpload(id);
      if (!state.exists) throw new UploadNotFoundError(id);
      if (state.size !== expectedOffset) throw new UploadOffsetMismatchError(id, expectedOffset, state.size);
      const hash = await this.sha256At(id, state);
      await this.deleteKeys(state.stale);

      let received = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
          received += chunk.length;
          if (received > maxBytes) return callback(new UploadTooLargeError(id, maxBytes));
          if (expectedLength !== undefined && received > expectedLength) return callback(new UploadTooLargeError(id, expectedLength));
          hash.update(chunk);
          callback(null, chunk);
        },
        // Fails before the last part is stored, so a short stream writes as little as possible.
        flush(callback: TransformCallback) {
          if (expectedLength !== undefined && received !== expectedLength) return callback(new IncompleteUploadError(id, expectedLength, received));
          callback();
        },
      });
      const sink = new PartWriter(this.partSize, expectedOffset, (offset) => partKey(id, offset), (key, body) => this.put(key, body));
      try {
        await pipeline(source, meter, sink, signal ? { signal } : {});
      } catch (error) {
        // Roll back only once no put of ours can land after the deletes. If a delete fails, the
        // caller still gets the original error; leftovers past the upload's size are never content.
        sink.destroy();
        await sink.settled();
        await this.deleteKeys(sink.written).catch(() => undefined);
        throw error;
      }

      // Deleted (deleteUpload / cleanup) while we were writing: report it and keep nothing.
      if ((await this.sizeOf(sessionKey(id))) === undefined) {
        await this.deleteKeys(sink.written).catch(() => undefined);
        throw new UploadNotFoundError(id);
      }
      const newSize = expectedOffset + received;
      this.hashes.set(id, { offset: newSize, hash });
      return newSize;
    });
  }

  async commitUpload(id: string, digest: string): Promise<BlobInfo> {
    const parsed = parseDigest(digest);
    requireUploadId(id);
    return this.locks.run(id, async () => {
      const state = await this.readUpload(id);
      if (!state.exists) throw new UploadNotFoundError(id);
      let actual: string;
      try {
        actual = await this.digestOfUpload(id, state, parsed.algorithm);
      } catch (error) {
        if (isMissingKey(error)) throw new UploadNotFoundError(id); // deleted meanwhile
        throw error;
      }
      this.hashes.delete(id);
      if (actual !== parsed.hex) {
        await this.removeUpload(id);
        throw new DigestMismatchError(parsed.digest, `${parsed.algorithm}:${actual}`);
      }
      const key = blobKey(parsed);
      // Uploads of the same content committing at once in this process go one at a time: the first
      // writes the blob, the others find it and write nothing (S3 itself would take the concurrent
      // writes, but some S3-compatible servers answer a HEAD racing a PUT of the key with a 500).
      await this.blobLocks.run(key, async () => {
        if (await this.refreshExisting(key, state.size)) return;
        try {
          await this.compose(state.parts, state.size, key);
        } catch (error) {
          if (isMissingKey(error)) throw new UploadNotFoundError(id); // deleted meanwhile
          throw error;
        }
      });
      await this.removeUpload(id);
      return { digest: parsed.digest, size: state.size };
    });
  }

  /**
   * Not serialised behind a running append (a stalled client must not block cleanup): the marker
   * goes first, so an append still writing then fails with UploadNotFoundError and removes its parts.
   */
  async deleteUpload(id: string): Promise<boolean> {
    requireUploadId(id);
    this.hashes.delete(id);
    return this.removeUpload(id);
  }

  async *listUploads(): AsyncIterable<UploadInfo> {
    let current: { id: string; objects: ListedObject[] } | undefined;
    for await (const object of this.listObjects('uploads/')) {
      const id = object.key.slice('uploads/'.length).split('/')[0] ?? '';
      if (current && current.id !== id) {
        const info = uploadInfo(current.id, current.objects);
        if (info) yield info;
        current = undefined;
      }
      current ??= { id, objects: [] };
      current.objects.push(object);
    }
    const info = current && uploadInfo(current.id, current.objects);
    if (info) yield info;
  }

  // ------------------------------------------------------------- internals

  private async readUpload(id: string): Promise<UploadState> {
    const prefix = `uploads/${id}/`;
    return uploadState(prefix, await collect(this.listObjects(prefix)));
  }

  private async removeUpload(id: string): Promise<boolean> {
    const { keys } = await this.readUpload(id);
    if (keys.length === 0) return false;
    const marker = sessionKey(id);
    if (keys.includes(marker)) await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: marker }));
    await this.deleteKeys(keys.filter((key) => key !== marker));
    return true;
  }

  /** A copy of the cached sha256 state at the upload's size, or the hash of its stored parts. */
  private async sha256At(id: string, state: UploadState): Promise<Hash> {
    const cached = this.hashes.get(id);
    if (cached?.offset === state.size) return cached.hash.copy();
    this.hashes.delete(id);
    return this.hashParts(state.parts, createHash('sha256'));
  }

  private async digestOfUpload(id: string, state: UploadState, algorithm: DigestAlgorithm): Promise<string> {
    if (algorithm === 'sha256') return (await this.sha256At(id, state)).digest('hex');
    return (await this.hashParts(state.parts, createHash(algorithm))).digest('hex');
  }

  private async hashParts(parts: UploadPart[], hash: Hash): Promise<Hash> {
    for (const part of parts) {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: part.key }));
      let length = 0;
      for await (const chunk of response.Body as Readable) {
        hash.update(chunk as Buffer);
        length += (chunk as Buffer).length;
      }
      if (length !== part.size) throw new Error(`upload part ${part.key} changed while hashing (${length} of ${part.size} bytes)`);
    }
    return hash;
  }

  /** Writes the upload's content to `target`, server-side where it can. */
  private async compose(parts: UploadPart[], size: number, target: string): Promise<void> {
    const [only] = parts;
    if (parts.length === 1 && only) {
      await this.copy(only.key, target);
      return;
    }
    const bufferedPartSize = Math.max(this.partSize, MIN_MULTIPART_PART);
    if (size <= bufferedPartSize) {
      await this.put(target, await this.readSlices(parts.map((part) => ({ key: part.key, start: 0, end: part.size })), size));
      return;
    }

    const { UploadId } = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: target }));
    const completed: CompletedPart[] = [];
    const nextPartNumber = () => {
      if (completed.length >= MAX_MULTIPART_PARTS) throw new BlobStoreError(`blob of ${size} bytes needs more than ${MAX_MULTIPART_PARTS} multipart parts; raise the S3 part size`);
      return completed.length + 1;
    };
    let pending: Slice[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      const PartNumber = nextPartNumber();
      const body = await this.readSlices(pending, pendingBytes);
      const { ETag } = await this.client.send(new UploadPartCommand({ Bucket: this.bucket, Key: target, UploadId, PartNumber, Body: body, ContentLength: body.length }));
      completed.push({ PartNumber, ETag });
      pending = [];
      pendingBytes = 0;
    };
    try {
      for (const part of parts) {
        let position = 0;
        while (position < part.size) {
          const remaining = part.size - position;
          if (pendingBytes === 0 && remaining >= MIN_MULTIPART_PART && this.serverSideCopy !== false) {
            const PartNumber = nextPartNumber();
            try {
              const { CopyPartResult } = await this.client.send(
                new UploadPartCopyCommand({
                  Bucket: this.bucket,
                  Key: target,
                  UploadId,
                  PartNumber,
                  CopySource: `${this.bucket}/${part.key}`,
                  CopySourceRange: `bytes=${position}-${part.size - 1}`,
                }),
              );
              this.serverSideCopy = true;
              completed.push({ PartNumber, ETag: CopyPartResult?.ETag });
              position = part.size;
              continue;
            } catch (error) {
              if (!isNotImplemented(error)) throw error;
              this.serverSideCopy = false;
            }
          }
          // Read back into one buffer: just enough to reach the 5 MiB floor when the rest can be
          // copied server-side, a whole buffered part otherwise.
          const fill = (this.serverSideCopy === false ? bufferedPartSize : MIN_MULTIPART_PART) - pendingBytes;
          const take = Math.min(remaining, fill);
          pending.push({ key: part.key, start: position, end: position + take });
          pendingBytes += take;
          position += take;
          if (take === fill) await flush();
        }
      }
      if (pendingBytes > 0) await flush();
      await this.client.send(new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: target, UploadId, MultipartUpload: { Parts: completed } }));
    } catch (error) {
      await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: target, UploadId })).catch(() => undefined);
      throw error;
    }
  }

  /** The bytes of the slices, in order, in one buffer of `total` bytes. */
  private async readSlices(slices: Slice[], total: number): Promise<Buffer> {
    const buffer = Buffer.allocUnsafe(total);
    let filled = 0;
    for (const { key, start, end } of slices) {
      if (end === start) continue;
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=${start}-${end - 1}` }));
      for await (const chunk of response.Body as Readable) {
        const bytes = chunk as Buffer;
        if (filled + bytes.length > total) throw new Error(`upload part ${key} is longer than listed`);
        bytes.copy(buffer, filled);
        filled += bytes.length;
      }
    }
    if (filled !== total) throw new Error(`upload parts held ${filled} of ${total} bytes`);
    return buffer;
  }

  /** True if an intact copy of the blob is stored (its LastModified is then refreshed); false if it has to be written. */
  private async refreshExisting(key: string, size: number): Promise<boolean> {
    const existing = await this.sizeOf(key);
    if (existing !== size) return false; // absent, or a damaged copy to replace
    if (size > MAX_SINGLE_OBJECT) return true;
    try {
      // Copying an object onto itself needs a metadata change; S3 then stamps it anew.
      await this.client.send(
        new CopyObjectCommand({ Bucket: this.bucket, Key: key, CopySource: `${this.bucket}/${key}`, MetadataDirective: 'REPLACE', Metadata: { stamped: new Date().toISOString() } }),
      );
      return true;
    } catch (error) {
      if (isMissingKey(error)) return false; // garbage-collected in between
      throw error;
    }
  }

  private async copy(source: string, target: string): Promise<void> {
    await this.client.send(new CopyObjectCommand({ Bucket: this.bucket, Key: target, CopySource: `${this.bucket}/${source}` }));
  }

  private async put(key: string, body: Uint8Array, extra: { IfNoneMatch?: string } = {}): Promise<void> {
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentLength: body.byteLength, ...extra }));
  }

  private async sizeOf(key: string): Promise<number | undefined> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return head.ContentLength ?? 0;
    } catch (error) {
      if (isMissingKey(error)) return undefined;
      throw error;
    }
  }

  private async deleteKeys(keys: string[]): Promise<void> {
    // One DeleteObject per key (not DeleteObjects): some S3-compatible servers lack the batch call.
    for (let index = 0; index < keys.length; index += DELETE_CONCURRENCY) {
      await Promise.all(keys.slice(index, index + DELETE_CONCURRENCY).map((Key) => this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key }))));
    }
  }

  private async *listObjects(prefix: string): AsyncIterable<ListedObject> {
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ...(token ? { ContinuationToken: token } : {}) }));
      for (const { Key, Size, LastModified } of page.Contents ?? []) if (Key) yield { key: Key, size: Size ?? 0, lastModified: LastModified };
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}

/**
 * Buffers the stream into parts of `partSize` bytes and stores each with `put` (the last one when
 * the stream ends). One part is being filled while at most one is being sent; `written` lists every
 * key a put was started for, so a failed append can remove them.
 */
class PartWriter extends Writable {
  readonly written: string[] = [];
  private chunks: Buffer[] = [];
  private buffered = 0;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly partSize: number,
    private offset: number,
    private readonly keyAt: (offset: number) => string,
    private readonly put: (key: string, body: Buffer) => Promise<void>,
  ) {
    super({ highWaterMark: 64 * 1024 });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.accept(chunk).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    (async () => {
      if (this.buffered > 0) await this.startPut();
      await this.inFlight;
    })().then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    void this.settled().then(() => callback(error));
  }

  /** Resolves once the current put (if any) has completed or failed. */
  settled(): Promise<void> {
    return this.inFlight.catch(() => undefined);
  }

  private async accept(chunk: Buffer): Promise<void> {
    let rest = chunk;
    while (this.buffered + rest.length >= this.partSize) {
      const take = this.partSize - this.buffered;
      this.chunks.push(rest.subarray(0, take));
      this.buffered += take;
      rest = rest.subarray(take);
      await this.startPut();
    }
    if (rest.length > 0) {
      this.chunks.push(rest);
      this.buffered += rest.length;
    }
  }

  private async startPut(): Promise<void> {
    const body = Buffer.concat(this.chunks, this.buffered);
    this.chunks = [];
    this.buffered = 0;
    const key = this.keyAt(this.offset);
    this.offset += body.length;
    await this.inFlight; // the previous part first: its failure fails this append
    this.written.push(key);
    this.inFlight = this.put(key, body);
    this.inFlight.catch(() => undefined); // observed by the next startPut or _final
  }
}

function uploadState(prefix: string, objects: ListedObject[]): UploadState {
  let exists = false;
  let modifiedAt: Date | undefined;
  const found: UploadPart[] = [];
  const stale: string[] = [];
  for (const { key, size, lastModified } of objects) {
    const name = key.slice(prefix.length);
    if (lastModified && (!modifiedAt || lastModified > modifiedAt)) modifiedAt = lastModified;
    const match = PART_NAME.exec(name);
    if (name === SESSION) exists = true;
    else if (match) found.push({ key, offset: Number(match[1]), size });
    else stale.push(key);
  }
  found.sort((a, b) => a.offset - b.offset);
  const parts: UploadPart[] = [];
  let size = 0;
  let gap = false;
  for (const part of found) {
    gap ||= part.offset !== size;
    if (gap) {
      stale.push(part.key); // past a gap or overlapping: leftovers, not content
    } else {
      parts.push(part);
      size += part.size;
    }
  }
  return { exists, parts, size, stale, keys: objects.map((object) => object.key), modifiedAt };
}

function uploadInfo(id: string, objects: ListedObject[]): UploadInfo | undefined {
  if (!isValidUploadId(id)) return undefined;
  const state = uploadState(`uploads/${id}/`, objects);
  return { id, size: state.size, modifiedAt: state.modifiedAt ?? new Date(0) };
}

function blobKey({ algorithm, hex }: ParsedDigest): string {
  return `blobs/${algorithm}/${hex}`;
}

function sessionKey(id: string): string {
  return `uploads/${id}/${SESSION}`;
}

function partKey(id: string, offset: number): string {
  return `uploads/${id}/part-${String(offset).padStart(OFFSET_DIGITS, '0')}`;
}

function requireUploadId(id: string): void {
  if (!isValidUploadId(id)) throw new UploadNotFoundError(String(id));
}

function isValidRange({ start, end }: ByteRange): boolean {
  return Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && end >= start;
}

function httpStatus(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null ? (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode : undefined;
}

function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (error as { name?: string }).name : undefined;
}

/** A missing object (HEAD answers a bare 404 NotFound, GET and copies NoSuchKey); a missing bucket stays an error. */
function isMissingKey(error: unknown): boolean {
  const name = errorName(error);
  return name === 'NoSuchKey' || name === 'NotFound' || (httpStatus(error) === 404 && name !== 'NoSuchBucket');
}

function isNotImplemented(error: unknown): boolean {
  return httpStatus(error) === 501 || errorName(error) === 'NotImplemented';
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** Reads a body into one buffer; more than `maxBytes` fails with tooLarge(). */
async function readFully(body: Readable, tooLarge: () => Error, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of body) {
    length += (chunk as Buffer).length;
    if (length > maxBytes) {
      body.destroy();
      throw tooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks, length);
}
