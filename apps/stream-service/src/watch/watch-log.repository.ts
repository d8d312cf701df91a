import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { settledEntries, watchLogHorizon, type SettledEntries } from '@imagestreams/platform-persistence';

export type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchLogRow {
  resource_version: string;
  namespace: string;
  name: string;
  uid: string;
  type: WatchType;
  labels: Record<string, string>;
}

@Injectable()
export class WatchLogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async append(manager: EntityManager, entry: { resourceVersion: string; namespace: string; name: string; uid: string; type: WatchType; labels: Record<string, string> }): Promise<void> {
    await manager.query('INSERT INTO watch_log (resource_version, namespace, name, uid, type, labels) VALUES ($1, $2, $3, $4, $5, $6)', [
      entry.resourceVersion,
      entry.namespace,
      entry.name,
      entry.uid,
      entry.type,
      entry.labels,
    ]);
  }

  /** The entries after `resourceVersion` (of `namespace`, or all) that no write in flight can overtake. */
  settledSince(resourceVersion: string, namespace?: string): Promise<SettledEntries<WatchLogRow>> {
    return settledEntries(this.dataSource, resourceVersion, (upTo, limit) =>
      namespace === undefined
        ? this.dataSource.query('SELECT * FROM watch_log WHERE resource_version > $1 AND resource_version <= $2 ORDER BY resource_version LIMIT $3', [resourceVersion, upTo, limit])
        : this.dataSource.query('SELECT * FROM watch_log WHERE namespace = $1 AND resource_version > $2 AND resource_version <= $3 ORDER BY resource_version LIMIT $4', [
            namespace,
            resourceVersion,
            upTo,
            limit,
          ]),
    );
  }

  /** A watch may resume from this resourceVersion or later; older ones may have missed pruned changes. */
  horizon(): Promise<bigint> {
    return watchLogHorizon(this.dataSource);
  }
}
