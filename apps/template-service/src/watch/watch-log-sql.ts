import type { WatchKind, WatchType } from './watch-kinds';

/**
 * The change-log entry for the rows a data-modifying CTE named `written` returned, as another CTE
 * of the same statement, so a write and its entry commit together or not at all. ADDED and
 * MODIFIED take the row's new resourceVersion; DELETED takes a new one (the deletion is a change
 * of its own) and keeps the deleted row for the DELETED event. `kind` and `type` are constants of
 * this service, never input.
 */
export function logWritten(kind: WatchKind, type: WatchType): string {
  const version = type === 'DELETED' ? `next_resource_version()` : 'written.resource_version';
  const lastRow = type === 'DELETED' ? 'to_jsonb(written)' : 'NULL';
  return `INSERT INTO watch_log (resource_version, kind, namespace, name, uid, type, labels, last_row)
          SELECT ${version}, '${kind}', written.namespace, written.name, written.uid, '${type}', written.labels, ${lastRow} FROM written`;
}

/** The table each watched kind lives in (this service's own tables, never input). */
const TABLE_OF: Record<WatchKind, string> = { Template: 'templates', TemplateInstance: 'template_instances' };

/**
 * Deletes every row of `kind` in a deleted namespace created no later than `deletedAt` (later ones
 * belong to a namespace re-created since), each with its DELETED entry in the change log, in one
 * statement; answers how many went.
 */
export async function deleteLoggedCreatedBy(queryable: { query(sql: string, parameters: unknown[]): Promise<unknown> }, kind: WatchKind, namespace: string, deletedAt: string): Promise<number> {
  const rows = (await queryable.query(
    `WITH written AS (
       DELETE FROM ${TABLE_OF[kind]} WHERE namespace = $1 AND created_at <= $2::timestamptz RETURNING *
     ), logged AS (${logWritten(kind, 'DELETED')})
     SELECT count(*)::int AS deleted FROM written`,
    [namespace, deletedAt],
  )) as { deleted: number }[];
  return rows[0].deleted;
}
