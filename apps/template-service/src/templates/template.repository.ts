import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { LabelSelector } from '@imagestreams/domain-labels';
import { settledResourceVersion, returnedRows } from '@imagestreams/platform-persistence';
import type { DataSource, EntityManager } from 'typeorm';
import { ChangeNotifier } from '../watch/change-notifier';
import { CommittedChanges } from '../watch/committed-changes';
import { deleteLoggedCreatedBy, logWritten } from '../watch/watch-log-sql';
import { listPage } from './keyset-page';

export interface TemplateRow {
  uid: string;
  namespace: string;
  name: string;
  labels: Record<string, string>;
  /** The stored template: serialized JSON without server-set metadata (see template-body.ts). */
  body: string;
  resource_version: string;
  created_at: Date;
}

export interface TemplateContent {
  labels: Record<string, string>;
  body: string;
}

/** Where a page of a list starts: after this (namespace, name). */
export interface ListPosition {
  namespace: string;
  name: string;
}

/**
 * Every write appends to the change log in the same statement (watch-log-sql.ts) and wakes the
 * namespace's watchers once committed.
 */
@Injectable()
export class TemplateRepository {
  private readonly changes: CommittedChanges;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    notifier: ChangeNotifier,
  ) {
    this.changes = new CommittedChanges(dataSource, notifier, 'Template');
  }

  /** The new row, or undefined when the namespace already has a template of that name. */
  async insert(row: { uid: string; namespace: string; name: string } & TemplateContent): Promise<TemplateRow | undefined> {
    const rows: TemplateRow[] = await this.dataSource.query(
      `WITH written AS (
         INSERT INTO templates (uid, namespace, name, labels, body, resource_version)
         VALUES ($1, $2, $3, $4, $5, next_resource_version())
         ON CONFLICT (namespace, name) DO NOTHING RETURNING *
       ), logged AS (${logWritten('Template', 'ADDED')})
       SELECT * FROM written`,
      [row.uid, row.namespace, row.name, row.labels, row.body],
    );
    if (rows[0]) this.changes.written(this.dataSource, rows[0].namespace);
    return rows[0];
  }

  async find(namespace: string, name: string): Promise<TemplateRow | undefined> {
    const rows: TemplateRow[] = await this.dataSource.query('SELECT * FROM templates WHERE namespace = $1 AND name = $2', [namespace, name]);
    return rows[0];
  }

  /** The row locked for an update in `manager`'s transaction. */
  async lock(manager: EntityManager, namespace: string, name: string): Promise<TemplateRow | undefined> {
    const rows: TemplateRow[] = await manager.query('SELECT * FROM templates WHERE namespace = $1 AND name = $2 FOR UPDATE', [namespace, name]);
    return rows[0];
  }

  async update(manager: EntityManager, uid: string, content: TemplateContent): Promise<TemplateRow> {
    const rows = returnedRows<TemplateRow>(
      await manager.query(
        `WITH written AS (
           UPDATE templates SET labels = $2, body = $3, resource_version = next_resource_version() WHERE uid = $1 RETURNING *
         ), logged AS (${logWritten('Template', 'MODIFIED')})
         SELECT * FROM written`,
        [uid, content.labels, content.body],
      ),
    );
    this.changes.written(manager, rows[0].namespace);
    return rows[0];
  }

  /** In (namespace, name) order, after `after`, those the selector selects; `limit` + 1 rows so the caller knows whether more remain. */
  list(options: { namespace?: string; selector?: LabelSelector; after?: ListPosition; limit?: number }): Promise<TemplateRow[]> {
    return listPage<TemplateRow>(this.dataSource, 'templates', options);
  }

  async byUids(uids: string[]): Promise<TemplateRow[]> {
    if (uids.length === 0) return [];
    return this.dataSource.query('SELECT * FROM templates WHERE uid = ANY($1::uuid[])', [uids]);
  }

  async delete(namespace: string, name: string): Promise<TemplateRow | undefined> {
    const rows = returnedRows<TemplateRow>(
      await this.dataSource.query(
        `WITH written AS (
           DELETE FROM templates WHERE namespace = $1 AND name = $2 RETURNING *
         ), logged AS (${logWritten('Template', 'DELETED')})
         SELECT * FROM written`,
        [namespace, name],
      ),
    );
    if (rows[0]) this.changes.written(this.dataSource, rows[0].namespace);
    return rows[0];
  }

  /**
   * Every template of a deleted namespace created no later than `deletedAt` (later ones belong to a
   * namespace re-created since), each with its DELETED entry in the change log; how many went.
   */
  async deleteCreatedBy(namespace: string, deletedAt: string): Promise<number> {
    const deleted = await deleteLoggedCreatedBy(this.dataSource, 'Template', namespace, deletedAt);
    if (deleted > 0) this.changes.written(this.dataSource, namespace);
    return deleted;
  }

  /** A transaction whose writes wake watchers once it commits. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.changes.transaction(work);
  }

  /**
   * A list's resourceVersion, read before the list itself: settled, so a watch resuming from it
   * cannot miss a write that was still in flight (after a second of waiting, the position anyway).
   */
  async listResourceVersion(): Promise<string> {
    return (await settledResourceVersion(this.dataSource)).resourceVersion;
  }
}
