import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';

const KEY_ID = 'registry-token';
const GENERATED_KEY_BYTES = 32;

/** The generated signing key of registry bearer tokens, shared by every replica through the database. */
@Injectable()
export class RegistryTokenKeysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The stored key; the first caller stores a fresh random one, and later callers (any replica) read that. */
  async sharedKey(): Promise<Buffer> {
    await this.dataSource.query('INSERT INTO registry_token_keys (id, key) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [KEY_ID, randomBytes(GENERATED_KEY_BYTES)]);
    const rows: { key: Buffer }[] = await this.dataSource.query('SELECT key FROM registry_token_keys WHERE id = $1', [KEY_ID]);
    if (!rows[0]) throw new Error('the registry token key row is missing right after it was inserted');
    return rows[0].key;
  }
}
