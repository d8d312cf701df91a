import { createHash } from 'node:crypto';
import { classifyAddress } from './address-policy';
import { InvalidReferenceError } from './errors';

/** Where an image lives. */
export interface RegistryTarget {
  /** `host[:port]`; `docker.io` and `index.docker.io` mean Docker Hub (`registry-1.docker.io`). IPv6 literals in brackets. */
  registry: string;
  /** Repository path, e.g. `library/nginx` (a one-component Docker Hub name gets `library/`). */
  repository: string;
  /** Plain HTTP allowed: HTTPS is tried first and HTTP used when it fails (loopback registries go straight to HTTP). */
  insecure: boolean;
}

/** A validated {@link RegistryTarget}. */
export interface ResolvedTarget {
  /** `host[:port]` as used in URLs and in error messages (after the Docker Hub alias). */
  host: string;
  repository: string;
  insecure: boolean;
  /** `localhost` or a loopback literal. */
  loopback: boolean;
  /** Explicit `:port` given. */
  explicitPort: boolean;
}

export const DOCKER_HUB_HOST = 'registry-1.docker.io';
const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', DOCKER_HUB_HOST]);

const HOST_PATTERN = /^(?:\[([0-9a-f:.]+)\]|([a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*))(?::([0-9]{1,5}))?$/;
// The distribution reference grammar: lowercase components joined by `.`, `_`, `__` or dashes.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST_PATTERN = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const VERIFIABLE: Record<string, RegExp> = { sha256: /^[0-9a-f]{64}$/, sha512: /^[0-9a-f]{128}$/ };

export function resolveTarget(target: RegistryTarget): ResolvedTarget {
  if (!target || typeof target !== 'object') throw new InvalidReferenceError('argument', String(target), 'a RegistryTarget is required');
  const registry = typeof target.registry === 'string' ? target.registry.toLowerCase() : '';
  const match = HOST_PATTERN.exec(registry);
  if (!match) throw new InvalidReferenceError('registry', String(target.registry), 'expected host[:port]');
  const [, ipv6, name, port] = match;
  if (ipv6 !== undefined && classifyAddress(ipv6) === undefined) throw new InvalidReferenceError('registry', registry, 'invalid IPv6 literal');
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) throw new InvalidReferenceError('registry', registry, 'invalid port');
  const host = port === undefined && DOCKER_HUB_ALIASES.has(registry) ? DOCKER_HUB_HOST : registry;

  let repository = typeof target.repository === 'string' ? target.repository : '';
  if (repository.length === 0 || repository.length > 255 || !repository.split('/').every((component) => PATH_COMPONENT.test(component))) {
    throw new InvalidReferenceError('repository', String(target.repository));
  }
  if (host === DOCKER_HUB_HOST && !repository.includes('/')) repository = `library/${repository}`;

  const hostname = ipv6 ?? name;
  const loopback = hostname === 'localhost' || hostname.endsWith('.localhost') || classifyAddress(hostname) === 'loopback';
  return { host, repository, insecure: target.insecure === true, loopback, explicitPort: port !== undefined };
}

/** A digest reference (`algorithm:encoded`) rather than a tag. */
export function isDigest(reference: string): boolean {
  return reference.includes(':');
}

/** Tag or digest, validated; digests must be of an algorithm the client can verify (sha256, sha512). */
export function validateReference(reference: string): string {
  if (typeof reference !== 'string') throw new InvalidReferenceError('reference', String(reference));
  if (isDigest(reference)) return validateDigest(reference, 'reference');
  if (!TAG_PATTERN.test(reference)) throw new InvalidReferenceError('reference', reference, 'not a valid tag');
  return reference;
}

export function isValidTag(tag: unknown): tag is string {
  return typeof tag === 'string' && TAG_PATTERN.test(tag);
}

export function validateDigest(digest: string, field: 'digest' | 'reference' = 'digest'): string {
  if (typeof digest !== 'string' || !DIGEST_PATTERN.test(digest)) throw new InvalidReferenceError(field, String(digest), 'not a valid digest');
  const [algorithm, encoded] = digest.split(':', 2);
  const pattern = VERIFIABLE[algorithm];
  if (!pattern) throw new InvalidReferenceError(field, digest, `unsupported digest algorithm ${algorithm} (sha256 and sha512 can be verified)`);
  if (!pattern.test(encoded)) throw new InvalidReferenceError(field, digest, `not a valid ${algorithm} digest`);
  return digest;
}

/** A syntactically valid, verifiable digest (for values the registry sends). */
export function isVerifiableDigest(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    validateDigest(value);
    return true;
  } catch {
    return false;
  }
}

export function computeDigest(bytes: Uint8Array, algorithm: 'sha256' | 'sha512' | string = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** Does `bytes` hash to `digest` (a verifiable digest)? */
export function matchesDigest(bytes: Uint8Array, digest: string): boolean {
  return computeDigest(bytes, digest.slice(0, digest.indexOf(':'))) === digest;
}
