import { BUILT_IN_CLUSTER_ROLES, isBuiltInClusterRole, type PolicyRule, type PolicySource, type RoleBinding } from '@imagestreams/domain-access';
import { BUILT_IN_CLUSTER_ROLE_BINDINGS, isBuiltInClusterRoleBinding } from './built-in-policy';

/** A stored Role (namespace set) or ClusterRole (namespace absent), as the authorizer needs it. */
export interface StoredRole {
  namespace?: string;
  name: string;
  rules: PolicyRule[];
}

const EMPTY: readonly RoleBinding[] = Object.freeze([]);

/**
 * Everything the authorizer reads, indexed once per load so each request's decision is a few map
 * lookups: the built-in ClusterRoles and ClusterRoleBindings, then what is stored. A stored object
 * with a built-in's name never replaces it (the API refuses to create one; this holds even for rows
 * written behind its back).
 */
export function policySnapshot(roles: readonly StoredRole[], bindings: readonly RoleBinding[]): PolicySource {
  const clusterRoles = new Map<string, PolicyRule[]>();
  const namespacedRoles = new Map<string, PolicyRule[]>();
  for (const role of roles) {
    if (role.namespace) namespacedRoles.set(`${role.namespace}/${role.name}`, role.rules);
    else if (!isBuiltInClusterRole(role.name)) clusterRoles.set(role.name, role.rules);
  }
  for (const [name, rules] of Object.entries(BUILT_IN_CLUSTER_ROLES)) clusterRoles.set(name, rules);

  const clusterBindings: RoleBinding[] = [...BUILT_IN_CLUSTER_ROLE_BINDINGS];
  const bindingsByNamespace = new Map<string, RoleBinding[]>();
  for (const binding of bindings) {
    if (!binding.namespace) {
      if (!isBuiltInClusterRoleBinding(binding.name)) clusterBindings.push(binding);
      continue;
    }
    const list = bindingsByNamespace.get(binding.namespace) ?? [];
    list.push(binding);
    bindingsByNamespace.set(binding.namespace, list);
  }

  return {
    clusterRole: (name) => clusterRoles.get(name),
    role: (namespace, name) => namespacedRoles.get(`${namespace}/${name}`),
    clusterRoleBindings: () => clusterBindings,
    roleBindings: (namespace) => bindingsByNamespace.get(namespace) ?? EMPTY,
  };
}
