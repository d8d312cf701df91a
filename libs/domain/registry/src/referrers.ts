import type { ParsedManifest } from './manifest';
import { OCI_IMAGE_INDEX_MEDIA_TYPE } from './media-types';

/** A manifest that names another as its `subject`, as the referrers API lists it. */
export interface ReferrerDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
}

/** The OCI index the referrers API answers with. */
export interface ReferrersImageIndex {
  schemaVersion: 2;
  mediaType: typeof OCI_IMAGE_INDEX_MEDIA_TYPE;
  manifests: ReferrerDescriptor[];
}

/** What `referrersIndex` returns: the body, and whether it was filtered (for the response header). */
export interface ReferrersIndex {
  index: ReferrersImageIndex;
  /** True when an artifactType filter was applied: send `OCI-Filters-Applied: artifactType`. */
  filtered: boolean;
}

/**
 * How a pushed manifest is listed among its subject's referrers: its own artifactType (for an
 * image, the config media type when it has none, which ParsedManifest already resolved) and
 * all of its annotations.
 */
export function referrerDescriptorOf(manifest: Pick<ParsedManifest, 'mediaType' | 'artifactType' | 'annotations'>, digest: string, size: number): ReferrerDescriptor {
  return {
    mediaType: manifest.mediaType,
    digest,
    size,
    ...(manifest.artifactType !== undefined ? { artifactType: manifest.artifactType } : {}),
    ...(manifest.annotations !== undefined ? { annotations: { ...manifest.annotations } } : {}),
  };
}

/**
 * The body of `GET /v2/<name>/referrers/<digest>`: an OCI index of the referrers, in the given
 * order, each digest once. An empty or absent `artifactTypeFilter` means no filtering; an
 * empty result is still an index, since the API must never answer 404 for no referrers.
 */
export function referrersIndex(descriptors: readonly ReferrerDescriptor[], artifactTypeFilter?: string): ReferrersIndex {
  const filtered = artifactTypeFilter !== undefined && artifactTypeFilter !== '';
  const seen = new Set<string>();
  const manifests: ReferrerDescriptor[] = [];
  for (const descriptor of descriptors) {
    if (seen.has(descriptor.digest)) continue;
    seen.add(descriptor.digest);
    if (filtered && descriptor.artifactType !== artifactTypeFilter) continue;
    manifests.push(referrerDescriptorOf(descriptor, descriptor.digest, descriptor.size));
  }
  return { index: { schemaVersion: 2, mediaType: OCI_IMAGE_INDEX_MEDIA_TYPE, manifests }, filtered };
}
