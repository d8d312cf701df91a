import { Inject, Injectable, Logger } from '@nestjs/common';
import { ImageRequests, ImageStreamRequests, RegistryRequests, type MappedImageInput } from '@imagestreams/contracts';
import { BlobNotFoundError, type BlobStore } from '@imagestreams/platform-blob-storage';
import {
  chooseManifestRepresentation,
  digestOf,
  dockerImageLayersFrom,
  dockerImageManifestsFrom,
  dockerImageMetadataFrom,
  dockerImageSizeOf,
  isDigest,
  isOciTagName,
  MAX_MANIFEST_BYTES,
  parseDigest,
  parseManifest,
  RegistryError,
  type ParsedManifest,
} from '@imagestreams/domain-registry';
import { OwnerClient } from '@imagestreams/platform-messaging';
import { BLOB_STORE } from './blob-store.provider';
import { manifestRecordOf } from './manifest-record';
import { PullThrough } from './pull-through';
import { RegistryRecordsRepository, type ManifestRecord } from './registry-records.repository';
import type { RepositoryName } from './repository-name';

export interface ManifestRead {
  digest: string;
  mediaType: string;
  bytes: Buffer;
}

export interface ManifestWritten {
  digest: string;
  subject?: string;
}

/** Image configs are JSON documents of a few kB; anything this big is not worth reading for metadata. */
const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

function isDigestReference(reference: string): boolean {
  return reference.includes(':');
}

function requireReference(reference: string): string {
  if (isDigestReference(reference)) {
    if (!isDigest(reference)) throw RegistryError.digestInvalid(`"${reference}" is not a sha256 or sha512 digest`);
  } else if (!isOciTagName(reference)) {
    throw new RegistryError('MANIFEST_INVALID', `"${reference}" is not a valid tag`, { detail: { tag: reference } });
  }
  return reference;
}

/**
 * The reference of a pull or a delete: a name that is not a valid tag can name no manifest, so it is
 * unknown (404 MANIFEST_UNKNOWN, as distribution answers and the OCI conformance suite expects of a
 * pull), not invalid input; a malformed digest is still DIGEST_INVALID. Only a push can be refused
 * for the name it gives.
 */
function requireExistingReference(reference: string): string {
  if (!isDigestReference(reference) && !isOciTagName(reference)) throw RegistryError.manifestUnknown(reference);
  return requireReference(reference);
}

/** A promise started ahead of need: if the path fails before awaiting it, its rejection is not left unhandled. */
function settledLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/**
 * Manifests of a repository. The bytes are content in the blob store; which repository holds which
 * manifest is the registry's record; tags are image stream tags, so a pull by tag asks stream-service
 * and a push by tag moves the image stream tag (201 only after that change is committed). An
 * imported image is pulled through from its origin on first request (PullThrough).
 */
@Injectable()
export class Manifests {
  private readonly logger = new Logger(Manifests.name);

  constructor(
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    private readonly records: RegistryRecordsRepository,
    private readonly owners: OwnerClient,
    private readonly pullThrough: PullThrough,
  ) {}

  async read(repository: RepositoryName, reference: string, accept: string | undefined): Promise<ManifestRead> {
    requireExistingReference(reference);
    const digest = isDigestReference(reference) ? reference : await this.tagTarget(repository, reference);
    // The bytes are read while the record is looked up (a pull waits for both); they are only
    // served once the record says this repository holds the manifest.
    const reading = settledLater(this.store.readAll(digest, MAX_MANIFEST_BYTES));
    const { record, bytes: pulledBytes } = await this.recordIn(repository, digest, reference);
    // A manifest pulled through just now was stored after that read began: by this request (its
    // bytes come back), or by a concurrent one that finished between that read and the record
    // lookup, whose bytes are read again.
    const bytes =
      pulledBytes ??
      (await reading.catch((error: unknown) => {
        if (error instanceof BlobNotFoundError) return this.store.readAll(digest, MAX_MANIFEST_BYTES);
        throw error;
      }));
    const choice = chooseManifestRepresentation(accept, { mediaType: record.mediaType, manifests: record.childDigests.length ? parseManifest(bytes, record.mediaType).manifests : undefined });
    if (choice.serve === 'stored') return { digest: record.digest, mediaType: record.mediaType, bytes };
    if (choice.serve === 'child') return this.read(repository, choice.digest, accept);
    throw new RegistryError('MANIFEST_UNKNOWN', `manifest ${reference} is a ${record.mediaType}, which the client does not accept`, { detail: { reference, mediaType: record.mediaType } });
  }

  async write(repository: RepositoryName, reference: string, contentType: string | undefined, bytes: Buffer, actor?: string): Promise<ManifestWritten> {
    requireReference(reference);
    const algorithm = isDigestReference(reference) ? parseDigest(reference)?.algorithm ?? 'sha256' : 'sha256';
    const digest = digestOf(bytes, algorithm);
    if (isDigestReference(reference) && digest !== reference) throw RegistryError.digestInvalid(`the manifest's digest is ${digest}, not ${reference}`);
    const manifest = parseManifest(bytes, contentType);
    // Reading the config for the Image's metadata overlaps the checks and writes below (it fails
    // soft: a config that is not image JSON gives no metadata); it is used only if they pass.
    const imaging = settledLater(this.imageOf(digest, manifest));
    await this.requireReferencedContent(repository, manifest);

    await this.store.putBytes(digest, bytes);
    await this.records.recordManifest(repository.full, manifestRecordOf(digest, bytes.length, manifest));

    const image = await imaging;
    if (isDigestReference(reference)) {
      await this.owners.request(RegistryRequests.recordImage, { namespace: repository.namespace, stream: repository.stream, image, actor });
    } else {
      await this.owners.request(ImageRequests.createImageStreamMapping, {
        namespace: repository.namespace,
        createNamespace: true,
        actor,
        mapping: { metadata: { name: repository.stream }, image, tag: reference },
      });
    }
    return { digest, subject: manifest.subject?.digest };
  }

  /** By digest: the repository stops serving it and every tag pointing at it goes. By tag: only the tag goes. */
  async delete(repository: RepositoryName, reference: string, actor?: string): Promise<void> {
    requireExistingReference(reference);
    if (isDigestReference(reference)) {
      if (!(await this.records.deleteManifest(repository.full, reference))) throw RegistryError.manifestUnknown(reference);
      await this.owners.request(RegistryRequests.deleteManifest, { namespace: repository.namespace, stream: repository.stream, digest: reference, actor });
      return;
    }
    await this.tagTarget(repository, reference);
    await this.owners.request(ImageStreamRequests.deleteTag, { namespace: repository.namespace, name: `${repository.stream}:${reference}`, actor });
  }

  private async tagTarget(repository: RepositoryName, tag: string): Promise<string> {
    const resolved = await this.owners.request(RegistryRequests.resolveTag, { namespace: repository.namespace, stream: repository.stream, tag });
    if (!resolved.repositoryExists) throw RegistryError.nameUnknown(repository.full);
    if (!resolved.image) throw RegistryError.manifestUnknown(tag);
    return resolved.image;
  }

  /**
   * The manifest as this repository holds it. A tag may point at an image pushed to another
   * stream (`oc tag a:latest b:latest`); such a manifest is adopted on first pull, with its blobs,
   * so clients of b can fetch everything through b.
   */
  private async recordIn(repository: RepositoryName, digest: string, reference: string): Promise<{ record: ManifestRecord; bytes?: Buffer }> {
    const own = await this.records.manifest(repository.full, digest);
    if (own) return { record: own };
    if (!isDigestReference(reference)) {
      const elsewhere = await this.records.manifestAnywhere(digest);
      if (elsewhere) {
        await this.adopt(repository, elsewhere, 0);
        return { record: elsewhere };
      }
    }
    // Imported images live in their source registry until pulled through here once.
    const pulled = await this.pullThrough.manifest(repository, digest);
    if (!pulled) throw RegistryError.manifestUnknown(reference);
    return pulled;
  }

  private async adopt(repository: RepositoryName, manifest: ManifestRecord, depth: number): Promise<void> {
    for (const digest of manifest.blobDigests) {
      const blob = await this.store.stat(digest);
      if (blob) await this.records.linkBlob(repository.full, digest, blob.size);
    }
    // An index's children are images (one level); deeper nesting is not followed.
    if (depth === 0) {
      for (const child of manifest.childDigests) {
        const found = await this.records.manifestAnywhere(child);
        if (found) await this.adopt(repository, found, depth + 1);
      }
    }
    await this.records.recordManifest(repository.full, manifest);
  }

  /** MANIFEST_BLOB_UNKNOWN for the first config/layer or child manifest this repository lacks. */
  private async requireReferencedContent(repository: RepositoryName, manifest: ParsedManifest): Promise<void> {
    const blobs = manifest.blobReferences.map((descriptor) => descriptor.digest);
    const linked = await this.records.linkedBlobs(repository.full, blobs);
    const missingBlob = blobs.find((digest) => !linked.has(digest));
    if (missingBlob) throw RegistryError.manifestBlobUnknown(missingBlob);
    const children = manifest.manifestReferences.map((descriptor) => descriptor.digest);
    const present = await this.records.manifestsIn(repository.full, children);
    const missingChild = children.find((digest) => !present.has(digest));
    if (missingChild) throw RegistryError.manifestBlobUnknown(missingChild);
  }

  /** The Image stream-service records: metadata from the config blob, layers with sizes, or an index's platforms. */
  private async imageOf(digest: string, manifest: ParsedManifest): Promise<MappedImageInput> {
    const image: MappedImageInput = { metadata: { name: digest }, dockerImageManifestMediaType: manifest.mediaType };
    if (manifest.kind === 'index') {
      image.dockerImageManifests = dockerImageManifestsFrom(manifest);
      return image;
    }
    image.dockerImageLayers = dockerImageLayersFrom(manifest);
    // OpenShift's image Id is the config blob's digest (what `docker inspect` calls the image ID).
    image.dockerImageMetadata = dockerImageMetadataFrom(await this.readConfig(manifest), manifest.config?.digest ?? digest, dockerImageSizeOf(manifest));
    return image;
  }

  private async readConfig(manifest: ParsedManifest): Promise<unknown> {
    const config = manifest.config;
    if (!config || config.size > MAX_CONFIG_BYTES) return undefined;
    try {
      return JSON.parse((await this.store.readAll(config.digest, MAX_CONFIG_BYTES)).toString('utf8')) as unknown;
    } catch (error) {
      // Artifacts may carry any config; only images have the JSON we read metadata from.
      this.logger.debug(`config ${config.digest} is not JSON image metadata: ${(error as Error).message}`);
      return undefined;
    }
  }
}
