import { DOCKER_HUB_REGISTRY, normalizeReference } from '@imagestreams/image-reference';
import type { PushNotice } from './registry-notifications';

/** Docker Hub's registry API does not answer on `docker.io`; clients talk to this host instead. */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';

// Every name Docker Hub goes by, so a notice and a source agree however either spelled it.
const DOCKER_HUB_HOSTS: readonly string[] = [DOCKER_HUB_REGISTRY, 'index.docker.io', DOCKER_HUB_API_HOST];

/** Where an import fetches from, with Docker's client defaults applied. */
export interface ImportSource {
  /** The `host[:port]` to send registry API requests to (`registry-1.docker.io` for Docker Hub). */
  registry: string;
  /** The registry as written in references and shown to users (`docker.io` for Docker Hub). */
  displayRegistry: string;
  /** `library/nginx`, `acme/app`. */
  repository: string;
  tag?: string;
  digest?: string;
  /** The canonical pull spec, e.g. `docker.io/library/nginx:latest`. */
  reference: string;
}

/**
 * Reads an import's `from.name` (`nginx`, `quay.io/acme/app:1.2`, `host:5000/a/b@sha256:...`)
 * the way `docker pull` would: Docker Hub when no registry is named, `library/` for official
 * images, and the `latest` tag when neither tag nor digest is given. A name with both keeps both
 * (the digest decides what is fetched). Throws `InvalidReferenceError` for an invalid name.
 */
export function parseImportSource(name: string): ImportSource {
  const normalized = normalizeReference(name);
  const source: ImportSource = {
    registry: normalized.registry === DOCKER_HUB_REGISTRY ? DOCKER_HUB_API_HOST : normalized.registry,
    displayRegistry: normalized.registry,
    repository: normalized.repository,
    reference: normalized.canonical,
  };
  if (normalized.tag !== undefined) source.tag = normalized.tag;
  if (normalized.digest !== undefined) source.digest = normalized.digest;
  return source;
}

/**
 * Whether a push notice may have changed what `source` imports, so a push can trigger the import
 * at once instead of waiting for the next scheduled check. Registry and repository must be the
 * same. Then:
 * - a source pinned by digest only changes if that digest was pushed (say, after an import that
 *   failed because it was missing), whatever tag came with it;
 * - a tag source matches a push of that tag;
 * - a digest-only push moved no tag (multi-arch pushes upload each platform like that before the
 *   tagged index), so it matches no tag source;
 * - a notice with neither tag nor digest says only "this repository changed" and matches all.
 * A notice without a registry matches nothing: the same repository name on another registry is
 * a different image. Callers that know which registry sent a webhook should fill it in first.
 */
export function sourceMatchesNotice(source: ImportSource, notice: PushNotice): boolean {
  if (notice.registry === undefined) return false;
  if (registryKey(source.registry) !== registryKey(notice.registry)) return false;
  if (source.repository !== notice.repository) return false;

  if (source.digest !== undefined) return notice.digest === source.digest;
  if (notice.tag !== undefined) return notice.tag === source.tag;
  return notice.digest === undefined;
}

// Host names are case-insensitive, and Docker Hub answers to several names.
function registryKey(registry: string): string {
  const host = registry.toLowerCase();
  return DOCKER_HUB_HOSTS.includes(host) ? DOCKER_HUB_REGISTRY : host;
}
