import { randomBytes } from 'node:crypto';
import { SealedSecretError, SecretKeyRing } from '@imagestreams/platform-secrets';
import { SigningSecrets, type StoredSigningSecrets } from './signing-secrets';

describe('SigningSecrets', () => {
  const secrets = new SigningSecrets(SecretKeyRing.fromConfig(randomBytes(32).toString('base64'), '', ''));
  const now = Date.parse('2026-11-27T12:00:00Z');
  const stored = (overrides: Partial<StoredSigningSecrets>): StoredSigningSecrets => ({
    sealed_signing_secret: secrets.seal('whsec_current'),
    signing_secret: null,
    sealed_previous_signing_secret: secrets.seal('whsec_previous'),
    previous_signing_secret: null,
    previous_secret_expires_at: new Date(now + 1_000),
    ...overrides,
  });

  it('signs with the current secret, and with the previous one only while its grace period lasts', () => {
    expect(secrets.forSigning(stored({}), now)).toEqual(['whsec_current', 'whsec_previous']);
    expect(secrets.forSigning(stored({ previous_secret_expires_at: new Date(now) }), now)).toEqual(['whsec_current']);
    expect(secrets.forSigning(stored({ previous_secret_expires_at: null }), now)).toEqual(['whsec_current']);
  });

  it('prefers a plaintext value (written by the release before sealing) over the sealed one', () => {
    expect(secrets.forSigning(stored({ signing_secret: 'whsec_newer', previous_signing_secret: 'whsec_older' }), now)).toEqual(['whsec_newer', 'whsec_older']);
    expect(secrets.forSigning(stored({ sealed_signing_secret: null, signing_secret: 'whsec_plain' }), now)[0]).toBe('whsec_plain');
  });

  it('keeps the current secret sealed for a rotation, sealing a plaintext one first', () => {
    const row = stored({});
    expect(secrets.sealedCurrent(row)).toBe(row.sealed_signing_secret);
    const sealed = secrets.sealedCurrent(stored({ signing_secret: 'whsec_plain' }));
    expect(sealed?.includes(Buffer.from('whsec_plain'))).toBe(false);
    expect(secrets.forSigning(stored({ sealed_signing_secret: sealed }), now)[0]).toBe('whsec_plain');
  });

  it('fails with SealedSecretError when no configured key opens the secret', () => {
    const other = new SigningSecrets(SecretKeyRing.fromConfig(randomBytes(32).toString('base64'), '', ''));
    expect(() => other.forSigning(stored({}), now)).toThrow(SealedSecretError);
  });
});
