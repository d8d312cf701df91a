import { isJsonObject, type JsonObject } from './descriptor';
import type { ParsedManifest } from './manifest';
import { withoutNul } from './storable-strings';

/**
 * The `apiVersion` OpenShift 4 writes into `dockerImageMetadata` (the group form of its legacy
 * `1.0`); the image views of this repository already serve it.
 */
export const DOCKER_IMAGE_METADATA_API_VERSION = 'image.openshift.io/1.0';

// Type aliases rather than interfaces, so values fit `Record<string, unknown>` API fields as-is.

/** The runtime settings of an image, as OpenShift shows them (its `DockerConfig`). */
export type DockerImageRunConfig = {
  Labels?: Record<string, string>;
  Env?: string[];
  /** Keys like `8080/tcp`; the values are always empty objects. */
  ExposedPorts?: Record<string, Record<string, never>>;
  Entrypoint?: string[];
  Cmd?: string[];
  WorkingDir?: string;
  User?: string;
};

/** OpenShift's `DockerImage`: the `dockerImageMetadata` of an Image. */
export type DockerImageMetadata = {
  kind: 'DockerImage';
  apiVersion: typeof DOCKER_IMAGE_METADATA_API_VERSION;
  Id: string;
  Created?: string;
  Architecture?: string;
  Os?: string;
  Size: number;
  Config?: DockerImageRunConfig;
};

/** One entry of an Image's `dockerImageLayers`. */
export interface DockerImageLayer {
  /** The layer blob's digest. */
  name: string;
  size: number;
  mediaType: string;
}

const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && value !== '';

const nonEmptyStrings = (value: unknown): value is string[] =>
  Array.isArray(value) && value.length > 0 && value.every((entry) => typeof entry === 'string');

const nonEmptyStringMap = (value: unknown): value is Record<string, string> =>
  isJsonObject(value) && Object.keys(value).length > 0 && Object.values(value).every((entry) => typeof entry === 'string');

const nonEmptyPortSet = (value: unknown): value is JsonObject =>
  isJsonObject(value) && Object.keys(value).length > 0 && Object.values(value).every(isJsonObject);

// Empty values are left out as OpenShift's `omitempty` does; a malformed field is left out too,
// because metadata is informative and must never make a valid push fail.
function runConfigFrom(config: JsonObject): DockerImageRunConfig {
  const { Labels, Env, ExposedPorts, Entrypoint, Cmd, WorkingDir, User } = config;
  return {
    ...(nonEmptyStringMap(Labels) ? { Labels: { ...Labels } } : {}),
    ...(nonEmptyStrings(Env) ? { Env: [...Env] } : {}),
    ...(nonEmptyPortSet(ExposedPorts) ? { ExposedPorts: Object.fromEntries(Object.keys(ExposedPorts).map((port) => [port, {}])) } : {}),
    ...(nonEmptyStrings(Entrypoint) ? { Entrypoint: [...Entrypoint] } : {}),
    ...(nonEmptyStrings(Cmd) ? { Cmd: [...Cmd] } : {}),
    ...(nonEmptyString(WorkingDir) ? { WorkingDir } : {}),
    ...(nonEmptyString(User) ? { User } : {}),
  };
}

/**
 * An Image's `dockerImageMetadata` from its parsed config blob (Docker or OCI image config).
 * `imageId` is what OpenShift puts in `Id`: the config blob's digest for schema 2 and OCI
 * images. Anything that is not an image config (an artifact's `{}`, a non-object) yields the
 * identifying fields only.
 */
export function dockerImageMetadataFrom(config: unknown, imageId: string, totalSize: number): DockerImageMetadata {
  const metadata: DockerImageMetadata = { kind: 'DockerImage', apiVersion: DOCKER_IMAGE_METADATA_API_VERSION, Id: imageId, Size: totalSize };
  if (!isJsonObject(config)) return metadata;
  if (nonEmptyString(config['created'])) metadata.Created = config['created'];
  if (nonEmptyString(config['architecture'])) metadata.Architecture = config['architecture'];
  if (nonEmptyString(config['os'])) metadata.Os = config['os'];
  if (isJsonObject(config['config'])) metadata.Config = runConfigFrom(config['config']);
  // Pushed or imported configs may hold \u0000, which no stored string can.
  return withoutNul(metadata);
}

/** One entry of an Image's `dockerImageManifests`: a child of a manifest list or index. */
export interface DockerImageManifest {
  digest: string;
  mediaType: string;
  manifestSize: number;
  architecture?: string;
  os?: string;
  variant?: string;
}

/** An Image's `dockerImageManifests`: an index's children with their platforms. */
export function dockerImageManifestsFrom(index: Pick<ParsedManifest, 'manifests'>): DockerImageManifest[] {
  return withoutNul(
    index.manifests.map((child) => ({
      digest: child.digest,
      mediaType: child.mediaType,
      manifestSize: child.size,
      ...(child.platform ? { architecture: child.platform.architecture, os: child.platform.os, ...(child.platform.variant ? { variant: child.platform.variant } : {}) } : {}),
    })),
  );
}

/** An Image's `dockerImageLayers`: the manifest's layers, base layer first; none for an index. */
export function dockerImageLayersFrom(manifest: Pick<ParsedManifest, 'layers'>): DockerImageLayer[] {
  return manifest.layers.map((layer) => ({ name: layer.digest, size: layer.size, mediaType: layer.mediaType }));
}

/**
 * The `Size` OpenShift reports: the config blob plus every distinct layer, counting a layer
 * used twice once. 0 for an index, whose images are sized separately.
 */
export function dockerImageSizeOf(manifest: Pick<ParsedManifest, 'config' | 'layers'>): number {
  const counted = new Set<string>();
  let size = 0;
  for (const blob of [...(manifest.config ? [manifest.config] : []), ...manifest.layers]) {
    if (counted.has(blob.digest)) continue;
    counted.add(blob.digest);
    size += blob.size;
  }
  return size;
}
