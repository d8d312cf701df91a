import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { AUDIT_API_VERSION, type AuditEvent, type AuditObjectRef } from '@imagestreams/contracts';
import { returnedRows } from '@imagestreams/platform-persistence';
import type { DataSource } from 'typeorm';
import type { AuditEntry } from './audit-entry';
import type { AuditPosition } from './audit-page';

export interface AuditEventFilter {
  user?: string;
  namespace?: string;
  verb?: string;
  since?: Date;
  after?: AuditPosition;
  limit: number;
}

interface AuditRow {
  id: string;
  at: Date;
  username: string;
  groups: string[];
  verb: string;
  api_group: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  method: string;
  path: string;
  status_code: number;
  source_ip: string;
  user_agent: string;
}

/** Deleting a big backlog in slices keeps each statement's locks and WAL small. */
const PRUNE_BATCH = 10_000;

function objectRef(row: AuditRow): AuditObjectRef | undefined {
  const ref: AuditObjectRef = {};
  if (row.api_group) ref.apiGroup = row.api_group;
  if (row.resource) ref.resource = row.resource;
  if (row.subresource) ref.subresource = row.subresource;
  if (row.namespace) ref.namespace = row.namespace;
  if (row.name) ref.name = row.name;
  return row.resource ? ref : undefined;
}

function toEvent(row: AuditRow): AuditEvent {
  const ref = objectRef(row);
  return {
    kind: 'AuditEvent',
    apiVersion: AUDIT_API_VERSION,
    id: row.id,
    time: row.at.toISOString(),
    user: { username: row.username, groups: row.groups },
    verb: row.verb,
    ...(ref ? { objectRef: ref } : {}),
    method: row.method,
    path: row.path,
    code: row.status_code,
    ...(row.source_ip ? { sourceIP: row.source_ip } : {}),
    ...(row.user_agent ? { userAgent: row.user_agent } : {}),
  };
}

/** SQL of `audit_events`: batched inserts, filtered newest-first pages, pruning. */
@Injectable()
export class AuditEventsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** One statement for the whole batch: the rows travel as one JSON parameter. */
  async insert(entries: readonly AuditEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const rows = entries.map((entry) => ({
      at: entry.at.toISOString(),
      username: entry.username,
      groups: entry.groups,
      verb: entry.verb,
      api_group: entry.apiGroup,
      resource: entry.resource,
      subresource: entry.subresource,
      namespace: entry.namespace,
      name: entry.name,
      method: entry.method,
      path: entry.path,
      status_code: entry.statusCode,
      source_ip: entry.sourceIp,
      user_agent: entry.userAgent,
    }));
    await this.dataSource.query(
      `INSERT INTO audit_events (at, username, groups, verb, api_group, resource, subresource, namespace, name, method, path, status_code, source_ip, user_agent)
       SELECT at, username, groups, verb, api_group, resource, subresource, namespace, name, method, path, status_code, source_ip, user_agent
       FROM jsonb_to_recordset($1::jsonb) AS r(at timestamptz, username text, groups jsonb, verb text, api_group text, resource text, subresource text,
                                            namespace text, name text, method text, path text, status_code int, source_ip text, user_agent text)`,
      [JSON.stringify(rows)],
    );
  }

  /** Newest first; one more row than asked tells whether another page follows. */
  async list(filter: AuditEventFilter): Promise<{ items: AuditEvent[]; last?: AuditPosition }> {
    const where: string[] = [];
    const parameters: unknown[] = [];
    const add = (sql: (placeholder: string) => string, value: unknown) => {
      parameters.push(value);
      where.push(sql(`$${parameters.length}`));
    };
    if (filter.user !== undefined) add((p) => `username = ${p}`, filter.user);
    if (filter.namespace !== undefined) add((p) => `namespace = ${p}`, filter.namespace);
    if (filter.verb !== undefined) add((p) => `verb = ${p}`, filter.verb);
    if (filter.since !== undefined) add((p) => `at >= ${p}`, filter.since);
    if (filter.after !== undefined) {
      parameters.push(filter.after.at, filter.after.id);
      where.push(`(at, id) < ($${parameters.length - 1}::timestamptz, $${parameters.length}::bigint)`);
    }
    parameters.push(filter.limit + 1);
    const rows: AuditRow[] = await this.dataSource.query(
      `SELECT id::text AS id, at, username, groups, verb, api_group, resource, subresource, namespace, name, method, path, status_code, source_ip, user_agent
       FROM audit_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY at DESC, id DESC LIMIT $${parameters.length}`,
      parameters,
    );
    const page = rows.slice(0, filter.limit);
    const lastRow = page[page.length - 1];
    return { items: page.map(toEvent), ...(rows.length > filter.limit && lastRow ? { last: { at: lastRow.at.toISOString(), id: lastRow.id } } : {}) };
  }

  /** Deletes events older than the cutoff; answers how many. */
  async prune(olderThan: Date): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = returnedRows<{ id: string }>(
        await this.dataSource.query(
          `DELETE FROM audit_events WHERE id IN (SELECT id FROM audit_events WHERE at < $1 ORDER BY at LIMIT ${PRUNE_BATCH}) RETURNING id`,
          [olderThan],
        ),
      );
      total += deleted.length;
      if (deleted.length < PRUNE_BATCH) return total;
    }
  }
}
