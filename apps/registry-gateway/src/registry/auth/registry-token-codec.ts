import type { Identity } from '@imagestreams/domain-access';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { type KeyObject, randomUUID } from 'node:crypto';
import { grantFromClaims, registryTokenClaims, type RegistryAccessEntry, type RegistryTokenGrant } from './registry-token-claims';

/** Who mints the registry's tokens; the same on every replica, so any of them accepts what another issued. */
export const REGISTRY_TOKEN_ISSUER = 'imagestreams';
/** HS256 and nothing else: a token naming another algorithm (`none` included) is refused before its signature is looked at. */
const ALGORITHM = 'HS256';
/** Replicas' clocks differ a little; a token fresh from one must not be "not yet valid" on another. */
const CLOCK_TOLERANCE_SECONDS = 5;
/** HMAC-SHA256 keys shorter than the hash add nothing but weakness (RFC 7518 §3.2). */
export const MIN_KEY_BYTES = 32;

export interface RegistryTokenSettings {
  /** A secret KeyObject (createSecretKey), imported once: given raw bytes, jose imports the key again on every call. */
  key: KeyObject;
  /** The audience: REGISTRY_AUTH_SERVICE. */
  service: string;
  ttlSeconds: number;
}

export interface IssuedRegistryToken {
  token: string;
  expiresIn: number;
  /** RFC 3339, as distribution's token server answers `issued_at`. */
  issuedAt: string;
}

/** REGISTRY_TOKEN_KEY decoded; the error never repeats the value, which is a secret. */
export function decodeSigningKey(base64: string): Buffer {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) throw new Error('REGISTRY_TOKEN_KEY must be base64');
  const key = Buffer.from(base64, 'base64');
  if (key.length < MIN_KEY_BYTES) throw new Error(`REGISTRY_TOKEN_KEY must decode to at least ${MIN_KEY_BYTES} bytes`);
  return key;
}

/** A signed token granting `access` to `identity`, valid from `now` for the configured lifetime. */
export async function signRegistryToken(identity: Identity, access: RegistryAccessEntry[], settings: RegistryTokenSettings, now: Date): Promise<IssuedRegistryToken> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const token = await new SignJWT({ ...registryTokenClaims(identity, access) })
    .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
    .setIssuer(REGISTRY_TOKEN_ISSUER)
    .setSubject(identity.username)
    .setAudience(settings.service)
    .setIssuedAt(issuedAt)
    .setNotBefore(issuedAt)
    .setExpirationTime(issuedAt + settings.ttlSeconds)
    .setJti(randomUUID())
    .sign(settings.key);
  return { token, expiresIn: settings.ttlSeconds, issuedAt: new Date(issuedAt * 1000).toISOString() };
}

/** A verified token's grant and the window its exp and nbf claims give it (ms since the epoch). */
export interface VerifiedRegistryToken {
  grant: RegistryTokenGrant;
  notBeforeMs: number;
  expiresAtMs: number;
}

/**
 * The grant of a token this gateway signed for this service and that is valid at `now`; undefined
 * for anything else (forged, another algorithm, another audience or issuer, expired, not yet
 * valid, malformed claims). Callers answer 401 either way, so the reason is not told apart.
 */
export async function verifyRegistryToken(token: string, settings: RegistryTokenSettings, now: Date): Promise<RegistryTokenGrant | undefined> {
  return (await verifyRegistryTokenWindow(token, settings, now))?.grant;
}

/** verifyRegistryToken, with the token's validity window for a caller that remembers the answer. */
export async function verifyRegistryTokenWindow(token: string, settings: RegistryTokenSettings, now: Date): Promise<VerifiedRegistryToken | undefined> {
  try {
    const { payload } = await jwtVerify(token, settings.key, {
      algorithms: [ALGORITHM],
      issuer: REGISTRY_TOKEN_ISSUER,
      audience: settings.service,
      currentDate: now,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['sub', 'exp', 'iat', 'nbf', 'jti'],
    });
    const grant = grantFromClaims(payload);
    // exp and nbf are required claims, so both are numbers here.
    return grant && { grant, notBeforeMs: Number(payload.nbf) * 1000, expiresAtMs: Number(payload.exp) * 1000 };
  } catch (error) {
    if (error instanceof joseErrors.JOSEError) return undefined;
    throw error;
  }
}

/** Three base64url parts: the shape of a JWS, never of an access token (`ist_...`). */
export function looksLikeJwt(value: string): boolean {
  return /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(value);
}
