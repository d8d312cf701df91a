import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import { ImportRequests, RegistryRequests } from '@imagestreams/contracts';
import { MAX_MANIFEST_BYTES, parseManifest, RegistryError } from '@imagestreams/domain-registry';
import { normalizeReference } from '@imagestreams/image-reference';
import { DigestMismatchError, type BlobStore } from '@imagestreams/platform-blob-storage';
import { OwnerClient } from '@imagestreams/platform-messaging';
import {
  RateLimitedError,
  RegistryClient,
  RegistryClientClosedError,
  RegistryClientError,
  RegistryConnectionError,
  RegistryHttpError,
  RegistryTimeoutError,
  type RegistryCredentials,
  type RegistryTarget,
} from '@imagestreams/platform-registry-client';
import { BLOB_STORE } from './blob-store.provider';
import { FirstClientFeed } from './first-client-feed';
import { manifestRecordOf } from './manifest-record';
import { registryPullThroughFetches } from './registry-metrics';
import { RegistryRecordsRepository, type ManifestRecord, type PullThroughOrigin } from './registry-records.repository';
import type { RepositoryName } from './repository-name';

/** The client pull-through fetches with; null when PULL_THROUGH is off. */
export const PULL_THROUGH_CLIENT = Symbol('PULL_THROUGH_CLIENT');

export interface PulledManifest {
  record: ManifestRecord;
  bytes: Buffer;
}

/** A blob for a GET: its size, and the bytes as they arrive when this request started the fetch. */
export interface StreamedBlob {
  size: number;
  body?: Readable;
}

type Content = 'manifest' | 'blob';

/** Worth asking again soon: the origin was unreachable, slow, rate-limited or failing, not wrong. */
function isTransient(error: unknown): boolean {
  return (
    error instanceof RegistryConnectionError ||
    error instanceof RegistryTimeoutError ||
    error instanceof RateLimitedError ||
    error instanceof RegistryClientClosedError ||
    (error instanceof RegistryHttpError && error.status >= 500)
  );
}

/**
 * OpenShift's registry pull-through: an image a stream imported from another registry can be
 * pulled from this one (what a `referencePolicy: Local` tag's pull spec promises). On the first
 * request for such a manifest, the registry asks stream-service where the stream's history says
 * the image came from, asks the importer for the namespace's login to that registry, fetches the
 * manifest by digest and keeps it; the config and layers follow on their first request. What is
 * fetched is kept (OpenShift's mirroring), verified against its digest, so later pulls are local
 * and survive the origin going away. The registry client is the importer's own library, with the
 * importer's address policy (IMPORT_ALLOW_*), so pull-through reaches exactly what imports reach.
 */
@Injectable()
export class PullThrough implements OnModuleDestroy {
  private readonly logger = new Logger(PullThrough.name);
  /** One fetch per repository and digest at a time: concurrent pulls of a new layer share it. */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    private readonly records: RegistryRecordsRepository,
    private readonly owners: OwnerClient,
    @Inject(PULL_THROUGH_CLIENT) private readonly client: RegistryClient | null,
  ) {}

  async onModuleDestroy(): Promise<void> {
    await this.client?.close();
  }

  /** The manifest fetched from the image's origin and now held by the repository; undefined when it has no origin to fetch from. */
  manifest(repository: RepositoryName, digest: string): Promise<PulledManifest | undefined> {
    const client = this.client;
    if (!client) return Promise.resolve(undefined);
    return this.once(`manifest ${repository.full} ${digest}`, async () => {
      const kept = await this.records.manifest(repository.full, digest);
      if (kept) return { record: kept, bytes: await this.store.readAll(digest, MAX_MANIFEST_BYTES) };
      const origin = await this.manifestOrigin(repository, digest);
      if (!origin) return undefined;
      const fetched = await this.fromOrigin(repository, origin, 'manifest', digest, (target, login) => client.getManifest(target, digest, login));
      let manifest;
      try {
        manifest = parseManifest(fetched.bytes, fetched.mediaType);
      } catch (error) {
        throw this.unavailable('manifest', digest, origin, `its manifest cannot be served: ${(error as Error).message}`, 404);
      }
      await this.store.putBytes(digest, fetched.bytes);
      const record = manifestRecordOf(digest, fetched.bytes.length, manifest, origin);
      await this.records.recordManifest(repository.full, record);
      registryPullThroughFetches.inc({ kind: 'manifest', outcome: 'fetched' });
      return { record, bytes: fetched.bytes };
    });
  }

  /** Size of the blob fetched from the origin of a pulled-through manifest that references it, now kept and linked; undefined when none does. */
  blob(repository: RepositoryName, digest: string): Promise<number | undefined> {
    const client = this.client;
    if (!client) return Promise.resolve(undefined);
    return this.once(this.blobKey(repository, digest), () => this.fetchBlob(client, repository, digest));
  }

  /**
   * The blob for a whole-blob GET. The request that starts the fetch gets the bytes as they arrive
   * from the origin (`body`, ended only once the kept copy matched its digest, destroyed otherwise),
   * so a first pull is not held up until the whole layer is stored; a request that finds a fetch
   * running waits for it and is then served from the store (no `body`).
   */
  streamBlob(repository: RepositoryName, digest: string): Promise<StreamedBlob | undefined> {
    const client = this.client;
    if (!client) return Promise.resolve(undefined);
    const key = this.blobKey(repository, digest);
    const running = this.inFlight.get(key) as Promise<number | undefined> | undefined;
    if (running) return running.then((size) => (size === undefined ? undefined : { size }));
    return new Promise<StreamedBlob | undefined>((resolve, reject) => {
      const fetching = this.once(key, () => this.fetchBlob(client, repository, digest, (size, body) => resolve({ size, body })));
      // Settling again after the bytes were handed out changes nothing: the body carries that outcome.
      fetching.then((size) => resolve(size === undefined ? undefined : { size }), reject);
    });
  }

  private blobKey(repository: RepositoryName, digest: string): string {
    return `blob ${repository.full} ${digest}`;
  }

  private async fetchBlob(client: RegistryClient, repository: RepositoryName, digest: string, handOut?: (size: number, body: Readable) => void): Promise<number | undefined> {
    // A fetch that ended between the caller's lookup and this one has kept it already.
    const kept = await this.records.linkedBlobSize(repository.full, digest);
    if (kept !== undefined) return kept;
    const origin = await this.records.pullOriginOfBlob(repository.full, digest);
    if (!origin) return undefined;
    let tee = handOut;
    const size = await this.fromOrigin(repository, origin, 'blob', digest, (target, login) =>
      client.downloadBlob(
        target,
        digest,
        (body, { size: announced }) => {
          // Only the first attempt's bytes go to the client: a retry's would repeat what it was sent.
          const toClient = tee;
          tee = undefined;
          return this.keepBlob(digest, body, announced, toClient);
        },
        login,
      ),
    );
    await this.records.linkBlob(repository.full, digest, size);
    registryPullThroughFetches.inc({ kind: 'blob', outcome: 'fetched' });
    return size;
  }

  /** A child of a pulled-through index comes from where the index came from; otherwise the stream's history says. */
  private async manifestOrigin(repository: RepositoryName, digest: string): Promise<PullThroughOrigin | undefined> {
    const parent = await this.records.pullOriginOfChild(repository.full, digest);
    if (parent) return parent;
    const answer = await this.owners.request(RegistryRequests.pullThroughSource, { namespace: repository.namespace, stream: repository.stream, digest });
    if (!answer.source) return undefined;
    // Docker's defaults (`docker.io`, `library/`) as imports apply them; the client knows Docker Hub's API host.
    const source = normalizeReference(answer.source.dockerImageReference);
    return { registry: source.registry, repository: source.repository, insecure: answer.source.insecure };
  }

  /**
   * Streams the blob into the store while hashing; kept only if it matches the digest (and the
   * announced length). With `toClient`, the same bytes also go to a stream handed out at once
   * (FirstClientFeed: it ends only after the commit, and a slow or departed client does not hold
   * the copy back).
   */
  private async keepBlob(digest: string, body: Readable, announced: number | undefined, toClient?: (size: number, body: Readable) => void): Promise<number> {
    const upload = `pull-${randomUUID()}`;
    await this.store.startUpload(upload);
    let feed: FirstClientFeed | undefined;
    let source: Readable = body;
    // Only with a known length: it is the response's Content-Length.
    if (toClient && announced !== undefined) {
      const toStore = new PassThrough();
      const clientFeed = new FirstClientFeed();
      // Both in the same tick, so neither misses a chunk; the store's pace is the fetch's pace.
      body.pipe(toStore);
      body.on('data', (chunk: Buffer) => clientFeed.take(chunk));
      // pipe() passes data and the end on, not a failure: the store must see the origin break off.
      body.once('error', (error) => toStore.destroy(error));
      source = toStore;
      feed = clientFeed;
      toClient(announced, clientFeed.stream);
    }
    try {
      await this.store.appendToUpload(upload, 0, source, announced === undefined ? {} : { expectedLength: announced });
      const size = (await this.store.commitUpload(upload, digest)).size;
      feed?.finish(this.store, digest, size);
      return size;
    } catch (error) {
      // The client must see a broken transfer, never a complete one of the wrong bytes.
      feed?.fail(error);
      await this.store.deleteUpload(upload).catch(() => false);
      throw error;
    }
  }

  /** Runs `fetch` with the namespace's login for the origin; failures become the registry's answer to the client. */
  private async fromOrigin<T>(
    repository: RepositoryName,
    origin: PullThroughOrigin,
    content: Content,
    digest: string,
    fetch: (target: RegistryTarget, login: RegistryCredentials | undefined) => Promise<T>,
  ): Promise<T> {
    const { login } = await this.owners.request(ImportRequests.getRegistryLogin, { namespace: repository.namespace, registry: origin.registry });
    try {
      return await fetch({ registry: origin.registry, repository: origin.repository, insecure: origin.insecure }, login);
    } catch (error) {
      if (error instanceof DigestMismatchError) throw this.unavailable(content, digest, origin, 'the content it served does not match the digest', 404);
      // Anything else from the store (a full disk) is this registry's own failure, not the client's.
      if (!(error instanceof RegistryClientError)) throw error;
      throw this.unavailable(content, digest, origin, error.message, isTransient(error) ? 503 : 404);
    }
  }

  /** The code a client expects for missing content, with why the origin did not provide it; 503 when trying again may help. */
  private unavailable(content: Content, digest: string, origin: PullThroughOrigin, reason: string, status: 404 | 503): RegistryError {
    const from = `${origin.registry}/${origin.repository}`;
    registryPullThroughFetches.inc({ kind: content, outcome: status === 503 ? 'unavailable' : 'refused' });
    this.logger.warn(`pull-through of ${content} ${digest} from ${from} failed: ${reason}`);
    return new RegistryError(content === 'manifest' ? 'MANIFEST_UNKNOWN' : 'BLOB_UNKNOWN', `${content} ${digest} could not be fetched from ${from}: ${reason}`, {
      status,
      detail: { digest, pullThrough: from },
    });
  }

  private once<T>(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key);
    if (running) return running as Promise<T>;
    const started = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, started);
    return started;
  }
}
