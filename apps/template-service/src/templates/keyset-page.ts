import type { DataSource } from 'typeorm';
import type { ListPosition } from './template.repository';

/**
 * One page of a namespaced table in (namespace, name) order, after `after`: `limit` + 1 rows so the
 * caller knows whether more remain. `table` is one of this service's own table names, never input.
 */
export function listPage<T>(dataSource: DataSource, table: 'templates' | 'template_instances', options: { namespace?: string; after?: ListPosition; limit?: number }): Promise<T[]> {
  const conditions: string[] = [];
  const parameters: unknown[] = [];
  if (options.namespace !== undefined) {
    parameters.push(options.namespace);
    conditions.push(`namespace = $${parameters.length}`);
  }
  if (options.after) {
    parameters.push(options.after.namespace, options.after.name);
    conditions.push(`(namespace, name) > ($${parameters.length - 1}, $${parameters.length})`);
  }
  let sql = `SELECT * FROM ${table}${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''} ORDER BY namespace, name`;
  if (options.limit !== undefined) {
    parameters.push(options.limit + 1);
    sql += ` LIMIT $${parameters.length}`;
  }
  return dataSource.query(sql, parameters);
}
