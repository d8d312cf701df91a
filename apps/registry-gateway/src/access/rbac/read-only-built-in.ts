import { Statuses, StatusError, type ResourceRef } from '@imagestreams/contracts';

/**
 * Built-in ClusterRoles and ClusterRoleBindings are served from code: changing them is refused
 * for everybody, cluster-admin included (Kubernetes would reconcile such a change away on restart;
 * here it would have nowhere to live).
 */
export function readOnlyBuiltIn(ref: ResourceRef, name: string, verb: 'update' | 'delete'): StatusError {
  return new StatusError(
    Statuses.forbidden(`${ref.resource}.${ref.group} ${JSON.stringify(name)} is forbidden: built-in ${ref.kind}s are read-only and cannot ${verb === 'update' ? 'be updated' : 'be deleted'}`, {
      name,
      group: ref.group,
      kind: ref.resource,
    }),
  );
}
