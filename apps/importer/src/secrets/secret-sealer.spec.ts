import { randomBytes } from 'node:crypto';
import { SecretSealer } from './secret-sealer';

describe('SecretSealer', () => {
  const key = randomBytes(32).toString('base64');

  it('unseals what it sealed, and the sealed bytes do not contain the plaintext', () => {
    const { sealer } = SecretSealer.fromConfig(key, 'x');
    const plaintext = Buffer.from('{"auths":{"quay.io":{"auth":"dXNlcjpwYXNz"}}}');
    const sealed = sealer.seal(plaintext);
    expect(sealed.includes(plaintext)).toBe(false);
    expect(sealer.unseal(sealed).equals(plaintext)).toBe(true);
  });

  it('refuses tampered data and data sealed under another key', () => {
    const { sealer } = SecretSealer.fromConfig(key, 'x');
    const sealed = sealer.seal(Buffer.from('secret'));
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1] ^= 1;
    expect(() => sealer.unseal(tampered)).toThrow();
    const other = SecretSealer.fromConfig(randomBytes(32).toString('base64'), 'x').sealer;
    expect(() => other.unseal(sealed)).toThrow();
  });

  it('rejects a configured key that is not 32 bytes, and says when it had to derive one', () => {
    expect(() => SecretSealer.fromConfig(Buffer.from('short').toString('base64'), 'x')).toThrow(/32 bytes/);
    expect(SecretSealer.fromConfig('', 'postgres://db').derived).toBe(true);
    expect(SecretSealer.fromConfig(key, 'postgres://db').derived).toBe(false);
  });
});
