import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { currentResourceVersion, returnedRows } from '@imagestreams/platform-persistence';
import type { DataSource, EntityManager } from 'typeorm';
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

@Injectable()
export class TemplateRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The new row, or undefined when the namespace already has a template of that name. */
  async insert(row: { uid: string; namespace: string; name: string } & TemplateContent): Promise<TemplateRow | undefined> {
    const rows: TemplateRow[] = await this.dataSource.query(
      `INSERT INTO templates (uid, namespace, name, labels, body, resource_version)
       VALUES ($1, $2, $3, $4, $5, nextval('resource_version_seq'))
       ON CONFLICT (namespace, name) DO NOTHING RETURNING *`,
      [row.uid, row.namespace, row.name, row.labels, row.body],
    );
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
      await manager.query(`UPDATE templates SET labels = $2, body = $3, resource_version = nextval('resource_version_seq') WHERE uid = $1 RETURNING *`, [
        uid,
        content.labels,
        content.body,
      ]),
    );
    return rows[0];
  }

  /** In (namespace, name) order, after `after`; `limit` + 1 rows so the caller knows whether more remain. */
  list(options: { namespace?: string; after?: ListPosition; limit?: number }): Promise<TemplateRow[]> {
    return listPage<TemplateRow>(this.dataSource, 'templates', options);
  }

  async delete(namespace: string, name: string): Promise<TemplateRow | undefined> {
    const rows = returnedRows<TemplateRow>(await this.dataSource.query('DELETE FROM templates WHERE namespace = $1 AND name = $2 RETURNING *', [namespace, name]));
    return rows[0];
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  currentResourceVersion(): Promise<string> {
    return currentResourceVersion(this.dataSource);
  }
}
