import type { PolicyRule, PolicySource, RoleBinding } from './rbac';

export interface NamespacedRole {
  namespace: string;
  name: string;
  rules: PolicyRule[];
}

export interface PolicyData {
  clusterRoles?: Readonly<Record<string, PolicyRule[]>>;
  roles?: readonly NamespacedRole[];
  /** ClusterRoleBindings (no namespace) and RoleBindings together. */
  bindings?: readonly RoleBinding[];
}

const NONE: readonly RoleBinding[] = Object.freeze([]);

/**
 * An indexed, immutable PolicySource over plain objects: what a policy snapshot loaded from the
 * database (or a test's fixture) is evaluated against, so every lookup is a map read.
 */
export function policySourceOf(data: PolicyData): PolicySource {
  const clusterRoles = new Map(Object.entries(data.clusterRoles ?? {}));
  const roles = new Map<string, Map<string, PolicyRule[]>>();
  for (const role of data.roles ?? []) {
    const inNamespace = roles.get(role.namespace) ?? new Map<string, PolicyRule[]>();
    inNamespace.set(role.name, role.rules);
    roles.set(role.namespace, inNamespace);
  }
  const clusterRoleBindings: RoleBinding[] = [];
  const roleBindings = new Map<string, RoleBinding[]>();
  for (const binding of data.bindings ?? []) {
    if (!binding.namespace) {
      clusterRoleBindings.push(binding);
      continue;
    }
    const inNamespace = roleBindings.get(binding.namespace) ?? [];
    inNamespace.push(binding);
    roleBindings.set(binding.namespace, inNamespace);
  }
  return {
    clusterRole: (name) => clusterRoles.get(name),
    role: (namespace, name) => roles.get(namespace)?.get(name),
    clusterRoleBindings: () => clusterRoleBindings,
    roleBindings: (namespace) => roleBindings.get(namespace) ?? NONE,
  };
}
