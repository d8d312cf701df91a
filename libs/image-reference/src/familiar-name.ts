import { DOCKER_HUB_REGISTRY, isDockerHubRegistry, OFFICIAL_NAMESPACE } from './docker-defaults';
import { formatReference } from './format-reference';
import { isRegistryComponent } from './grammar';
import { parseReference } from './parse';
import { ParsedReference } from './reference';

/**
 * The short name people type, the reverse of `normalizeReference`'s registry and `library/`
 * defaults: `docker.io/library/nginx:1.25` → `nginx`, `docker.io/acme/app` → `acme/app`,
 * `quay.io/acme/app` → `quay.io/acme/app`. Tag and digest are not included (see
 * `familiarString`). Strings are parsed strictly and may throw `InvalidReferenceError`.
 */
export function familiarName(ref: string | ParsedReference): string {
  const parsed = typeof ref === 'string' ? parseReference(ref) : ref;
  if (!isDockerHubRegistry(parsed.registry)) {
    return formatReference({ registry: parsed.registry, repository: parsed.repository });
  }

  const repository = withoutOfficialNamespace(parsed.repository);
  // `docker.io/foo.com/app` shortened to `foo.com/app` would re-parse as registry `foo.com`;
  // keep the registry whenever dropping it would change what the name points at.
  const firstComponent = repository.split('/')[0];
  if (repository.includes('/') && isRegistryComponent(firstComponent)) {
    return formatReference({ registry: DOCKER_HUB_REGISTRY, repository });
  }
  return repository;
}

/** `familiarName` plus the tag and digest as written: `docker.io/library/nginx:1.25` → `nginx:1.25`. */
export function familiarString(ref: string | ParsedReference): string {
  const parsed = typeof ref === 'string' ? parseReference(ref) : ref;
  return formatReference({ repository: familiarName(parsed), tag: parsed.tag, digest: parsed.digest });
}

// Only a single component after `library/` may lose the prefix: `library/a/b` shortened to
// `a/b` would normalise back to `docker.io/a/b`, a different repository.
function withoutOfficialNamespace(repository: string): string {
  const prefix = `${OFFICIAL_NAMESPACE}/`;
  if (!repository.startsWith(prefix)) return repository;
  const rest = repository.slice(prefix.length);
  return rest.includes('/') ? repository : rest;
}
