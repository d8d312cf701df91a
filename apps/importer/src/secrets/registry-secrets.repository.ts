import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { returnedRows } from '@imagestreams/platform-persistence';
import type { SealedTable } from '@imagestreams/platform-secrets';
import type { DataSource } from 'typeorm';

/** What the importer re-seals under the current key at start (SecretsModule). */
export const REGISTRY_SECRETS_TABLE: SealedTable = { table: 'registry_secrets', key: 'uid', keyType: 'uuid', columns: [{ sealed: 'sealed_data' }], describes: 'registry credentials' };

export interface RegistrySecretRow {
  namespace: string;
  name: string;
  uid: string;
  type: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  sealed_data: Buffer;
  resource_version: string;
  created_at: Date;
}

@Injectable()
export class RegistrySecretsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** undefined when the name is taken. */
  async insert(row: Omit<RegistrySecretRow, 'resource_version' | 'created_at'>): Promise<RegistrySecretRow | undefined> {
    const rows: RegistrySecretRow[] = await this.dataSource.query(
      `INSERT INTO registry_secrets (namespace, name, uid, type, labels, annotations, sealed_data, resource_version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, nextval('registry_secret_version_seq'))
       ON CONFLICT (namespace, name) DO NOTHING RETURNING *`,
      [row.namespace, row.name, row.uid, row.type, row.labels, row.annotations, row.sealed_data],
    );
    return rows[0];
  }

  async find(namespace: string, name: string): Promise<RegistrySecretRow | undefined> {
    const rows: RegistrySecretRow[] = await this.dataSource.query('SELECT * FROM registry_secrets WHERE namespace = $1 AND name = $2', [namespace, name]);
    return rows[0];
  }

  async list(namespace: string): Promise<RegistrySecretRow[]> {
    return this.dataSource.query('SELECT * FROM registry_secrets WHERE namespace = $1 ORDER BY name', [namespace]);
  }

  async delete(namespace: string, name: string): Promise<boolean> {
    return returnedRows(await this.dataSource.query('DELETE FROM registry_secrets WHERE namespace = $1 AND name = $2 RETURNING name', [namespace, name])).length > 0;
  }

  /** A deleted namespace's secrets created no later than `deletedAt` (later ones are the re-created namespace's); how many went. */
  async deleteCreatedBy(namespace: string, deletedAt: string): Promise<number> {
    return returnedRows(await this.dataSource.query('DELETE FROM registry_secrets WHERE namespace = $1 AND created_at <= $2::timestamptz RETURNING name', [namespace, deletedAt])).length;
  }

  async currentVersion(): Promise<string> {
    const rows: { version: string }[] = await this.dataSource.query(`SELECT COALESCE((SELECT last_value FROM registry_secret_version_seq WHERE is_called), 0) AS version`);
    return String(rows[0].version);
  }
}
