import { tryParseReference } from '@imagestreams/image-reference';
import type { SpecTag } from './spec-tags';

/** One tag history entry that recorded the image asked for, newest first. */
export interface ImageHistoryEntry {
  tag: string;
  dockerImageReference: string;
}

export interface PullThroughOrigin {
  /** `<registry>/<repository>@<digest>`: where the image was imported from. */
  dockerImageReference: string;
  insecure: boolean;
}

/**
 * Where the integrated registry can fetch an image of the stream it does not hold (OpenShift's
 * registry pull-through, §5): the newest history entry of the image whose pull spec names another
 * registry. Entries that name one of this registry's own host names (pushed images, or copies
 * re-pointed at a stream's repository) are no source: fetching them would only ask ourselves.
 * The pull spec must carry the image's digest, so what is fetched is exactly the image the
 * history recorded. Plain HTTP (or unverified TLS) is allowed as the import was:
 * when that tag's spec says `importPolicy.insecure`.
 */
export function pullThroughOrigin(digest: string, entries: ImageHistoryEntry[], ownRegistryHosts: string[], specTags: Pick<SpecTag, 'name' | 'importPolicy'>[]): PullThroughOrigin | undefined {
  const own = new Set(ownRegistryHosts.filter(Boolean).map((host) => host.replace(/\/+$/, '').toLowerCase()));
  for (const entry of entries) {
    const parsed = tryParseReference(entry.dockerImageReference);
    if (!parsed.ok) continue;
    const { registry, digest: referenced } = parsed.value;
    // A pull spec without a registry is Docker Hub's, never ours.
    if ((registry && own.has(registry.toLowerCase())) || referenced !== digest) continue;
    const insecure = specTags.some((tag) => tag.name === entry.tag && tag.importPolicy?.insecure === true);
    return { dockerImageReference: entry.dockerImageReference, insecure };
  }
  return undefined;
}
