import { randomBytes } from 'node:crypto';

/** Standard Webhooks secret format: `whsec_` + base64 of 24 random bytes (192 bits). */
export function generateSigningSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}
