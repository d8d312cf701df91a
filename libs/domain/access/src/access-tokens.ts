import { createHash, randomBytes } from 'node:crypto';

/**
 * Access tokens are `ist_` + 43 base64url characters (256 random bits). The prefix lets secret
 * scanners and humans recognise a leaked token; only the SHA-256 of the whole string is stored,
 * which is enough because the token is random (no salt or slow hash needed).
 */
export const ACCESS_TOKEN_PREFIX = 'ist_';

const TOKEN_BYTES = 32;
const ACCESS_TOKEN = /^ist_[A-Za-z0-9_-]{43}$/;
/** RFC 7235 token68, which covers JWTs and our tokens alike. */
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;
// eslint-disable-next-line no-control-regex -- RFC 7617 forbids control characters in user-id and password.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

export function hashAccessToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function newAccessToken(): { token: string; hash: string } {
  const token = ACCESS_TOKEN_PREFIX + randomBytes(TOKEN_BYTES).toString('base64url');
  return { token, hash: hashAccessToken(token) };
}

export function looksLikeAccessToken(value: string): boolean {
  return ACCESS_TOKEN.test(value);
}

/** `<scheme> <credentials>` with a case-insensitive scheme, as RFC 7235 has it. */
function credentialsFor(scheme: string, headerValue: string | undefined): string | undefined {
  if (typeof headerValue !== 'string') return undefined;
  const match = /^([A-Za-z]+) +(\S+)$/.exec(headerValue.trim());
  if (!match || match[1].toLowerCase() !== scheme) return undefined;
  return match[2];
}

/** `Basic base64(user:password)` (RFC 7617); the password may contain colons, the user name may not. */
export function parseBasicCredentials(headerValue: string): { username: string; password: string } | undefined {
  const encoded = credentialsFor('basic', headerValue);
  if (encoded === undefined || !BASE64.test(encoded)) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0 || CONTROL_CHARACTERS.test(decoded) || decoded.includes('\ufffd')) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The credentials of `Authorization: Bearer <token>`, or undefined for any other or malformed header. */
export function bearerToken(headerValue: string | undefined): string | undefined {
  const token = credentialsFor('bearer', headerValue);
  return token !== undefined && TOKEN68.test(token) ? token : undefined;
}
