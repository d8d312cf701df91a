import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { returnedRows } from '@imagestreams/platform-persistence';
import type { DataSource } from 'typeorm';

export interface DeletedNamespaceContents {
  subscriptions: number;
  workloads: number;
  builds: number;
}

/** Everything trigger-dispatcher keeps in one namespace, across its tables. */
@Injectable()
export class NamespaceContentsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Deletes, in one transaction, the namespace's subscriptions (their deliveries and attempts
   * cascade), workloads (their watches cascade) and builds created no later than `deletedAt`:
   * later ones belong to a namespace re-created under the same name. Running it again deletes nothing.
   */
  deleteCreatedBy(namespace: string, deletedAt: string): Promise<DeletedNamespaceContents> {
    return this.dataSource.transaction(async (manager) => {
      const deleted = async (table: string) =>
        returnedRows(await manager.query(`DELETE FROM ${table} WHERE namespace = $1 AND created_at <= $2::timestamptz RETURNING uid`, [namespace, deletedAt])).length;
      return { subscriptions: await deleted('webhook_subscriptions'), workloads: await deleted('workloads'), builds: await deleted('builds') };
    });
  }
}
