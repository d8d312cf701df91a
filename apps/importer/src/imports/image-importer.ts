import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Image, ImportStatus, MappedImageInput } from '@imagestreams/contracts';
import {
  choosePlatformManifest,
  importFailureStatus,
  parseImportSource,
  type ImportFailure,
  type ImportSource,
} from '@imagestreams/domain-import';
import { dockerImageLayersFrom, dockerImageManifestsFrom, dockerImageMetadataFrom, dockerImageSizeOf, parseManifest, type ParsedManifest } from '@imagestreams/domain-registry';
import {
  HttpOnlyRegistryError,
  ManifestNotFoundError,
  RefusedAddressError,
  RegistryClient,
  UnauthorizedError,
  type FetchedManifest,
  type RegistryCredentials,
  type RegistryTarget,
} from '@imagestreams/platform-registry-client';
import pLimit from 'p-limit';
import { loginFor } from '../secrets/docker-config';
import { RegistrySecrets, type LoginLookup } from '../secrets/registry-secrets';
import { importedImageView } from './image-views';
import { imageImports } from './import-metrics';
import { IMPORT_SETTINGS, type ImportSettings } from './import-settings';

export const REGISTRY_CLIENT = Symbol('REGISTRY_CLIENT');

export interface ImageImportRequest {
  /** `from.name`: a pull spec in an external registry. */
  source: string;
  insecure?: boolean;
  importMode?: string;
  /** Legacy mode's preferred platform (from the tag's `importer.image.openshift.io/prefer-*` annotations). */
  platform?: { preferArch?: string; preferOs?: string };
  includeManifest?: boolean;
}

export type ImageImportOutcome =
  | { ok: true; sourceDigest: string; image: MappedImageInput; view: Image; manifests: MappedImageInput[]; manifestViews: Image[] }
  | { ok: false; status: ImportStatus; failure: { reason: string; message: string } };

const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

/**
 * Reads one image from an external registry into the shape stream-service records: the manifest
 * (a manifest list is narrowed to one platform in Legacy mode, or kept with all its children in
 * PreserveOriginal), the config's metadata and the layers. Failures become the per-image Status
 * OpenShift reports, never exceptions.
 */
@Injectable()
export class ImageImporter implements OnApplicationShutdown {
  private readonly perRegistry = new Map<string, ReturnType<typeof pLimit>>();

  constructor(
    @Inject(REGISTRY_CLIENT) private readonly client: RegistryClient,
    private readonly secrets: RegistrySecrets,
    @Inject(IMPORT_SETTINGS) private readonly settings: ImportSettings,
  ) {}

  /** Keep-alive sockets to registries would otherwise hold the process open. */
  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }

  /** A fresh lookup of registry logins, for callers that import several images in one unit of work. */
  loginLookup(): LoginLookup {
    return this.secrets.lookup();
  }

  async importImage(namespace: string, request: ImageImportRequest, logins: LoginLookup = this.loginLookup()): Promise<ImageImportOutcome> {
    const outcome = await this.lookUpImage(namespace, request, logins);
    if (outcome.ok) imageImports.inc({ result: 'success' });
    else imageImports.inc({ result: 'failure', reason: outcome.status.reason });
    return outcome;
  }

  private async lookUpImage(namespace: string, request: ImageImportRequest, logins: LoginLookup): Promise<ImageImportOutcome> {
    let source: ImportSource;
    try {
      source = parseImportSource(request.source);
    } catch (error) {
      return this.failed({ kind: 'invalid', message: `invalid name: ${(error as Error).message}` });
    }
    const target: RegistryTarget = { registry: source.registry, repository: source.repository, insecure: request.insecure ?? false };
    const login = loginFor(await logins(namespace), source.registry);
    return this.limited(source.registry, async () => {
      try {
        return await this.fetchImage(source, target, request, login);
      } catch (error) {
        return this.failed(this.failureOf(error, source, target, login !== undefined));
      }
    });
  }

  /** The tags of a remote repository (`spec.repository` imports), or the Status explaining why not. */
  async listRepositoryTags(namespace: string, repositoryName: string, insecure: boolean): Promise<{ ok: true; tags: string[] } | { ok: false; status: ImportStatus }> {
    const source = parseImportSource(repositoryName);
    const target: RegistryTarget = { registry: source.registry, repository: source.repository, insecure };
    const login = loginFor(await this.secrets.loginsFor(namespace), source.registry);
    try {
      return { ok: true, tags: await this.limited(source.registry, () => this.client.listTags(target, login)) };
    } catch (error) {
      const failed = this.failed(this.failureOf(error, source, target, login !== undefined));
      return { ok: false, status: failed.ok ? importFailureStatus({ kind: 'internal', reference: repositoryName, message: 'unknown' }) : failed.status };
    }
  }

  /** The digest the source reference points at now (one HEAD): what scheduled checks compare. */
  async currentDigest(namespace: string, sourceName: string, insecure: boolean, logins: LoginLookup = this.loginLookup()): Promise<string> {
    const source = parseImportSource(sourceName);
    const login = loginFor(await logins(namespace), source.registry);
    const target: RegistryTarget = { registry: source.registry, repository: source.repository, insecure };
    return this.limited(source.registry, async () => (await this.client.headManifest(target, source.digest ?? source.tag ?? 'latest', login)).digest);
  }

  private async fetchImage(source: ImportSource, target: RegistryTarget, request: ImageImportRequest, login: RegistryCredentials | undefined): Promise<ImageImportOutcome> {
    const top = await this.client.getManifest(target, source.digest ?? source.tag ?? 'latest', login);
    const parsed = parseManifest(top.bytes, top.mediaType);
    const mode = request.importMode === 'PreserveOriginal' || request.importMode === 'Legacy' ? request.importMode : this.settings.defaultMode;
    if (parsed.kind === 'index') {
      if (mode === 'PreserveOriginal') return this.preserveIndex(source, target, top, parsed, request, login);
      const child = choosePlatformManifest(parsed.manifests, {
        ...request.platform,
        defaultArch: this.settings.defaultArch,
        defaultOs: this.settings.defaultOs,
      });
      if (!child) return this.failed({ kind: 'internal', reference: source.reference, message: 'the manifest list has no manifests' });
      const chosen = await this.client.getManifest(target, child.digest, login);
      const image = await this.singleImage(source, target, chosen, login);
      return { ok: true, sourceDigest: top.digest, image, view: importedImageView(image, request.includeManifest ? chosen.bytes : undefined), manifests: [], manifestViews: [] };
    }
    const image = await this.singleImage(source, target, top, login, parsed);
    return { ok: true, sourceDigest: top.digest, image, view: importedImageView(image, request.includeManifest ? top.bytes : undefined), manifests: [], manifestViews: [] };
  }

  private async preserveIndex(
    source: ImportSource,
    target: RegistryTarget,
    top: FetchedManifest,
    parsed: ParsedManifest,
    request: ImageImportRequest,
    login: RegistryCredentials | undefined,
  ): Promise<ImageImportOutcome> {
    const manifests: MappedImageInput[] = [];
    for (const child of parsed.manifests) {
      manifests.push(await this.singleImage(source, target, await this.client.getManifest(target, child.digest, login), login));
    }
    const image: MappedImageInput = {
      metadata: { name: top.digest },
      dockerImageReference: `${source.displayRegistry}/${source.repository}@${top.digest}`,
      dockerImageManifestMediaType: parsed.mediaType,
      dockerImageManifests: dockerImageManifestsFrom(parsed),
    };
    return {
      ok: true,
      sourceDigest: top.digest,
      image,
      view: importedImageView(image, request.includeManifest ? top.bytes : undefined),
      manifests,
      manifestViews: manifests.map((manifest) => importedImageView(manifest)),
    };
  }

  private async singleImage(source: ImportSource, target: RegistryTarget, fetched: FetchedManifest, login: RegistryCredentials | undefined, parsed = parseManifest(fetched.bytes, fetched.mediaType)): Promise<MappedImageInput> {
    let config: unknown;
    if (parsed.config && parsed.config.size <= MAX_CONFIG_BYTES) {
      const bytes = await this.client.getBlob(target, parsed.config.digest, MAX_CONFIG_BYTES, login);
      config = safeJson(bytes);
    }
    return {
      metadata: { name: fetched.digest },
      dockerImageReference: `${source.displayRegistry}/${source.repository}@${fetched.digest}`,
      dockerImageManifestMediaType: parsed.mediaType,
      dockerImageMetadata: dockerImageMetadataFrom(config, parsed.config?.digest ?? fetched.digest, dockerImageSizeOf(parsed)),
      dockerImageLayers: dockerImageLayersFrom(parsed),
    };
  }

  private failureOf(error: unknown, source: ImportSource, target: RegistryTarget, withCredentials: boolean): ImportFailure {
    if (error instanceof ManifestNotFoundError) return { kind: 'not-found', reference: source.reference };
    if (error instanceof UnauthorizedError) return { kind: 'unauthorized', reference: source.reference, badCredentials: withCredentials && error.badCredentials };
    if (error instanceof HttpOnlyRegistryError) return { kind: 'http-only', repository: `${target.registry}/${target.repository}` };
    if (error instanceof RefusedAddressError) return { kind: 'forbidden-registry', host: target.registry, reason: 'blocked', detail: error.message };
    return { kind: 'internal', reference: source.reference, message: (error as Error)?.message ?? String(error) };
  }

  private failed(failure: ImportFailure): ImageImportOutcome {
    const status = importFailureStatus(failure);
    return { ok: false, status, failure: { reason: status.reason, message: status.message } };
  }

  /** At most IMPORT_REGISTRY_CONCURRENCY requests in flight to one registry, so one slow registry never starves the rest. */
  private limited<T>(registry: string, work: () => Promise<T>): Promise<T> {
    let limit = this.perRegistry.get(registry);
    if (!limit) {
      limit = pLimit(this.settings.registryConcurrency);
      this.perRegistry.set(registry, limit);
    }
    return limit(work);
  }
}

function safeJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
