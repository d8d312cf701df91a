import { createHash } from 'node:crypto';
import { isValidDigest } from '@imagestreams/image-reference';

export type DigestAlgorithm = 'sha256' | 'sha512';

export interface ParsedDigest {
  algorithm: DigestAlgorithm;
  /** The lowercase hex encoding of the hash. */
  hex: string;
}

// The reference grammar also allows sha384, but the registry only accepts content it can verify
// while streaming and store under a fixed-length name: sha256 and sha512.
const REGISTRY_ALGORITHMS: ReadonlySet<string> = new Set<DigestAlgorithm>(['sha256', 'sha512']);

/** Splits `<algorithm>:<hex>`; undefined for anything that is not a sha256 or sha512 digest. */
export function parseDigest(value: unknown): ParsedDigest | undefined {
  if (!isValidDigest(value)) return undefined;
  const colon = value.indexOf(':');
  const algorithm = value.slice(0, colon);
  if (!REGISTRY_ALGORITHMS.has(algorithm)) return undefined;
  return { algorithm: algorithm as DigestAlgorithm, hex: value.slice(colon + 1) };
}

export function isDigest(value: unknown): value is string {
  return parseDigest(value) !== undefined;
}

/** The digest of some bytes held in memory (a manifest); blobs are hashed while they stream. */
export function digestOf(bytes: Uint8Array, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}
