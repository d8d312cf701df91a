import { InvalidDigestError } from './errors';

export type DigestAlgorithm = 'sha256' | 'sha512';

export interface ParsedDigest {
  algorithm: DigestAlgorithm;
  /** Lowercase hex; safe to use as a file name. */
  hex: string;
  /** `<algorithm>:<hex>` */
  digest: string;
}

// Anchored, lowercase only, fixed length: whatever passes can be joined into a path as is.
const DIGEST_PATTERN = /^(?:sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/;
const UPLOAD_ID_PATTERN = /^[A-Za-z0-9-]{1,64}$/;

export const DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = ['sha256', 'sha512'];

/** Hex lengths per algorithm, for recognising file names when walking the store. */
export const HEX_LENGTH: Readonly<Record<DigestAlgorithm, number>> = { sha256: 64, sha512: 128 };

/** Parses `sha256:<64 hex>` / `sha512:<128 hex>` (lowercase); throws {@link InvalidDigestError} for anything else. */
export function parseDigest(digest: string): ParsedDigest {
  if (typeof digest !== 'string' || !DIGEST_PATTERN.test(digest)) throw new InvalidDigestError(String(digest));
  const separator = digest.indexOf(':');
  return { algorithm: digest.slice(0, separator) as DigestAlgorithm, hex: digest.slice(separator + 1), digest };
}

export function isValidDigest(digest: string): boolean {
  return typeof digest === 'string' && DIGEST_PATTERN.test(digest);
}

/** Upload ids are UUIDs in practice; anything outside `[A-Za-z0-9-]{1,64}` never reaches a path. */
export function isValidUploadId(id: string): boolean {
  return typeof id === 'string' && UPLOAD_ID_PATTERN.test(id);
}
