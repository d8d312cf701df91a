import { DIGEST_HEX_LENGTHS, DIGEST_PATTERN, DigestAlgorithm } from './grammar';
import { InvalidReferenceCode, InvalidReferenceError } from './invalid-reference-error';

export interface ParsedDigest {
  algorithm: DigestAlgorithm;
  /** Lowercase hex, exactly as long as the algorithm's output. */
  hex: string;
  /** `algorithm:hex`, i.e. the input. */
  value: string;
}

export interface DigestProblem {
  code: InvalidReferenceCode;
  message: string;
}

// Not one of the public codes: a well-formed but uppercase or non-hex digest is a format error.
const INVALID_DIGEST_FORMAT = 'invalid checksum digest format';

/**
 * Shared by `parseDigest` and the reference parser so a digest is judged the same way on its
 * own and inside a reference. Returns `undefined` when the digest is valid.
 */
export function findDigestProblem(value: string): DigestProblem | undefined {
  const colon = value.indexOf(':');
  const algorithm = colon < 0 ? value : value.slice(0, colon);
  const encoded = colon < 0 ? '' : value.slice(colon + 1);
  const expectedLength = supportedHexLength(algorithm);

  if (!DIGEST_PATTERN.test(value)) {
    // `sha256:abc` breaks the grammar's 32-hex minimum, but "wrong length" says more than
    // "invalid format" for a known algorithm followed by nothing but hex.
    if (expectedLength !== undefined && colon >= 0 && /^[0-9a-fA-F]*$/.test(encoded)) {
      return { code: 'DIGEST_INVALID_LENGTH', message: 'invalid checksum digest length' };
    }
    return { code: 'INVALID_FORMAT', message: INVALID_DIGEST_FORMAT };
  }
  if (expectedLength === undefined) {
    return { code: 'DIGEST_UNSUPPORTED_ALGORITHM', message: 'unsupported digest algorithm' };
  }
  if (encoded.length !== expectedLength) {
    return { code: 'DIGEST_INVALID_LENGTH', message: 'invalid checksum digest length' };
  }
  // Digests are compared as strings everywhere (image names, history), so only one spelling
  // of each may exist.
  if (!/^[0-9a-f]+$/.test(encoded)) {
    return { code: 'INVALID_FORMAT', message: INVALID_DIGEST_FORMAT };
  }
  return undefined;
}

/** Parses a bare `sha256:<hex>` (or sha384/sha512) digest; throws `InvalidReferenceError`. */
export function parseDigest(value: string): ParsedDigest {
  const text = String(value);
  const problem = findDigestProblem(text);
  if (problem) throw new InvalidReferenceError(problem.code, text, problem.message);
  const colon = text.indexOf(':');
  return { algorithm: text.slice(0, colon) as DigestAlgorithm, hex: text.slice(colon + 1), value: text };
}

export function isValidDigest(value: unknown): value is string {
  return typeof value === 'string' && findDigestProblem(value) === undefined;
}

function supportedHexLength(algorithm: string): number | undefined {
  // A plain lookup would also "find" `constructor` or `toString` on the object's prototype.
  return Object.prototype.hasOwnProperty.call(DIGEST_HEX_LENGTHS, algorithm)
    ? DIGEST_HEX_LENGTHS[algorithm as DigestAlgorithm]
    : undefined;
}
