import { withoutNul, type ParsedManifest } from '@imagestreams/domain-registry';
import type { ManifestRecord, PullThroughOrigin } from './registry-records.repository';

/** What the registry records of a manifest it now holds, pushed or pulled through. */
export function manifestRecordOf(digest: string, size: number, manifest: ParsedManifest, pulledFrom?: PullThroughOrigin): ManifestRecord {
  return {
    digest,
    mediaType: manifest.mediaType,
    size,
    artifactType: manifest.artifactType,
    subject: manifest.subject?.digest,
    annotations: manifest.annotations && withoutNul(manifest.annotations),
    blobDigests: manifest.blobReferences.map((descriptor) => descriptor.digest),
    childDigests: manifest.manifestReferences.map((descriptor) => descriptor.digest),
    ...(pulledFrom ? { pulledFrom } : {}),
  };
}
