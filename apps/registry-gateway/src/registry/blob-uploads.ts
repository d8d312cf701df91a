import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { BlobStore } from '@imagestreams/platform-blob-storage';
import { parseUploadContentRange, RegistryError } from '@imagestreams/domain-registry';
import { BLOB_STORE } from './blob-store.provider';
import { requireDigest } from './blobs';
import { RegistryRecordsRepository } from './registry-records.repository';
import { registryReceivedBytes } from './registry-metrics';
import type { RepositoryName } from './repository-name';

/** A request body on its way to the store, with what its headers promise. */
export interface IncomingChunk {
  body: NodeJS.ReadableStream;
  /** Content-Length, when sent: a shorter body is a truncated upload. */
  length?: number;
  /** Content-Range of a PATCH, when sent. */
  contentRange?: string;
}

const UPLOAD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Upload sessions: monolithic (POST then PUT, or one POST with `digest`), chunked (PATCHes in
 * order), resumable after a restart (the session is a row plus the partial file), and committed
 * only when the content matches its digest.
 */
@Injectable()
export class BlobUploads {
  constructor(
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    private readonly records: RegistryRecordsRepository,
  ) {}

  async start(repository: RepositoryName): Promise<string> {
    const id = randomUUID();
    await this.store.startUpload(id);
    await this.records.startUpload(id, repository.full);
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
    await this.requireSession(id, () => this.records.upload(id, repository.full).then(Boolean));
    return this.storedSize(id);
  }

  /** PATCH: appends a chunk that must start where the upload ends (416 otherwise). Returns the new size. */
  async append(repository: RepositoryName, id: string, chunk: IncomingChunk): Promise<number> {
    // The session's check and its "last active" mark are one statement, taken as the chunk starts.
    await this.requireSession(id, () => this.records.touchUpload(id, repository.full));
    const offset = await this.storedSize(id);
    const expectedLength = this.checkRange(chunk, offset);
    const size = await this.store.appendToUpload(id, offset, chunk.body, { expectedLength });
    registryReceivedBytes.inc({ kind: 'blob' }, size - offset);
    return size;
  }

  /** PUT with `?digest=`: an optional last chunk, then verify and move into place. */
  async finish(repository: RepositoryName, id: string, digest: string | undefined, chunk: IncomingChunk): Promise<number> {
    if (!digest) throw RegistryError.digestInvalid('the digest query parameter is required to complete an upload');
    requireDigest(digest);
    const offset = await this.offset(repository, id);
    if (chunk.length !== 0) {
      const expectedLength = this.checkRange(chunk, offset);
      const size = await this.store.appendToUpload(id, offset, chunk.body, { expectedLength });
      registryReceivedBytes.inc({ kind: 'blob' }, size - offset);
    }
    // Committed or rejected, the session is over; a mismatched upload keeps nothing.
    const blob = await this.store.commitUpload(id, digest).catch(async (error: unknown) => {
      await this.records.deleteUpload(id);
      throw error;
    });
    await this.records.linkUploadedBlob(repository.full, blob.digest, blob.size, id);
    return blob.size;
  }

  async cancel(repository: RepositoryName, id: string): Promise<void> {
    await this.offset(repository, id);
    await this.store.deleteUpload(id);
    await this.records.deleteUpload(id);
  }

  /** BLOB_UPLOAD_UNKNOWN unless `id` is an upload id and `isThisRepositorys` says the session is this repository's. */
  private async requireSession(id: string, isThisRepositorys: () => Promise<boolean>): Promise<void> {
    if (!UPLOAD_ID.test(id) || !(await isThisRepositorys())) throw RegistryError.blobUploadUnknown(id);
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
