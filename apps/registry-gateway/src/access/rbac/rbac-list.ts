import { Statuses, StatusError, type List } from '@imagestreams/contracts';
import { matchesLabels, parseLabelSelector } from '@imagestreams/domain-labels';
import { listOptions } from '../../http/list-options';
import type { StoredMeta } from './rbac-objects';

/**
 * A list answer of RBAC objects: every object of the scope in one page (RBAC policy is small, and
 * the authorizer holds all of it in memory anyway), narrowed by `labelSelector`. `limit` is
 * honoured by answering everything without a `continue`, which clients read as the last page.
 * There is no watch of RBAC objects yet: asking for one is a 400 rather than a list in disguise.
 */
export function rbacList<TStored extends StoredMeta, TObject>(
  kind: string,
  apiVersion: string,
  query: Record<string, unknown>,
  stored: { items: TStored[]; resourceVersion: string },
  render: (row: TStored) => TObject,
): List<TObject> {
  const options = listOptions(query);
  if (options.watch) throw new StatusError(Statuses.badRequest(`watch is not supported for ${kind}`));
  const parsed = parseLabelSelector(options.labelSelector ?? '');
  if (!parsed.ok) throw new StatusError(Statuses.badRequest(`unable to parse requirement: ${parsed.error}`));
  const items = stored.items.filter((row) => matchesLabels(parsed.selector, row.labels)).map(render);
  return { kind, apiVersion, metadata: { resourceVersion: stored.resourceVersion }, items };
}
