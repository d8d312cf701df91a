import { AUTHENTICATED_GROUP, CLUSTER_ADMINS_GROUP, type RoleBinding } from '@imagestreams/domain-access';
import { BOOTSTRAP_ADMIN_USER } from '../bootstrap-admin';

/**
 * The ClusterRoleBindings every installation has, served read-only from code like the built-in
 * ClusterRoles: nothing stored can change or shadow them. `basic-user` also carries OpenShift's
 * self-provisioner grant (creating namespaces), so one binding gives every authenticated caller both.
 */
export const BUILT_IN_CLUSTER_ROLE_BINDINGS: readonly RoleBinding[] = Object.freeze([
  {
    name: 'cluster-admin',
    roleRef: { kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [
      { kind: 'Group', name: CLUSTER_ADMINS_GROUP },
      { kind: 'User', name: BOOTSTRAP_ADMIN_USER },
    ],
  },
  { name: 'basic-user', roleRef: { kind: 'ClusterRole', name: 'basic-user' }, subjects: [{ kind: 'Group', name: AUTHENTICATED_GROUP }] },
] satisfies RoleBinding[]);

export function isBuiltInClusterRoleBinding(name: string): boolean {
  return BUILT_IN_CLUSTER_ROLE_BINDINGS.some((binding) => binding.name === name);
}
