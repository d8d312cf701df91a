import {
  RBAC_API_GROUP,
  RBAC_API_VERSION,
  type ClusterRole,
  type ClusterRoleBinding,
  type ObjectMeta,
  type PolicyRule,
  type PolicyRuleInput,
  type RbacSubject,
  type Role,
  type RoleBinding,
  type RoleRef,
  type SubjectInput,
  type SubjectKind,
} from '@imagestreams/contracts';
import { BUILT_IN_CLUSTER_ROLES, type RoleBinding as PolicyBinding } from '@imagestreams/domain-access';
import { createHash } from 'node:crypto';
import { BUILT_IN_CLUSTER_ROLE_BINDINGS } from './built-in-policy';

/**
 * The four RBAC kinds over two tables: Roles and ClusterRoles are role rows, the bindings binding
 * rows; a cluster-scoped row has namespace ''. Conversions between rows, API objects and what the
 * authorizer reads; no I/O.
 */
export const CLUSTER_SCOPE = '';

export interface StoredMeta {
  namespace: string;
  name: string;
  uid: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  resourceVersion: string;
  createdAt: Date;
}

export interface StoredRoleObject extends StoredMeta {
  rules: PolicyRule[];
}

export interface StoredBindingObject extends StoredMeta {
  roleRef: RoleRef;
  subjects: RbacSubject[];
}

/** What a write carries besides the server's fields. */
export interface RoleContent {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  rules: PolicyRule[];
}

export interface BindingContent {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  roleRef: RoleRef;
  subjects: RbacSubject[];
}

/** Kubernetes marks its bootstrap policy with this label; kubectl users know to leave those alone. */
const BUILT_IN_LABELS = Object.freeze({ 'kubernetes.io/bootstrapping': 'rbac-defaults' });
/** Built-ins exist from the migration that introduced RBAC on: a stable time on every replica. */
const BUILT_IN_CREATED = new Date(1764800100000).toISOString();
const BUILT_IN_RESOURCE_VERSION = '1';

function metadata(meta: StoredMeta): ObjectMeta {
  return {
    name: meta.name,
    ...(meta.namespace !== CLUSTER_SCOPE ? { namespace: meta.namespace } : {}),
    uid: meta.uid,
    resourceVersion: meta.resourceVersion,
    creationTimestamp: meta.createdAt.toISOString(),
    ...(Object.keys(meta.labels).length ? { labels: meta.labels } : {}),
    ...(Object.keys(meta.annotations).length ? { annotations: meta.annotations } : {}),
  };
}

export function roleObject(row: StoredRoleObject): Role {
  return { kind: 'Role', apiVersion: RBAC_API_VERSION, metadata: metadata(row), rules: row.rules };
}

export function clusterRoleObject(row: StoredRoleObject): ClusterRole {
  return { kind: 'ClusterRole', apiVersion: RBAC_API_VERSION, metadata: metadata(row), rules: row.rules };
}

export function roleBindingObject(row: StoredBindingObject): RoleBinding {
  return { kind: 'RoleBinding', apiVersion: RBAC_API_VERSION, metadata: metadata(row), roleRef: row.roleRef, subjects: row.subjects };
}

export function clusterRoleBindingObject(row: StoredBindingObject): ClusterRoleBinding {
  return { kind: 'ClusterRoleBinding', apiVersion: RBAC_API_VERSION, metadata: metadata(row), roleRef: row.roleRef, subjects: row.subjects };
}

/** A stable uid per built-in name (UUID-shaped), the same on every replica and every start. */
function builtInUid(kind: string, name: string): string {
  const hex = createHash('sha256').update(`built-in/${kind}/${name}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function builtInMeta(kind: string, name: string): StoredMeta {
  return {
    namespace: CLUSTER_SCOPE,
    name,
    uid: builtInUid(kind, name),
    labels: { ...BUILT_IN_LABELS },
    annotations: {},
    resourceVersion: BUILT_IN_RESOURCE_VERSION,
    createdAt: new Date(BUILT_IN_CREATED),
  };
}

function copyRule(rule: PolicyRule): PolicyRule {
  return {
    verbs: [...rule.verbs],
    ...(rule.apiGroups ? { apiGroups: [...rule.apiGroups] } : {}),
    ...(rule.resources ? { resources: [...rule.resources] } : {}),
    ...(rule.resourceNames ? { resourceNames: [...rule.resourceNames] } : {}),
    ...(rule.nonResourceURLs ? { nonResourceURLs: [...rule.nonResourceURLs] } : {}),
  };
}

export function builtInClusterRoles(): StoredRoleObject[] {
  return Object.entries(BUILT_IN_CLUSTER_ROLES).map(([name, rules]) => ({ ...builtInMeta('ClusterRole', name), rules: rules.map(copyRule) }));
}

export function builtInClusterRoleBindings(): StoredBindingObject[] {
  return BUILT_IN_CLUSTER_ROLE_BINDINGS.map((binding) => ({
    ...builtInMeta('ClusterRoleBinding', binding.name),
    roleRef: { apiGroup: RBAC_API_GROUP, kind: binding.roleRef.kind, name: binding.roleRef.name },
    subjects: binding.subjects.map((subject) => ({ kind: subject.kind, apiGroup: RBAC_API_GROUP, name: subject.name })),
  }));
}

/** A rule as stored and answered: only the lists that were sent, copied out of the validated class. */
export function ruleOf(input: PolicyRuleInput): PolicyRule {
  return copyRule(input);
}

/**
 * Subjects as stored: the API group Kubernetes defaults (`rbac.authorization.k8s.io` for users and
 * groups, '' for service accounts), and a RoleBinding's service accounts in its own namespace
 * unless they name another.
 */
export function subjectOf(input: SubjectInput, bindingNamespace: string): RbacSubject {
  const kind = input.kind as SubjectKind;
  if (kind === 'ServiceAccount') return { kind, apiGroup: '', name: input.name, namespace: input.namespace || bindingNamespace };
  return { kind, apiGroup: RBAC_API_GROUP, name: input.name };
}

/** What the authorizer reads of a stored binding. */
export function policyBinding(row: Pick<StoredBindingObject, 'namespace' | 'name' | 'roleRef' | 'subjects'>): PolicyBinding {
  return {
    ...(row.namespace !== CLUSTER_SCOPE ? { namespace: row.namespace } : {}),
    name: row.name,
    roleRef: { kind: row.roleRef.kind, name: row.roleRef.name },
    subjects: row.subjects.map((subject) => ({ kind: subject.kind, name: subject.name, ...(subject.namespace ? { namespace: subject.namespace } : {}) })),
  };
}

export function sameRoleRef(a: RoleRef, b: RoleRef): boolean {
  return a.apiGroup === b.apiGroup && a.kind === b.kind && a.name === b.name;
}
