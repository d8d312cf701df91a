import type { LabelSelector } from '@imagestreams/domain-labels';
import { labelCondition } from '@imagestreams/platform-persistence';
import type { DataSource } from 'typeorm';
import type { ListPosition } from './template.repository';

/**
 * One page of a namespaced table in (namespace, name) order, after `after`, filtered by a label
 * selector in SQL so pages stay full: `limit` + 1 rows so the caller knows whether more remain.
 * `table` is one of this service's own table names, never input.
 */
export function listPage<T>(
  dataSource: DataSource,
  table: 'templates' | 'template_instances',
  options: { namespace?: string; selector?: LabelSelector; after?: ListPosition; limit?: number },
): Promise<T[]> {
  const conditions: string[] = [];
  const parameters: unknown[] = [];
  const param = (value: unknown) => {
    parameters.push(value);
    return `$${parameters.length}`;
  };
  if (options.namespace !== undefined) conditions.push(`namespace = ${param(options.namespace)}`);
  if (options.after) conditions.push(`(namespace, name) > (${param(options.after.namespace)}, ${param(options.after.name)})`);
  for (const requirement of options.selector?.requirements ?? []) conditions.push(labelCondition(requirement, param));
  const limit = options.limit === undefined ? '' : ` LIMIT ${param(options.limit + 1)}`;
  return dataSource.query(`SELECT * FROM ${table}${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''} ORDER BY namespace, name${limit}`, parameters);
}
