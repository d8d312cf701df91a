import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

/** 96 bits of HMAC-SHA256, in hex: the id stays within the blob store's 64 characters. */
const MAC_HEX_LENGTH = 24;
const SESSION_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-([0-9a-f]{24})$/;

function macOf(key: Buffer, repository: string, nonce: string): string {
  return createHmac('sha256', key).update(`${repository}\n${nonce}`).digest('hex').slice(0, MAC_HEX_LENGTH);
}

/**
 * An upload session id that names the repository it was started in: a random UUID and its MAC
 * under the registry's session key. The registry keeps no row per session (distribution signs its
 * `_state` parameter for the same reason): which repository a session belongs to is checked from the
 * id alone, the bytes so far are the upload file, and the file's age is what the janitor reads.
 */
export function issueUploadSessionId(repository: string, key: Buffer): string {
  const nonce = randomUUID();
  return `${nonce}-${macOf(key, repository, nonce)}`;
}

/** Whether `id` is a session issued for `repository` under `key`; false for anything else, malformed ids included. */
export function isUploadSessionOf(id: string, repository: string, key: Buffer): boolean {
  const parts = SESSION_ID.exec(id);
  if (!parts) return false;
  const expected = Buffer.from(macOf(key, repository, parts[1]), 'latin1');
  return timingSafeEqual(expected, Buffer.from(parts[2], 'latin1'));
}
