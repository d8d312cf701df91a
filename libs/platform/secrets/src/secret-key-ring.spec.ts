import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { SealedSecretError, SecretKeyRing } from './secret-key-ring';

const newKey = () => randomBytes(32).toString('base64');

/**
 * What the importer's SecretSealer wrote before the key ring: iv || tag || ciphertext, no header.
 * `firstByte` pins the iv's first byte. Left random it is the version byte 1 in 256 times, and such a
 * row reads as naming a key, which changes the error message; the tests below pin it either way.
 */
function legacySeal(base64Key: string, plaintext: Buffer, firstByte = 0): Buffer {
  const iv = randomBytes(12);
  iv[0] = firstByte;
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(base64Key, 'base64'), iv);
  const sealed = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]);
}

function errorOf(work: () => unknown): Error {
  try {
    work();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}

describe('SecretKeyRing', () => {
  const plaintext = Buffer.from('{"auths":{"quay.io":{"auth":"dXNlcjpwYXNz"}}}');

  it('unseals what it sealed; the sealed bytes hold neither the plaintext nor the same bytes twice', () => {
    const ring = SecretKeyRing.fromConfig(newKey(), '', 'x');
    const sealed = ring.seal(plaintext);
    expect(sealed.includes(plaintext)).toBe(false);
    expect(ring.unseal(sealed).equals(plaintext)).toBe(true);
    expect(ring.seal(plaintext).equals(sealed)).toBe(false);
    expect(ring.unseal(ring.seal(Buffer.alloc(0))).length).toBe(0);
  });

  it('starts sealed bytes with version 1 and the key id, the first 8 bytes of the key\'s SHA-256', () => {
    const key = newKey();
    const ring = SecretKeyRing.fromConfig(key, '', 'x');
    const id = createHash('sha256').update(Buffer.from(key, 'base64')).digest().subarray(0, 8);
    const sealed = ring.seal(plaintext);
    expect(sealed[0]).toBe(1);
    expect(sealed.subarray(1, 9).equals(id)).toBe(true);
    expect(ring.currentKeyId).toBe(id.toString('hex'));
    expect(ring.keyIdOf(sealed)).toBe(id.toString('hex'));
    expect(ring.currentHeader.equals(sealed.subarray(0, 9))).toBe(true);
  });

  it('refuses tampered data: a flipped bit in the ciphertext, the tag, the iv or the header', () => {
    const ring = SecretKeyRing.fromConfig(newKey(), '', 'x');
    const sealed = ring.seal(plaintext);
    for (const index of [sealed.length - 1, 9 + 12 + 3, 9 + 2, 0, 4]) {
      const tampered = Buffer.from(sealed);
      tampered[index] ^= 1;
      expect(() => ring.unseal(tampered)).toThrow(SealedSecretError);
    }
    expect(() => ring.unseal(sealed.subarray(0, 20))).toThrow(SealedSecretError);
  });

  it('refuses data sealed under a key it does not hold, naming the key id but no key', () => {
    const other = SecretKeyRing.fromConfig(newKey(), '', 'x');
    const key = newKey();
    const error = errorOf(() => SecretKeyRing.fromConfig(key, '', 'x').unseal(other.seal(plaintext)));
    expect(error).toBeInstanceOf(SealedSecretError);
    expect(error.message).toContain(other.currentKeyId);
    expect(error.message).not.toContain(key);
  });

  describe('rotation', () => {
    const oldKey = newKey();
    const nextKey = newKey();
    const before = SecretKeyRing.fromConfig(oldKey, '', 'x');
    const after = SecretKeyRing.fromConfig(nextKey, ` ${oldKey} ,`, 'x');

    it('opens what a previous key sealed, and says it needs re-sealing', () => {
      const sealed = before.seal(plaintext);
      expect(after.unseal(sealed).equals(plaintext)).toBe(true);
      expect(after.needsReseal(sealed)).toBe(true);
      expect(before.needsReseal(sealed)).toBe(false);
    });

    it('re-seals under the current key, which then opens it without the previous one', () => {
      const resealed = after.reseal(before.seal(plaintext));
      expect(after.needsReseal(resealed)).toBe(false);
      expect(after.keyIdOf(resealed)).toBe(after.currentKeyId);
      expect(SecretKeyRing.fromConfig(nextKey, '', 'x').unseal(resealed).equals(plaintext)).toBe(true);
      expect(() => before.unseal(resealed)).toThrow(SealedSecretError);
    });

    it('seals under the current key only, with any number of previous keys', () => {
      const ring = SecretKeyRing.fromConfig(nextKey, `${newKey()},${oldKey},${newKey()}`, 'x');
      expect(ring.keyIdOf(ring.seal(plaintext))).toBe(after.currentKeyId);
      expect(ring.unseal(before.seal(plaintext)).equals(plaintext)).toBe(true);
    });

    it('ignores a previous key equal to the current one', () => {
      const ring = SecretKeyRing.fromConfig(oldKey, oldKey, 'x');
      expect(ring.needsReseal(ring.seal(plaintext))).toBe(false);
      expect(ring.unseal(before.seal(plaintext)).equals(plaintext)).toBe(true);
    });
  });

  describe('the header-less format from before the key ring', () => {
    const oldKey = newKey();

    it('opens with the current key, and needs re-sealing', () => {
      const ring = SecretKeyRing.fromConfig(oldKey, '', 'x');
      const legacy = legacySeal(oldKey, plaintext);
      expect(ring.unseal(legacy).equals(plaintext)).toBe(true);
      expect(ring.needsReseal(legacy)).toBe(true);
      expect(ring.keyIdOf(ring.reseal(legacy))).toBe(ring.currentKeyId);
    });

    it('opens with a previous key once the key that sealed it was rotated out of current', () => {
      const ring = SecretKeyRing.fromConfig(newKey(), `${newKey()},${oldKey}`, 'x');
      expect(ring.unseal(legacySeal(oldKey, plaintext)).equals(plaintext)).toBe(true);
    });

    it('opens under a derived key as the importer derived it', () => {
      const derived = createHash('sha256').update('imagestreams-dev-key:postgres://db').digest().toString('base64');
      const ring = SecretKeyRing.fromConfig('', '', 'postgres://db');
      expect(ring.unseal(legacySeal(derived, plaintext)).equals(plaintext)).toBe(true);
    });

    it('refuses tampered legacy data and legacy data of an unknown key', () => {
      const ring = SecretKeyRing.fromConfig(oldKey, '', 'x');
      const tampered = legacySeal(oldKey, plaintext);
      tampered[tampered.length - 1] ^= 1;
      expect(() => ring.unseal(tampered)).toThrow(SealedSecretError);
      expect(() => ring.unseal(legacySeal(newKey(), plaintext))).toThrow(/none of the configured keys/);
    });

    it('opens a row whose first byte looks like the version, and refuses it under an unknown key', () => {
      const ring = SecretKeyRing.fromConfig(oldKey, '', 'x');
      const lookalike = legacySeal(oldKey, plaintext, 1);
      expect(ring.keyIdOf(lookalike)).toBeDefined();
      expect(ring.unseal(lookalike).equals(plaintext)).toBe(true);
      expect(ring.needsReseal(lookalike)).toBe(true);
      expect(() => ring.unseal(legacySeal(newKey(), plaintext, 1))).toThrow(/^sealed under key [0-9a-f]{16}, which is not configured$/);
    });
  });

  it('rejects keys that are not 32 bytes of base64 without repeating them, and says when it had to derive one', () => {
    const short = Buffer.from('short').toString('base64');
    expect(() => SecretKeyRing.fromConfig(short, '', 'x')).toThrow(/^SECRETS_ENCRYPTION_KEY must be 32 bytes, base64-encoded$/);
    const almost = `${newKey().slice(0, 40)}!!!=`;
    const error = errorOf(() => SecretKeyRing.fromConfig(newKey(), `${newKey()},${almost}`, 'x'));
    expect(error.message).toBe('SECRETS_ENCRYPTION_PREVIOUS_KEYS entry 2 must be 32 bytes, base64-encoded');
    expect(SecretKeyRing.fromConfig('', '', 'postgres://db').derived).toBe(true);
    expect(SecretKeyRing.fromConfig(newKey(), '', 'postgres://db').derived).toBe(false);
    expect(SecretKeyRing.fromConfig('', '', 'postgres://a').currentKeyId).not.toBe(SecretKeyRing.fromConfig('', '', 'postgres://b').currentKeyId);
  });
});
