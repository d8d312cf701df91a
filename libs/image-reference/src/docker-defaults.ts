/** The name Docker Hub is written with in canonical references. */
export const DOCKER_HUB_REGISTRY = 'docker.io';
/** Older clients wrote Docker Hub this way; it must normalise to the same repository. */
export const LEGACY_DOCKER_HUB_REGISTRY = 'index.docker.io';
/** Docker Hub keeps its official images under this namespace (`nginx` is `library/nginx`). */
export const OFFICIAL_NAMESPACE = 'library';
/** What every client pulls when a reference names neither a tag nor a digest. */
export const DEFAULT_TAG = 'latest';

export function isDockerHubRegistry(registry: string | undefined): boolean {
  return registry === undefined || registry === DOCKER_HUB_REGISTRY || registry === LEGACY_DOCKER_HUB_REGISTRY;
}
