import { DEFAULT_TAG, DOCKER_HUB_REGISTRY, isDockerHubRegistry, OFFICIAL_NAMESPACE } from './docker-defaults';
import { formatReference } from './format-reference';
import { NAME_MAX_LENGTH } from './grammar';
import { InvalidReferenceError } from './invalid-reference-error';
import { parseReference } from './parse';
import { NormalizedReference } from './reference';

/**
 * Applies the defaults a Docker client applies before pulling, so that `nginx`,
 * `library/nginx:latest` and `docker.io/library/nginx` all compare equal:
 * - no registry means Docker Hub, written `docker.io` (`index.docker.io` is the old name);
 * - a single-component Docker Hub repository is an official image under `library/`;
 * - with neither tag nor digest the client pulls `latest`. A digest alone stays untagged,
 *   because the digest already pins the image and a made-up tag would claim more than was said.
 *
 * Throws `InvalidReferenceError`, including `NAME_TOO_LONG` when the added prefix pushes the
 * name past 255 characters, as Docker does.
 */
export function normalizeReference(input: string): NormalizedReference {
  const parsed = parseReference(input);
  const registry =
    parsed.registry !== undefined && !isDockerHubRegistry(parsed.registry) ? parsed.registry : DOCKER_HUB_REGISTRY;
  const repository =
    registry === DOCKER_HUB_REGISTRY && !parsed.repository.includes('/')
      ? `${OFFICIAL_NAMESPACE}/${parsed.repository}`
      : parsed.repository;
  const name = `${registry}/${repository}`;
  if (name.length > NAME_MAX_LENGTH) throw new InvalidReferenceError('NAME_TOO_LONG', input);

  const normalized: NormalizedReference = { registry, repository, name, canonical: '' };
  if (parsed.tag !== undefined) normalized.tag = parsed.tag;
  else if (parsed.digest === undefined) normalized.tag = DEFAULT_TAG;
  if (parsed.digest !== undefined) normalized.digest = parsed.digest;
  normalized.canonical = formatReference(normalized);
  return normalized;
}
