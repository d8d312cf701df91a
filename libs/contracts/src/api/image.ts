import { IMAGE_API_GROUP, IMAGE_API_VERSION } from './image-stream';
import type { ListMeta, ObjectMeta } from './object-meta';
import type { ResourceRef } from './status';

export const ImageResource: ResourceRef = { resource: 'images', group: IMAGE_API_GROUP, kind: 'Image' };
export const ImageStreamImageResource: ResourceRef = { resource: 'imagestreamimages', group: IMAGE_API_GROUP, kind: 'ImageStreamImage' };

/** One filesystem layer of an image, base layer first. */
export interface ImageLayer {
  /** The layer blob's digest. */
  name: string;
  size: number;
  mediaType: string;
}

/** One platform's manifest inside a manifest list (OCI index); each is an Image of its own. */
export interface ImageManifest {
  digest: string;
  mediaType: string;
  manifestSize: number;
  architecture: string;
  os: string;
  variant?: string;
}

/** OpenShift always serializes size, architecture and os; only variant is omitted when empty. */
export function imageManifestOf(entry: { digest: string; mediaType: string; manifestSize?: number; architecture?: string; os?: string; variant?: string }): ImageManifest {
  return {
    digest: entry.digest,
    mediaType: entry.mediaType,
    manifestSize: entry.manifestSize ?? 0,
    architecture: entry.architecture ?? '',
    os: entry.os ?? '',
    ...(entry.variant ? { variant: entry.variant } : {}),
  };
}

/** Images are cluster scoped, immutable and named by their manifest digest. */
export type ImageMeta = Omit<ObjectMeta, 'namespace' | 'uid' | 'resourceVersion'> & Partial<Pick<ObjectMeta, 'uid' | 'resourceVersion'>>;

export interface Image {
  kind: 'Image';
  apiVersion: typeof IMAGE_API_VERSION;
  metadata: ImageMeta;
  dockerImageReference: string;
  /** Docker-style image metadata (`Id`, `Created`, `Config`, …) as `kind: DockerImage`. */
  dockerImageMetadata?: Record<string, unknown>;
  dockerImageMetadataVersion: '1.0';
  dockerImageManifestMediaType?: string;
  dockerImageLayers: ImageLayer[];
  /** Set for manifest lists only (which then have no layers). */
  dockerImageManifests?: ImageManifest[];
  /** The raw manifest: only on ImageStreamImport results that asked for it (`includeManifest`). */
  dockerImageManifest?: string;
}

export interface ImageList {
  kind: 'ImageList';
  apiVersion: typeof IMAGE_API_VERSION;
  metadata: ListMeta;
  items: Image[];
}

/** An image seen through a stream that references it: `<stream>@<digest>`. */
export interface ImageStreamImage {
  kind: 'ImageStreamImage';
  apiVersion: typeof IMAGE_API_VERSION;
  /** The stream's metadata, named `<stream>@<full digest>`. */
  metadata: ObjectMeta;
  image: Image;
}

export const IMAGE_STREAM_IMAGE_NAME_MESSAGE = 'ImageStreamImages must be retrieved with <name>@<id>';

/**
 * Splits `<stream>@<id>`; undefined unless the name has exactly one `@` with something on either
 * side (answer {@link IMAGE_STREAM_IMAGE_NAME_MESSAGE} as a BadRequest then).
 */
export function splitImageStreamImageName(name: string): { stream: string; id: string } | undefined {
  const parts = name.split('@');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') return undefined;
  return { stream: parts[0], id: parts[1] };
}
