import {
  type Descriptor,
  invalidManifest,
  isAbsent,
  isJsonObject,
  type JsonObject,
  readAnnotations,
  readDescriptor,
  readOptionalMediaType,
} from './descriptor';
import {
  bareMediaType,
  isDockerSchema1MediaType,
  isForeignLayerMediaType,
  isImageManifestMediaType,
  isIndexMediaType,
} from './media-types';
import { RegistryError } from './oci-error';

/** Manifests are held in memory whole, so their size is capped (the limit distribution uses). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export type ManifestKind = 'image' | 'index';

export interface ParsedManifest {
  mediaType: string;
  kind: ManifestKind;
  /** Images only. */
  config?: Descriptor;
  /** Images only, base layer first; may be empty for artifacts. */
  layers: Descriptor[];
  /** Indexes only. */
  manifests: Descriptor[];
  subject?: Descriptor;
  /** What the referrers API lists: `artifactType`, else (images only) `config.mediaType`. */
  artifactType?: string;
  annotations?: Record<string, string>;
  /** Blobs that must exist before the manifest is accepted: config and layers, each digest once. */
  blobReferences: Descriptor[];
  /** Manifests that must exist before an index is accepted, each digest once. */
  manifestReferences: Descriptor[];
}

/**
 * Validates a pushed manifest and extracts what the registry needs from it. Throws
 * RegistryError MANIFEST_INVALID naming the offending field (status 413 when it is too large).
 * `contentType` is the request's Content-Type header.
 */
export function parseManifest(bytes: Uint8Array, contentType: string | undefined): ParsedManifest {
  if (bytes.length > MAX_MANIFEST_BYTES) {
    throw RegistryError.manifestInvalid(`manifest is ${bytes.length} bytes, more than the ${MAX_MANIFEST_BYTES} allowed`, 413);
  }
  const json = decodeJsonObject(bytes);
  if (json['schemaVersion'] === 1) invalidManifest('Docker schema 1 manifests are unsupported; push a schema 2 or OCI manifest');

  const mediaType = resolveMediaType(json, contentType);
  if (isDockerSchema1MediaType(mediaType)) invalidManifest(`${mediaType} is unsupported; push a schema 2 or OCI manifest`);
  if (json['schemaVersion'] !== 2) invalidManifest('schemaVersion must be 2');

  if (isImageManifestMediaType(mediaType)) return parseImageManifest(json, mediaType);
  if (isIndexMediaType(mediaType)) return parseIndex(json, mediaType);
  return invalidManifest(`manifest media type ${mediaType} is unsupported`);
}

function decodeJsonObject(bytes: Uint8Array): JsonObject {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return invalidManifest('manifest is not valid UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return invalidManifest('manifest is not valid JSON');
  }
  if (!isJsonObject(json)) return invalidManifest('manifest must be a JSON object');
  return json;
}

// The body's own `mediaType` wins because it is covered by the digest; the header is only a
// fallback for manifests that leave the field out (allowed for OCI images).
function resolveMediaType(json: JsonObject, contentType: string | undefined): string {
  const field = json['mediaType'];
  if (!isAbsent(field) && typeof field !== 'string') return invalidManifest('mediaType must be a string');
  const header = contentType === undefined ? '' : bareMediaType(contentType);
  if (field && header && field !== header) {
    invalidManifest(`mediaType ${field} does not match Content-Type ${header}`);
  }
  const mediaType = field || header;
  if (!mediaType) return invalidManifest('manifest media type unknown: set mediaType or Content-Type');
  return mediaType;
}

function requiredArray(json: JsonObject, key: string): unknown[] {
  const value = json[key];
  if (isAbsent(value)) return invalidManifest(`${key} is required`);
  if (!Array.isArray(value)) return invalidManifest(`${key} must be an array`);
  return value;
}

function uniqueByDigest(descriptors: readonly Descriptor[]): Descriptor[] {
  const seen = new Set<string>();
  return descriptors.filter((descriptor) => {
    if (seen.has(descriptor.digest)) return false;
    seen.add(descriptor.digest);
    return true;
  });
}

/** Fields every manifest kind may carry. */
function readCommonFields(json: JsonObject): Pick<ParsedManifest, 'subject' | 'artifactType' | 'annotations'> {
  const common: Pick<ParsedManifest, 'subject' | 'artifactType' | 'annotations'> = {};
  if (!isAbsent(json['subject'])) common.subject = readDescriptor(json['subject'], 'subject');
  const artifactType = readOptionalMediaType(json['artifactType'], 'artifactType');
  if (artifactType !== undefined) common.artifactType = artifactType;
  if (!isAbsent(json['annotations'])) common.annotations = readAnnotations(json['annotations'], 'annotations');
  return common;
}

function parseImageManifest(json: JsonObject, mediaType: string): ParsedManifest {
  // A body that is both an image and an index could be read differently by different clients
  // under one digest (CVE-2021-41190), so the other kind's fields are refused outright.
  if (!isAbsent(json['manifests'])) invalidManifest('an image manifest must not have manifests');
  if (isAbsent(json['config'])) invalidManifest('config is required');
  const config = readDescriptor(json['config'], 'config');
  const layers = requiredArray(json, 'layers').map((layer, i) => readDescriptor(layer, `layers[${i}]`));
  const common = readCommonFields(json);
  // Foreign layers are fetched from their URLs, never pushed, so they cannot be required here.
  const pushedLayers = layers.filter((layer) => !(layer.urls?.length && isForeignLayerMediaType(layer.mediaType)));
  return {
    mediaType,
    kind: 'image',
    config,
    layers,
    manifests: [],
    ...common,
    artifactType: common.artifactType ?? config.mediaType,
    blobReferences: uniqueByDigest([config, ...pushedLayers]),
    manifestReferences: [],
  };
}

function parseIndex(json: JsonObject, mediaType: string): ParsedManifest {
  if (!isAbsent(json['config']) || !isAbsent(json['layers'])) invalidManifest('an index must not have config or layers');
  const manifests = requiredArray(json, 'manifests').map((child, i) => readDescriptor(child, `manifests[${i}]`, true));
  return {
    mediaType,
    kind: 'index',
    layers: [],
    manifests,
    ...readCommonFields(json),
    blobReferences: [],
    manifestReferences: uniqueByDigest(manifests),
  };
}
