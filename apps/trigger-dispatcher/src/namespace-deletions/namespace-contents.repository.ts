import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { returnedRows } from '@imagestreams/platform-persistence';
import type { DataSource } from 'typeorm';
import { deleteSubscriptionsWhere } from '../deliveries/delivery-events';

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
   * Deletes, in one transaction, the namespace's subscriptions (with their deliveries, attempts and
   * the stored events nothing else needs), workloads (their watches cascade) and builds created no later than `deletedAt`:
   * later ones belong to a namespace re-created under the same name. Running it again deletes nothing.
   */
  deleteCreatedBy(namespace: string, deletedAt: string): Promise<DeletedNamespaceContents> {
    return this.dataSource.transaction(async (manager) => {
      const deleted = async (table: string) =>
        returnedRows(await manager.query(`DELETE FROM ${table} WHERE namespace = $1 AND created_at <= $2::timestamptz RETURNING uid`, [namespace, deletedAt])).length;
      const subscriptions = await deleteSubscriptionsWhere(manager, 's.namespace = $1 AND s.created_at <= $2::timestamptz', [namespace, deletedAt]);
      return { subscriptions: subscriptions.length, workloads: await deleted('workloads'), builds: await deleted('builds') };
    });
  }
}
