import { randomBytes } from 'node:crypto';

/**
 * A fresh token in the gateway's access-token format (`ist_` + 256 random bits as base64url), for a
 * stack that tests or benchmarks start with `BOOTSTRAP_ADMIN_TOKEN`: they then know the admin's
 * credentials up front instead of reading a generated token out of the gateway's log.
 */
export function generateAccessToken(): string {
  return `ist_${randomBytes(32).toString('base64url')}`;
}

/** `Authorization: Bearer <token>`, or no header at all for `undefined` (an anonymous caller). */
export function bearerHeaders(token: string | undefined): Record<string, string> {
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}
