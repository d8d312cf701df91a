import { Injectable } from '@nestjs/common';
import { Statuses, StatusError, type ResourceChanges, type ResourceChangesQuery, type WatchEvent } from '@imagestreams/contracts';
import { matchesLabels } from '@imagestreams/domain-labels';
import { labelSelectorOf } from '../templates/label-selection';
import { foldChanges } from './fold-changes';
import type { WatchKind } from './watch-kinds';
import { WatchLogRepository, type WatchLogRow } from './watch-log.repository';

/** The rows every watched table has. */
export interface WatchedRow {
  uid: string;
  labels: Record<string, string>;
  resource_version: string;
  created_at: Date;
}

/** A table whose changes are logged: its kind in the log, its current rows, and their API view. */
export interface WatchedTable<TRow extends WatchedRow, TView> {
  kind: WatchKind;
  byUids(uids: string[]): Promise<TRow[]>;
  view(row: TRow): TView;
}

/**
 * What a watcher resuming after `since` must hear: each changed object once, at its newest entry's
 * place in the change log, with its current state (MODIFIED; ADDED when it did not exist at
 * `since`), or DELETED with its last state. An object created and deleted within the window is not
 * mentioned: the watcher never saw it.
 */
@Injectable()
export class ResourceChangesReader {
  constructor(private readonly log: WatchLogRepository) {}

  async read<TRow extends WatchedRow, TView>(table: WatchedTable<TRow, TView>, query: ResourceChangesQuery): Promise<ResourceChanges<TView>> {
    const since = query.sinceResourceVersion;
    if (!/^\d+$/.test(since)) throw new StatusError(Statuses.badRequest(`invalid resourceVersion "${since}"`));
    const selector = labelSelectorOf(query.labelSelector);
    if (BigInt(since) < (await this.log.horizon())) throw new StatusError(Statuses.expired(`too old resource version: ${since}`));
    const { entries: rows, resourceVersion } = await this.log.settledSince(table.kind, since, query.namespace);
    if (rows.length === 0) return { resourceVersion, events: [] };

    const changes = foldChanges(rows);
    const alive = changes.filter(({ last }) => last.type !== 'DELETED').map(({ last }) => last.uid);
    const current = new Map((await table.byUids(alive)).map((row) => [row.uid, row]));
    const events: WatchEvent<TView>[] = [];
    for (const { last, addedInWindow } of changes) {
      if (last.type === 'DELETED') {
        if (!addedInWindow && matchesLabels(selector, last.labels)) events.push({ type: 'DELETED', object: table.view(deletedRow<TRow>(last)) });
        continue;
      }
      // Missing: deleted after the log was read; its DELETED entry comes with the next read.
      const row = current.get(last.uid);
      if (row && matchesLabels(selector, row.labels)) events.push({ type: addedInWindow ? 'ADDED' : 'MODIFIED', object: table.view(row) });
    }
    return { resourceVersion, events };
  }
}

/** The row a DELETED entry kept, at the deletion's resourceVersion (as Kubernetes stamps a deleted object). */
function deletedRow<TRow extends WatchedRow>(entry: WatchLogRow): TRow {
  const row = entry.last_row as Record<string, unknown>;
  return { ...row, resource_version: entry.resource_version, created_at: new Date(row['created_at'] as string) } as unknown as TRow;
}
