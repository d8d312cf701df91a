import type { Readable } from 'node:stream';

export interface BlobInfo {
  /** `sha256:<hex>` or `sha512:<hex>` */
  digest: string;
  size: number;
}

export interface StoredBlob extends BlobInfo {
  modifiedAt: Date;
}

export interface UploadInfo {
  id: string;
  size: number;
  modifiedAt: Date;
}

/** Inclusive byte range, like HTTP `Range: bytes=start-end`. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface AppendOptions {
  /** Upper bound on the bytes this call may append (for a total-size cap pass `limit - expectedOffset`). */
  maxBytes?: number;
  /** Announced length of the stream (Content-Length): a shorter stream fails with IncompleteUploadError, a longer one with UploadTooLargeError. */
  expectedLength?: number;
  /** Aborting fails the append like a source error: the upload is truncated back to `expectedOffset`. */
  signal?: AbortSignal;
}

/**
 * Content-addressed blob storage of the OCI registry. Digests are `sha256:<64 hex>` or
 * `sha512:<128 hex>` (lowercase); every method taking a digest rejects anything else with
 * InvalidDigestError before touching storage. Upload ids must match `[A-Za-z0-9-]{1,64}`;
 * anything else is rejected with UploadNotFoundError.
 */
export interface BlobStore {
  /** Whether stat() asks a local file system: cheaper than a database round trip, so worth asking first. */
  readonly statIsLocal: boolean;
  stat(digest: string): Promise<BlobInfo | undefined>;
  /**
   * Whole blob, or an inclusive byte range (an `end` past the blob is clamped, a `start` at or past
   * it is InvalidRangeError); rejects with BlobNotFoundError when absent. The stream keeps reading
   * the blob even if it is deleted meanwhile.
   */
  open(digest: string, range?: ByteRange): Promise<Readable>;
  /** Reads a small blob (manifests, image configs) fully; BlobTooLargeError above maxBytes. */
  readAll(digest: string, maxBytes: number): Promise<Buffer>;
  /** Resolves false when the blob did not exist. */
  delete(digest: string): Promise<boolean>;
  /** Every stored blob, in no particular order. */
  list(): AsyncIterable<StoredBlob>;
  /** Stores bytes already in memory (manifests) under their digest; DigestMismatchError (nothing stored) if they do not hash to it. */
  putBytes(digest: string, bytes: Uint8Array): Promise<BlobInfo>;

  /** Creates an empty upload; UploadExistsError if the id is taken. */
  startUpload(id: string): Promise<void>;
  /** Current length of the upload; undefined when the upload does not exist. */
  uploadSize(id: string): Promise<number | undefined>;
  /**
   * Appends a stream at expectedOffset (UploadOffsetMismatchError if the upload is not exactly that
   * long). Hashes while writing. If the source errors or is aborted, or exceeds maxBytes
   * (UploadTooLargeError), the upload is truncated back to expectedOffset and the error rethrown.
   * With expectedLength, a stream ending short of it fails with IncompleteUploadError (truncated
   * back too). Resolves to the new size.
   */
  appendToUpload(id: string, expectedOffset: number, source: NodeJS.ReadableStream, options?: AppendOptions): Promise<number>;
  /**
   * Verifies the upload's content against digest (DigestMismatchError: the upload is deleted), then
   * moves it into place atomically. If the blob is already stored the upload is simply dropped.
   */
  commitUpload(id: string, digest: string): Promise<BlobInfo>;
  /** Resolves false when the upload did not exist. */
  deleteUpload(id: string): Promise<boolean>;
  /** Every upload in progress, with its last modification time (for abandoned-upload cleanup). */
  listUploads(): AsyncIterable<UploadInfo>;
}
