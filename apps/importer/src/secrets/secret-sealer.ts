import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts credentials at rest with AES-256-GCM (Node's OpenSSL; no library adds anything here).
 * Layout: iv || auth tag || ciphertext, so a row is self-contained.
 */
export class SecretSealer {
  private constructor(private readonly key: Buffer) {}

  /** A 32-byte base64 key; `derivedFrom` names a non-secret fallback when none is configured. */
  static fromConfig(base64Key: string, derivedFrom: string): { sealer: SecretSealer; derived: boolean } {
    if (base64Key) {
      const key = Buffer.from(base64Key, 'base64');
      if (key.length !== 32) throw new Error('SECRETS_ENCRYPTION_KEY must be 32 bytes, base64-encoded');
      return { sealer: new SecretSealer(key), derived: false };
    }
    return { sealer: new SecretSealer(createHash('sha256').update(`imagestreams-dev-key:${derivedFrom}`).digest()), derived: true };
  }

  seal(plaintext: Buffer): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const sealed = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), sealed]);
  }

  /** Throws when the data was tampered with or sealed under another key. */
  unseal(sealed: Buffer): Buffer {
    const iv = sealed.subarray(0, IV_BYTES);
    const tag = sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  }
}
