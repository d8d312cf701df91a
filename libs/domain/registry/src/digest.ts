import { createHash } from 'node:crypto';

export type DigestAlgorithm = 'sha256' | 'sha512';

export interface ParsedDigest {
  algorithm: DigestAlgorithm;
  /** The lowercase hex encoding of the hash. */
  hex: string;
}

// Only the two registered algorithms, each with its exact encoded length. The general grammar
// allows more, but a digest the registry cannot verify would be stored unchecked, and being
// exact here also rules out path tricks (`/`, `..`) in anything later used as a storage key.
const DIGEST_PATTERN = /^(sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/;

/** Splits `<algorithm>:<hex>`; undefined for anything that is not a sha256 or sha512 digest. */
export function parseDigest(value: unknown): ParsedDigest | undefined {
  if (typeof value !== 'string' || !DIGEST_PATTERN.test(value)) return undefined;
  const colon = value.indexOf(':');
  return { algorithm: value.slice(0, colon) as DigestAlgorithm, hex: value.slice(colon + 1) };
}

export function isDigest(value: unknown): value is string {
  return parseDigest(value) !== undefined;
}

/** The digest of some bytes held in memory (a manifest); blobs are hashed while they stream. */
export function digestOf(bytes: Uint8Array, algorithm: DigestAlgorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}
