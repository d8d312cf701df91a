import { Inject, Injectable } from '@nestjs/common';
import type { BlobStore } from '@imagestreams/platform-blob-storage';
import { isDigest, parseBlobRange, RegistryError } from '@imagestreams/domain-registry';
import { BLOB_STORE } from './blob-store.provider';
import { PullThrough } from './pull-through';
import { RegistryRecordsRepository } from './registry-records.repository';
import type { RepositoryName } from './repository-name';

export interface BlobRead {
  size: number;
  /** Present when a satisfiable single `Range` was asked for. */
  range?: { start: number; end: number };
  body?: NodeJS.ReadableStream;
}

export function requireDigest(value: string): string {
  if (!isDigest(value)) throw RegistryError.digestInvalid(`"${value}" is not a sha256 or sha512 digest`);
  return value;
}

/** Blob reads and deletes within one repository: a blob is visible only where it is linked. */
@Injectable()
export class Blobs {
  constructor(
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    private readonly records: RegistryRecordsRepository,
    private readonly pullThrough: PullThrough,
  ) {}

  /** Size of a blob the repository serves; a layer of an image pulled through is fetched from its origin first. */
  async size(repository: RepositoryName, digest: string): Promise<number> {
    return this.servedSize(repository, digest, await this.records.linkedBlobSize(repository.full, requireDigest(digest)));
  }

  /** `linked`, or what pull-through fetched when nothing is linked; BLOB_UNKNOWN when neither. */
  private async servedSize(repository: RepositoryName, digest: string, linked: number | undefined): Promise<number> {
    const size = linked ?? (await this.pullThrough.blob(repository, digest));
    if (size === undefined) throw RegistryError.blobUnknown(digest);
    return size;
  }

  /** HEAD (no body) or GET, whole or one byte range. */
  async read(repository: RepositoryName, digest: string, rangeHeader: string | undefined, withBody: boolean): Promise<BlobRead> {
    // A HEAD usually asks before an upload, about content nobody has pushed yet: with a local
    // store, a missing file answers that without a database round trip (five per image pushed).
    // So a HEAD never starts a pull-through; pulling clients GET the layers they need.
    if (!withBody && this.store.statIsLocal && !(await this.store.stat(requireDigest(digest)))) throw RegistryError.blobUnknown(digest);
    const linked = await this.records.linkedBlobSize(repository.full, requireDigest(digest));
    if (linked === undefined && withBody && rangeHeader === undefined) {
      // A whole layer of a pulled-through image: the first request gets it while it is fetched.
      const pulled = await this.pullThrough.streamBlob(repository, digest);
      if (pulled === undefined) throw RegistryError.blobUnknown(digest);
      return { size: pulled.size, body: pulled.body ?? (await this.store.open(digest)) };
    }
    const size = await this.servedSize(repository, digest, linked);
    const range = this.rangeOf(rangeHeader, size);
    if (!withBody) return { size, range };
    const body = await this.store.open(digest, range);
    return { size, range, body };
  }

  private rangeOf(rangeHeader: string | undefined, size: number): BlobRead['range'] {
    const range = parseBlobRange(rangeHeader, size);
    if (range === 'unsatisfiable') throw RegistryError.rangeInvalid(`${rangeHeader} of a ${size}-byte blob`);
    return range;
  }

  /** The repository stops serving the blob; the bytes stay until garbage collection finds them unused. */
  async delete(repository: RepositoryName, digest: string): Promise<void> {
    const removed = await this.records.unlinkBlob(repository.full, requireDigest(digest));
    if (!removed) throw RegistryError.blobUnknown(digest);
  }

  /** Cross-repository mount: true when `from` serves the blob and it is now linked here too. */
  async mount(target: RepositoryName, from: RepositoryName, digest: string): Promise<boolean> {
    const size = await this.records.linkedBlobSize(from.full, requireDigest(digest));
    if (size === undefined || !(await this.store.stat(digest))) return false;
    await this.records.linkBlob(target.full, digest, size);
    return true;
  }
}
