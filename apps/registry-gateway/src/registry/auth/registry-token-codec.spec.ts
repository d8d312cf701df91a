import { ANONYMOUS, userIdentity } from '@imagestreams/domain-access';
import { decodeJwt, decodeProtectedHeader, SignJWT, UnsecuredJWT } from 'jose';
import { createSecretKey, type KeyObject, randomBytes } from 'node:crypto';
import { decodeSigningKey, looksLikeJwt, REGISTRY_TOKEN_ISSUER, signRegistryToken, verifyRegistryToken, type RegistryTokenSettings } from './registry-token-codec';
import type { RegistryAccessEntry } from './registry-token-claims';

const settings: RegistryTokenSettings = { key: createSecretKey(randomBytes(32)), service: 'imagestreams-registry', ttlSeconds: 300 };
const access: RegistryAccessEntry[] = [{ type: 'repository', name: 'team-a/web', actions: ['pull'] }];
const alice = userIdentity('alice', ['developers']);
const now = new Date('2026-03-01T12:00:00Z');
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
const later = (s: number) => new Date(now.getTime() + s * 1000);

/** A token as signRegistryToken would make it, with `changes` applied: what a forger or a stale replica might send. */
async function craft(changes: { claims?: Record<string, unknown>; audience?: string; issuer?: string; issuedAt?: number; expiresAt?: number; key?: Uint8Array | KeyObject; alg?: string }): Promise<string> {
  const issuedAt = changes.issuedAt ?? seconds(now);
  return new SignJWT({ access, groups: alice.groups, ...changes.claims })
    .setProtectedHeader({ alg: changes.alg ?? 'HS256' })
    .setIssuer(changes.issuer ?? REGISTRY_TOKEN_ISSUER)
    .setSubject('alice')
    .setAudience(changes.audience ?? settings.service)
    .setIssuedAt(issuedAt)
    .setNotBefore(issuedAt)
    .setExpirationTime(changes.expiresAt ?? issuedAt + 300)
    .setJti('jti-1')
    .sign(changes.key ?? settings.key);
}

describe('registry tokens', () => {
  it('are HS256 JWTs with the registered claims, the access granted and the groups', async () => {
    const issued = await signRegistryToken(alice, access, settings, now);
    expect(issued).toEqual({ token: expect.any(String), expiresIn: 300, issuedAt: '2026-03-01T12:00:00.000Z' });
    expect(decodeProtectedHeader(issued.token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(decodeJwt(issued.token)).toEqual({
      iss: 'imagestreams',
      sub: 'alice',
      aud: 'imagestreams-registry',
      iat: seconds(now),
      nbf: seconds(now),
      exp: seconds(now) + 300,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      access,
      groups: ['developers', 'system:authenticated'],
    });
  });

  it('verify back to who they were issued to and what they grant, until they expire', async () => {
    const { token } = await signRegistryToken(alice, access, settings, now);
    await expect(verifyRegistryToken(token, settings, later(299))).resolves.toEqual({ identity: alice, access });
    await expect(verifyRegistryToken(token, settings, later(310))).resolves.toBeUndefined();
  });

  it('stand for anonymous callers too', async () => {
    const { token } = await signRegistryToken(ANONYMOUS, [], settings, now);
    await expect(verifyRegistryToken(token, settings, now)).resolves.toEqual({ identity: ANONYMOUS, access: [] });
  });

  it('are refused when signed with another key, for another service or by another issuer', async () => {
    await expect(verifyRegistryToken(await craft({ key: randomBytes(32) }), settings, now)).resolves.toBeUndefined();
    await expect(verifyRegistryToken(await craft({ audience: 'another-registry' }), settings, now)).resolves.toBeUndefined();
    await expect(verifyRegistryToken(await craft({ issuer: 'someone-else' }), settings, now)).resolves.toBeUndefined();
    // The control: the same recipe with nothing changed is accepted.
    await expect(verifyRegistryToken(await craft({}), settings, now)).resolves.toEqual({ identity: alice, access });
  });

  it('are refused with alg none or any algorithm but HS256, even keyed with the right secret', async () => {
    const unsigned = new UnsecuredJWT({ access, groups: [] }).setIssuer(REGISTRY_TOKEN_ISSUER).setSubject('alice').setAudience(settings.service).setIssuedAt(seconds(now)).setNotBefore(seconds(now)).setExpirationTime(seconds(now) + 300).setJti('x').encode();
    await expect(verifyRegistryToken(unsigned, settings, now)).resolves.toBeUndefined();
    await expect(verifyRegistryToken(await craft({ alg: 'HS384' }), settings, now)).resolves.toBeUndefined();
  });

  it('are refused before they are valid, beyond a few seconds of clock skew', async () => {
    const token = await craft({ issuedAt: seconds(later(60)) });
    await expect(verifyRegistryToken(token, settings, now)).resolves.toBeUndefined();
    await expect(verifyRegistryToken(await craft({ issuedAt: seconds(later(3)) }), settings, now)).resolves.toEqual({ identity: alice, access });
  });

  it('are refused when their access claim is not the gateway\'s shape, though signed', async () => {
    await expect(verifyRegistryToken(await craft({ claims: { access: 'all' } }), settings, now)).resolves.toBeUndefined();
    await expect(verifyRegistryToken(await craft({ claims: { groups: undefined } }), settings, now)).resolves.toBeUndefined();
  });

  it('are refused when malformed', async () => {
    await expect(verifyRegistryToken('a.b.c', settings, now)).resolves.toBeUndefined();
    await expect(verifyRegistryToken('not a token', settings, now)).resolves.toBeUndefined();
  });
});

describe('looksLikeJwt', () => {
  it('tells a compact JWS from an access token', async () => {
    expect(looksLikeJwt((await signRegistryToken(alice, access, settings, now)).token)).toBe(true);
    expect(looksLikeJwt(`ist_${'A'.repeat(43)}`)).toBe(false);
  });
});

describe('decodeSigningKey', () => {
  it('accepts base64 of 32 bytes or more', () => {
    const key = randomBytes(48);
    expect(decodeSigningKey(key.toString('base64'))).toEqual(key);
  });

  it('refuses short or non-base64 keys without repeating them', () => {
    const short = randomBytes(16).toString('base64');
    expect(() => decodeSigningKey(short)).toThrow('REGISTRY_TOKEN_KEY must decode to at least 32 bytes');
    expect(() => decodeSigningKey('not base64!')).toThrow('REGISTRY_TOKEN_KEY must be base64');
    const message = (() => {
      try {
        decodeSigningKey(short);
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).not.toContain(short);
  });
});
