import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 1;
const KEY_BYTES = 32;
const KEY_ID_BYTES = 8;
const HEADER_BYTES = 1 + KEY_ID_BYTES;
const IV_BYTES = 12;
const TAG_BYTES = 16;

interface RingKey {
  id: Buffer;
  key: Buffer;
}

/** Sealed bytes that no configured key opens: tampered with, or sealed under a key not in the ring. */
export class SealedSecretError extends Error {
  override name = 'SealedSecretError';
}

/**
 * Seals secrets at rest with AES-256-GCM (Node's OpenSSL; no library adds anything here) under the
 * current key, and opens what the current or a previous key sealed, so keys can be rotated.
 *
 * Layout: version (1 byte) || key id (8 bytes: the start of the key's SHA-256) || iv || auth tag ||
 * ciphertext, the version and key id authenticated as associated data. The id tells which key to
 * use without trying each, and lets SQL find rows sealed under other keys by their first bytes.
 * Rows from before the key ring (iv || tag || ciphertext, no header) still open: with the current
 * key, then the previous ones.
 */
export class SecretKeyRing {
  /** The first bytes of everything sealed under the current key; anything else needs re-sealing. */
  readonly currentHeader: Buffer;

  private constructor(
    private readonly keys: RingKey[],
    /** The current key was derived from a non-secret value because none is configured. */
    readonly derived: boolean,
  ) {
    this.currentHeader = Buffer.concat([Buffer.of(VERSION), keys[0].id]);
  }

  /**
   * `currentBase64` is SECRETS_ENCRYPTION_KEY (32 bytes, base64), `previousBase64List` is
   * SECRETS_ENCRYPTION_PREVIOUS_KEYS (comma-separated, same format). Without a current key one is
   * derived from `derivedFrom` (a laptop's convenience, never production: whoever knows that value
   * knows the key). Error messages never repeat a value: a mistyped key is still mostly a key.
   */
  static fromConfig(currentBase64: string, previousBase64List: string, derivedFrom: string): SecretKeyRing {
    const current = currentBase64.trim()
      ? decodeKey(currentBase64, 'SECRETS_ENCRYPTION_KEY')
      : createHash('sha256').update(`imagestreams-dev-key:${derivedFrom}`).digest();
    const previous = previousBase64List
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '')
      .map((entry, index) => decodeKey(entry, `SECRETS_ENCRYPTION_PREVIOUS_KEYS entry ${index + 1}`));
    const keys: RingKey[] = [];
    for (const key of [current, ...previous]) {
      const id = keyIdOf(key);
      if (!keys.some((known) => known.id.equals(id))) keys.push({ id, key });
    }
    return new SecretKeyRing(keys, !currentBase64.trim());
  }

  /** The current key's id (hex), safe to log: it names the key without revealing it. */
  get currentKeyId(): string {
    return this.keys[0].id.toString('hex');
  }

  seal(plaintext: Buffer): Buffer {
    const header = this.currentHeader;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys[0].key, iv);
    cipher.setAAD(header);
    const sealed = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([header, iv, cipher.getAuthTag(), sealed]);
  }

  /** Throws SealedSecretError when the data was tampered with or no configured key sealed it. */
  unseal(sealed: Buffer): Buffer {
    const keyId = this.keyIdOf(sealed);
    const key = keyId === undefined ? undefined : this.keys.find((candidate) => candidate.id.toString('hex') === keyId);
    if (key) {
      const opened = open(key.key, sealed.subarray(HEADER_BYTES), sealed.subarray(0, HEADER_BYTES));
      if (opened) return opened;
      throw new SealedSecretError(`sealed data under key ${keyId} does not authenticate (tampered with or corrupted)`);
    }
    // No header naming a configured key: a row sealed before the key ring existed (or, 1 in 2^64,
    // a header-less row whose first bytes happen to look like a header).
    for (const candidate of this.keys) {
      const opened = open(candidate.key, sealed);
      if (opened) return opened;
    }
    throw new SealedSecretError(
      keyId === undefined
        ? 'sealed data opens with none of the configured keys (tampered with, or sealed under a key that is not configured)'
        : `sealed under key ${keyId}, which is not configured`,
    );
  }

  /** Sealed under anything but the current key (a previous key, or the header-less format). */
  needsReseal(sealed: Buffer): boolean {
    return !sealed.subarray(0, HEADER_BYTES).equals(this.currentHeader);
  }

  /** The same plaintext under the current key; throws as `unseal` does. */
  reseal(sealed: Buffer): Buffer {
    return this.seal(this.unseal(sealed));
  }

  /** The id (hex) in a versioned header, undefined for the header-less format. Safe to log. */
  keyIdOf(sealed: Buffer): string | undefined {
    if (sealed.length < HEADER_BYTES + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) return undefined;
    return sealed.subarray(1, HEADER_BYTES).toString('hex');
  }
}

function decodeKey(base64: string, name: string): Buffer {
  const text = base64.trim();
  const key = Buffer.from(text, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || key.length !== KEY_BYTES) throw new Error(`${name} must be ${KEY_BYTES} bytes, base64-encoded`);
  return key;
}

function keyIdOf(key: Buffer): Buffer {
  return createHash('sha256').update(key).digest().subarray(0, KEY_ID_BYTES);
}

/** undefined when the key does not authenticate the data. */
function open(key: Buffer, body: Buffer, aad?: Buffer): Buffer | undefined {
  if (body.length < IV_BYTES + TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, body.subarray(0, IV_BYTES));
    if (aad) decipher.setAAD(aad);
    decipher.setAuthTag(body.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(body.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  } catch {
    return undefined;
  }
}
