import { isDigest } from './digest';
import { isMediaType } from './media-types';
import { RegistryError } from './oci-error';

/** Where an index child runs; only the fields the registry looks at are kept. */
export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
}

/** A typed, sized, content-addressed reference from a manifest to a blob or another manifest. */
export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  /** Locations outside the registry, for foreign (non-distributable) layers. */
  urls?: string[];
  /** Only read on the children of an index. */
  platform?: Platform;
}

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A field that may be left out; JSON `null` counts as left out, as it does for Go clients. */
export function isAbsent(value: unknown): value is undefined | null {
  return value === undefined || value === null;
}

/** Every manifest problem is MANIFEST_INVALID; `path` in the reason tells the client which field. */
export function invalidManifest(reason: string): never {
  throw RegistryError.manifestInvalid(reason);
}

export function readAnnotations(value: unknown, path: string): Record<string, string> {
  if (!isJsonObject(value)) return invalidManifest(`${path} must be an object of strings`);
  for (const [key, entry] of Object.entries(value)) {
    if (typeof entry !== 'string') invalidManifest(`${path}[${JSON.stringify(key)}] must be a string`);
  }
  return { ...(value as Record<string, string>) };
}

/** An optional media type field; the empty string means "not set", as the referrers rules read it. */
export function readOptionalMediaType(value: unknown, path: string): string | undefined {
  if (isAbsent(value) || value === '') return undefined;
  if (!isMediaType(value)) return invalidManifest(`${path} must be a media type`);
  return value;
}

function readPlatform(value: unknown, path: string): Platform {
  if (!isJsonObject(value)) return invalidManifest(`${path} must be an object`);
  const { architecture, os, variant } = value;
  if (typeof architecture !== 'string') invalidManifest(`${path}.architecture must be a string`);
  if (typeof os !== 'string') invalidManifest(`${path}.os must be a string`);
  if (!isAbsent(variant) && typeof variant !== 'string') invalidManifest(`${path}.variant must be a string`);
  return { architecture, os, ...(variant ? { variant } : {}) };
}

function readUrls(value: unknown, path: string): string[] {
  if (!Array.isArray(value) || !value.every((url) => typeof url === 'string')) {
    return invalidManifest(`${path} must be an array of strings`);
  }
  return [...value];
}

/**
 * Checks one descriptor and returns a copy holding only the fields the registry understands.
 * `path` names it in error reasons (`layers[2]`); `withPlatform` reads `platform` (index children).
 */
export function readDescriptor(value: unknown, path: string, withPlatform = false): Descriptor {
  if (!isJsonObject(value)) return invalidManifest(`${path} must be a descriptor object`);
  const { mediaType, digest, size } = value;
  if (!isMediaType(mediaType)) invalidManifest(`${path}.mediaType must be a media type`);
  if (!isDigest(digest)) invalidManifest(`${path}.digest must be a sha256 or sha512 digest`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    invalidManifest(`${path}.size must be a non-negative integer`);
  }

  const descriptor: Descriptor = { mediaType, digest, size };
  const artifactType = readOptionalMediaType(value['artifactType'], `${path}.artifactType`);
  if (artifactType !== undefined) descriptor.artifactType = artifactType;
  if (!isAbsent(value['annotations'])) descriptor.annotations = readAnnotations(value['annotations'], `${path}.annotations`);
  if (!isAbsent(value['urls'])) descriptor.urls = readUrls(value['urls'], `${path}.urls`);
  if (withPlatform && !isAbsent(value['platform'])) descriptor.platform = readPlatform(value['platform'], `${path}.platform`);
  return descriptor;
}
