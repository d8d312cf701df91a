import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { WatchKind, WatchType } from './watch-kinds';
import { settledEntries, watchLogHorizon, type SettledEntries } from '@imagestreams/platform-persistence';

export interface WatchLogRow {
  resource_version: string;
  kind: WatchKind;
  namespace: string;
  name: string;
  uid: string;
  type: WatchType;
  labels: Record<string, string>;
  /** For DELETED: the row as it was deleted (`to_jsonb`), so the event can carry the object's last state. */
  last_row: Record<string, unknown> | null;
}

/** Entries are written with the changes themselves (watch-log-sql.ts); this reads and prunes them. */
@Injectable()
export class WatchLogRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The entries of `kind` after `resourceVersion` (of `namespace`, or all) that no write in flight can overtake. */
  settledSince(kind: WatchKind, resourceVersion: string, namespace?: string): Promise<SettledEntries<WatchLogRow>> {
    return settledEntries(this.dataSource, resourceVersion, (upTo, limit) =>
      namespace === undefined
        ? this.dataSource.query('SELECT * FROM watch_log WHERE kind = $1 AND resource_version > $2 AND resource_version <= $3 ORDER BY resource_version LIMIT $4', [
            kind,
            resourceVersion,
            upTo,
            limit,
          ])
        : this.dataSource.query(
            'SELECT * FROM watch_log WHERE kind = $1 AND namespace = $2 AND resource_version > $3 AND resource_version <= $4 ORDER BY resource_version LIMIT $5',
            [kind, namespace, resourceVersion, upTo, limit],
          ),
    );
  }

  /** A watch may resume from this resourceVersion or later; older ones may have missed pruned changes. */
  horizon(): Promise<bigint> {
    return watchLogHorizon(this.dataSource);
  }
}
