import { Inject, Injectable } from '@nestjs/common';
import { SealedSecretError, SECRET_KEY_RING, SecretKeyRing, type SealedTable } from '@imagestreams/platform-secrets';

/**
 * How a subscription's signing secrets are stored: sealed. The plaintext columns hold values only
 * in rows written before sealing existed (or by replicas of that release during an upgrade) until
 * the re-sealing pass seals and clears them; a value there is newer than the sealed one.
 */
export interface StoredSigningSecrets {
  sealed_signing_secret: Buffer | null;
  signing_secret: string | null;
  sealed_previous_signing_secret: Buffer | null;
  previous_signing_secret: string | null;
  previous_secret_expires_at: Date | null;
}

/** What the service re-seals at start (SecretsModule). */
export const SIGNING_SECRETS_TABLE: SealedTable = {
  table: 'webhook_subscriptions',
  key: 'uid',
  keyType: 'uuid',
  columns: [
    { sealed: 'sealed_signing_secret', plaintext: 'signing_secret' },
    { sealed: 'sealed_previous_signing_secret', plaintext: 'previous_signing_secret' },
  ],
  describes: 'webhook signing secrets',
};

/** Just the secret columns of a row (a subscription row carries them into a delivery job). */
export function storedSigningSecrets(row: StoredSigningSecrets): StoredSigningSecrets {
  return {
    sealed_signing_secret: row.sealed_signing_secret,
    signing_secret: row.signing_secret,
    sealed_previous_signing_secret: row.sealed_previous_signing_secret,
    previous_signing_secret: row.previous_signing_secret,
    previous_secret_expires_at: row.previous_secret_expires_at,
  };
}

/** Opened secrets kept at most: about one per active subscription. */
const OPENED_KEPT = 1_024;

/**
 * Seals signing secrets for storage and opens them only to sign a delivery. An opened secret is
 * kept by its sealed bytes, so the ten deliveries of one event (or the thousands of a busy
 * subscription) do not each pay for an AES-GCM open; a re-sealed or rotated secret has other bytes.
 */
@Injectable()
export class SigningSecrets {
  private readonly opened = new Map<string, string>();

  constructor(@Inject(SECRET_KEY_RING) private readonly ring: SecretKeyRing) {}

  seal(secret: string): Buffer {
    return this.ring.seal(Buffer.from(secret, 'utf8'));
  }

  /** The current secret in sealed form, for a rotation to keep as the previous one. */
  sealedCurrent(stored: StoredSigningSecrets): Buffer | null {
    return stored.signing_secret !== null ? this.seal(stored.signing_secret) : stored.sealed_signing_secret;
  }

  /**
   * The secrets that sign a delivery now: the current one, then the previous one while its
   * rotation's grace period lasts. Throws SealedSecretError when no configured key opens one.
   */
  forSigning(stored: StoredSigningSecrets, now = Date.now()): string[] {
    const current = this.open(stored.signing_secret, stored.sealed_signing_secret);
    if (current === null) throw new SealedSecretError('the subscription has no signing secret');
    const previous =
      stored.previous_secret_expires_at !== null && stored.previous_secret_expires_at.getTime() > now
        ? this.open(stored.previous_signing_secret, stored.sealed_previous_signing_secret)
        : null;
    return previous === null ? [current] : [current, previous];
  }

  private open(plaintext: string | null, sealed: Buffer | null): string | null {
    if (plaintext !== null) return plaintext;
    if (sealed === null) return null;
    const key = sealed.toString('base64');
    let secret = this.opened.get(key);
    if (secret === undefined) {
      secret = this.ring.unseal(sealed).toString('utf8');
      if (this.opened.size >= OPENED_KEPT) this.opened.clear();
      this.opened.set(key, secret);
    }
    return secret;
  }
}
