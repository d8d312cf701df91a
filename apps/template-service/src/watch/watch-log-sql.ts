import type { WatchKind, WatchType } from './watch-kinds';

/**
 * The change-log entry for the rows a data-modifying CTE named `written` returned, as another CTE
 * of the same statement, so a write and its entry commit together or not at all. ADDED and
 * MODIFIED take the row's new resourceVersion; DELETED takes a new one (the deletion is a change
 * of its own) and keeps the deleted row for the DELETED event. `kind` and `type` are constants of
 * this service, never input.
 */
export function logWritten(kind: WatchKind, type: WatchType): string {
  const version = type === 'DELETED' ? `nextval('resource_version_seq')` : 'written.resource_version';
  const lastRow = type === 'DELETED' ? 'to_jsonb(written)' : 'NULL';
  return `INSERT INTO watch_log (resource_version, kind, namespace, name, uid, type, labels, last_row)
          SELECT ${version}, '${kind}', written.namespace, written.name, written.uid, '${type}', written.labels, ${lastRow} FROM written`;
}
