import { serviceAccountUsername, type Identity } from './identity';
import type { RequestAttributes, ResourceAttributes } from './request-attributes';

/**
 * Kubernetes RBAC (rbac.authorization.k8s.io/v1) evaluation: only allow rules, no deny, so a
 * request is allowed as soon as one binding naming the caller points at a rule that covers it.
 */
export interface PolicyRule {
  /** `*` is every verb. */
  verbs: string[];
  /** `*` is every group; '' is the core group. */
  apiGroups?: string[];
  /** `*` is every resource and subresource; `<resource>/*` every subresource of one resource. */
  resources?: string[];
  /** Limits the rule to these object names; requests without a name (list, create) never match. */
  resourceNames?: string[];
  /** Exact paths, `*`, or a prefix ending in `*`. */
  nonResourceURLs?: string[];
}

export interface RoleRef {
  kind: 'Role' | 'ClusterRole';
  name: string;
}

export interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  /** ServiceAccount subjects; defaults to the binding's namespace. */
  namespace?: string;
}

export interface RoleBinding {
  /** Absent on a ClusterRoleBinding. */
  namespace?: string;
  name: string;
  roleRef: RoleRef;
  subjects: Subject[];
}

/** What the authorizer reads; the gateway's PolicyStore answers it from an in-memory snapshot. */
export interface PolicySource {
  clusterRole(name: string): PolicyRule[] | undefined;
  role(namespace: string, name: string): PolicyRule[] | undefined;
  clusterRoleBindings(): readonly RoleBinding[];
  roleBindings(namespace: string): readonly RoleBinding[];
}

export interface Decision {
  allowed: boolean;
  reason: string;
}

export const NO_POLICY_MATCHED = 'no RBAC policy matched';

const covers = (values: readonly string[] | undefined, value: string): boolean =>
  values !== undefined && (values.includes('*') || values.includes(value));

function resourceMatches(ruleResources: readonly string[] | undefined, attributes: ResourceAttributes): boolean {
  if (ruleResources === undefined) return false;
  const requested = attributes.subresource === undefined ? attributes.resource : `${attributes.resource}/${attributes.subresource}`;
  return ruleResources.some(
    (ruleResource) =>
      ruleResource === '*' ||
      ruleResource === requested ||
      (attributes.subresource !== undefined && ruleResource === `${attributes.resource}/*`),
  );
}

function nameMatches(resourceNames: readonly string[] | undefined, name: string | undefined): boolean {
  if (resourceNames === undefined || resourceNames.length === 0) return true;
  return name !== undefined && name !== '' && resourceNames.includes(name);
}

function nonResourceUrlMatches(ruleUrls: readonly string[] | undefined, path: string): boolean {
  if (ruleUrls === undefined) return false;
  return ruleUrls.some((url) => url === '*' || url === path || (url.endsWith('*') && path.startsWith(url.slice(0, -1))));
}

export function ruleAllows(rule: PolicyRule, request: RequestAttributes): boolean {
  if (request.kind === 'nonResource') return covers(rule.verbs, request.verb) && nonResourceUrlMatches(rule.nonResourceURLs, request.path);
  const attributes = request.attributes;
  return (
    covers(rule.verbs, attributes.verb) &&
    covers(rule.apiGroups, attributes.apiGroup) &&
    resourceMatches(rule.resources, attributes) &&
    nameMatches(rule.resourceNames, attributes.name)
  );
}

export function subjectMatches(identity: Identity, subject: Subject, bindingNamespace?: string): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name !== '' && subject.name === identity.username;
    case 'Group':
      return subject.name !== '' && identity.groups.includes(subject.name);
    case 'ServiceAccount': {
      const namespace = subject.namespace || bindingNamespace;
      if (identity.kind !== 'ServiceAccount' || !namespace || subject.name === '') return false;
      return identity.namespace === namespace && identity.name === subject.name && identity.username === serviceAccountUsername(namespace, subject.name);
    }
    default:
      return false;
  }
}

function describeSubject(subject: Subject, bindingNamespace: string | undefined): string {
  const name = subject.kind === 'ServiceAccount' ? `${subject.namespace || bindingNamespace}/${subject.name}` : subject.name;
  return `${subject.kind} ${JSON.stringify(name)}`;
}

function matchingSubject(identity: Identity, binding: RoleBinding): Subject | undefined {
  return binding.subjects.find((subject) => subjectMatches(identity, subject, binding.namespace));
}

function allowedReason(binding: RoleBinding, subject: Subject): string {
  const where = !binding.namespace ? `ClusterRoleBinding ${JSON.stringify(binding.name)}` : `RoleBinding ${JSON.stringify(`${binding.namespace}/${binding.name}`)}`;
  return `RBAC: allowed by ${where} of ${binding.roleRef.kind} ${JSON.stringify(binding.roleRef.name)} to ${describeSubject(subject, binding.namespace)}`;
}

const anyRuleAllows = (rules: readonly PolicyRule[] | undefined, request: RequestAttributes): boolean =>
  rules !== undefined && rules.some((rule) => ruleAllows(rule, request));

/**
 * ClusterRoleBindings grant their ClusterRole everywhere, cluster-scoped resources and
 * non-resource paths included; RoleBindings grant their Role or ClusterRole inside their own
 * namespace only. A binding that references a missing role grants nothing.
 */
export function authorize(identity: Identity, request: RequestAttributes, policy: PolicySource): Decision {
  for (const binding of policy.clusterRoleBindings()) {
    // A namespaced binding in the cluster list would otherwise grant cluster-wide: never trust it.
    if (binding.namespace || binding.roleRef.kind !== 'ClusterRole') continue;
    const subject = matchingSubject(identity, binding);
    if (subject && anyRuleAllows(policy.clusterRole(binding.roleRef.name), request)) return { allowed: true, reason: allowedReason(binding, subject) };
  }
  const namespace = request.kind === 'resource' ? request.attributes.namespace : undefined;
  if (namespace) {
    for (const binding of policy.roleBindings(namespace)) {
      if (binding.namespace !== namespace) continue;
      const subject = matchingSubject(identity, binding);
      if (!subject) continue;
      const rules = binding.roleRef.kind === 'ClusterRole' ? policy.clusterRole(binding.roleRef.name) : policy.role(namespace, binding.roleRef.name);
      if (anyRuleAllows(rules, request)) return { allowed: true, reason: allowedReason(binding, subject) };
    }
  }
  return { allowed: false, reason: NO_POLICY_MATCHED };
}

/** Kubernetes' wording, quoted as Go's %q would (JSON string quoting), so names cannot break the sentence. */
export function forbiddenMessage(identity: Identity, request: RequestAttributes): string {
  const user = `User ${JSON.stringify(identity.username)}`;
  if (request.kind === 'nonResource') return `${user} cannot ${request.verb} path ${JSON.stringify(request.path)}`;
  const { verb, apiGroup, resource, subresource, namespace } = request.attributes;
  const what = subresource === undefined ? resource : `${resource}/${subresource}`;
  const scope = namespace ? `in the namespace ${JSON.stringify(namespace)}` : 'at the cluster scope';
  return `${user} cannot ${verb} resource ${JSON.stringify(what)} in API group ${JSON.stringify(apiGroup)} ${scope}`;
}
