import { Inject, Injectable } from '@nestjs/common';
import type { BlobStore } from '@imagestreams/platform-blob-storage';
import { parseUploadContentRange, RegistryError } from '@imagestreams/domain-registry';
import { BLOB_STORE } from './blob-store.provider';
import { requireDigest } from './blobs';
import { RegistryRecordsRepository } from './registry-records.repository';
import { registryReceivedBytes } from './registry-metrics';
import type { RepositoryName } from './repository-name';
import { UploadSessions } from './upload-sessions';

/** A request body on its way to the store, with what its headers promise. */
export interface IncomingChunk {
  body: NodeJS.ReadableStream;
  /** Content-Length, when sent: a shorter body is a truncated upload. */
  length?: number;
  /** Content-Range of a PATCH, when sent. */
  contentRange?: string;
}

/**
 * Upload sessions: monolithic (POST then PUT, or one POST with `digest`), chunked (PATCHes in
 * order), resumable after a restart (the session is its signed id plus the partial file), and
 * committed only when the content matches its digest.
 */
@Injectable()
export class BlobUploads {
  constructor(
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    private readonly records: RegistryRecordsRepository,
    private readonly sessions: UploadSessions,
  ) {}

  async start(repository: RepositoryName): Promise<string> {
    const id = this.sessions.issue(repository);
    await this.store.startUpload(id);
    return id;
  }

  /** POST with `?digest=`: the whole blob in one request. */
  async putWhole(repository: RepositoryName, digest: string, chunk: IncomingChunk): Promise<void> {
    requireDigest(digest);
    const id = await this.start(repository);
    await this.finish(repository, id, digest, chunk);
  }

  /** The bytes received so far; throws BLOB_UPLOAD_UNKNOWN for a session that is not this repository's. */
  async offset(repository: RepositoryName, id: string): Promise<number> {
    this.requireSession(repository, id);
    return this.storedSize(id);
  }

  /** PATCH: appends a chunk that must start where the upload ends (416 otherwise). Returns the new size. */
  async append(repository: RepositoryName, id: string, chunk: IncomingChunk): Promise<number> {
    // Writing the chunk is what marks the session active: the janitor reads the file's age.
    const offset = await this.offset(repository, id);
    const expectedLength = this.checkRange(chunk, offset);
    const size = await this.store.appendToUpload(id, offset, chunk.body, { expectedLength });
    registryReceivedBytes.inc({ kind: 'blob' }, size - offset);
    return size;
  }

  /** PUT with `?digest=`: an optional last chunk, then verify and move into place. */
  async finish(repository: RepositoryName, id: string, digest: string | undefined, chunk: IncomingChunk): Promise<number> {
    if (!digest) throw RegistryError.digestInvalid('the digest query parameter is required to complete an upload');
    requireDigest(digest);
    this.requireSession(repository, id);
    // A PUT without a last chunk (what skopeo sends) needs no offset: the commit reads the file anyway.
    if (chunk.length !== 0) {
      const offset = await this.storedSize(id);
      const expectedLength = this.checkRange(chunk, offset);
      const size = await this.store.appendToUpload(id, offset, chunk.body, { expectedLength });
      registryReceivedBytes.inc({ kind: 'blob' }, size - offset);
    }
    // Committed or rejected, the session is over: the store keeps nothing of a mismatched upload.
    const blob = await this.store.commitUpload(id, digest);
    await this.records.linkBlob(repository.full, blob.digest, blob.size);
    return blob.size;
  }

  async cancel(repository: RepositoryName, id: string): Promise<void> {
    this.requireSession(repository, id);
    if (!(await this.store.deleteUpload(id))) throw RegistryError.blobUploadUnknown(id);
  }

  /** BLOB_UPLOAD_UNKNOWN unless `id` is a session this repository started. */
  private requireSession(repository: RepositoryName, id: string): void {
    if (!this.sessions.belongsTo(id, repository)) throw RegistryError.blobUploadUnknown(id);
  }

  private async storedSize(id: string): Promise<number> {
    const size = await this.store.uploadSize(id);
    if (size === undefined) throw RegistryError.blobUploadUnknown(id);
    return size;
  }

  /** Validates Content-Range against the current offset; returns the length the body must have. */
  private checkRange(chunk: IncomingChunk, offset: number): number | undefined {
    if (chunk.contentRange === undefined) return chunk.length;
    const range = parseUploadContentRange(chunk.contentRange);
    if (!range) throw RegistryError.blobUploadInvalid(`malformed Content-Range "${chunk.contentRange}"`, 416);
    if (range.start !== offset) throw RegistryError.blobUploadInvalid(`chunk starts at ${range.start} but the upload has ${offset} bytes`, 416);
    const rangeLength = range.end - range.start + 1;
    if (chunk.length !== undefined && chunk.length !== rangeLength) {
      throw RegistryError.blobUploadInvalid(`Content-Length ${chunk.length} does not match Content-Range ${chunk.contentRange}`, 416);
    }
    return rangeLength;
  }
}
