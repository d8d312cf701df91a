import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { currentResourceVersion, returnedRows } from '@imagestreams/platform-persistence';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';

export interface ServiceAccountRow {
  namespace: string;
  name: string;
  uid: string;
  created_at: Date;
  resource_version: string;
}

/** SQL of `service_accounts`. Deleting one deletes its tokens in the same transaction, so they stop working at once. */
@Injectable()
export class ServiceAccountsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The new row, or undefined when the namespace already has one of that name. */
  async insert(namespace: string, name: string): Promise<ServiceAccountRow | undefined> {
    const rows: ServiceAccountRow[] = await this.dataSource.query(
      'INSERT INTO service_accounts (namespace, name, uid) VALUES ($1, $2, $3) ON CONFLICT (namespace, name) DO NOTHING RETURNING *',
      [namespace, name, randomUUID()],
    );
    return rows[0];
  }

  async find(namespace: string, name: string): Promise<ServiceAccountRow | undefined> {
    const rows: ServiceAccountRow[] = await this.dataSource.query('SELECT * FROM service_accounts WHERE namespace = $1 AND name = $2', [namespace, name]);
    return rows[0];
  }

  /** One namespace's, or every namespace's (a cluster-wide list). */
  list(namespace?: string): Promise<ServiceAccountRow[]> {
    return namespace === undefined
      ? this.dataSource.query('SELECT * FROM service_accounts ORDER BY namespace, name')
      : this.dataSource.query('SELECT * FROM service_accounts WHERE namespace = $1 ORDER BY name', [namespace]);
  }

  async delete(namespace: string, name: string): Promise<ServiceAccountRow | undefined> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`DELETE FROM access_tokens WHERE subject_kind = 'ServiceAccount' AND subject_namespace = $1 AND subject_name = $2`, [namespace, name]);
      const rows = returnedRows<ServiceAccountRow>(await manager.query('DELETE FROM service_accounts WHERE namespace = $1 AND name = $2 RETURNING *', [namespace, name]));
      return rows[0];
    });
  }

  /** A deleted namespace takes its service accounts and their tokens along, so a namespace made again under that name starts empty. */
  async deleteNamespace(namespace: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`DELETE FROM access_tokens WHERE subject_kind = 'ServiceAccount' AND subject_namespace = $1`, [namespace]);
      await manager.query('DELETE FROM service_accounts WHERE namespace = $1', [namespace]);
    });
  }

  currentResourceVersion(): Promise<string> {
    return currentResourceVersion(this.dataSource);
  }
}
