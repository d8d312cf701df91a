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
    if (!UPLOAD_ID.test(id) || !(await this.records.upload(id, repository.full))) throw RegistryError.blobUploadUnknown(id);
    const size = await this.store.uploadSize(id);
    if (size === undefined) throw RegistryError.blobUploadUnknown(id);
    return size;
  }

  /** PATCH: appends a chunk that must start where the upload ends (416 otherwise). Returns the new size. */
  async append(repository: RepositoryName, id: string, chunk: IncomingChunk): Promise<number> {
    const offset = await this.offset(repository, id);
    const expectedLength = this.checkRange(chunk, offset);
    const size = await this.store.appendToUpload(id, offset, chunk.body, { expectedLength });
    registryReceivedBytes.inc({ kind: 'blob' }, size - offset);
    await this.records.touchUpload(id);
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
    try {
      const blob = await this.store.commitUpload(id, digest);
      await this.records.linkBlob(repository.full, blob.digest, blob.size);
      return blob.size;
    } finally {
      // Committed or rejected, the session is over; a mismatched upload keeps nothing.
      await this.records.deleteUpload(id);
    }
  }

  async cancel(repository: RepositoryName, id: string): Promise<void> {
    await this.offset(repository, id);
    await this.store.deleteUpload(id);
    await this.records.deleteUpload(id);
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
