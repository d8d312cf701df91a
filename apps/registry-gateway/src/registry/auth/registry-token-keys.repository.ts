import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';

/** What each stored key is for: one row per purpose. */
export const RegistryKeyPurposes = {
  /** Signs registry bearer tokens (unless REGISTRY_TOKEN_KEY is configured). */
  registryToken: 'registry-token',
  /** Signs upload session ids (upload-sessions.ts). */
  uploadSession: 'upload-session',
} as const;
export type RegistryKeyPurpose = (typeof RegistryKeyPurposes)[keyof typeof RegistryKeyPurposes];

const GENERATED_KEY_BYTES = 32;

/** The registry's generated keys, shared by every replica through the database. */
@Injectable()
export class RegistryTokenKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The stored key for a purpose; the first caller stores a fresh random one, and later callers (any replica) read that. */
  async sharedKey(purpose: RegistryKeyPurpose): Promise<Buffer> {
    await this.dataSource.query('INSERT INTO registry_token_keys (id, key) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [purpose, randomBytes(GENERATED_KEY_BYTES)]);
    const rows: { key: Buffer }[] = await this.dataSource.query('SELECT key FROM registry_token_keys WHERE id = $1', [purpose]);
    if (!rows[0]) throw new Error(`the ${purpose} key row is missing right after it was inserted`);
    return rows[0].key;
  }
}
