import type { PolicyRule } from '@imagestreams/contracts';
import type { RequestAttributes, ResourceAttributes } from '@imagestreams/domain-access';

/**
 * Kubernetes' escalation prevention: a caller may write a role or a binding only if it already
 * holds every permission that would grant, in the scope it would grant it. Each rule is broken into
 * single permissions (one verb, group, resource, name), each checked as the request that would use
 * it; a wildcard is checked as itself, so only a caller whose own rules have that wildcard holds it.
 */

/** A role expanding to more single permissions than this is refused outright (each is an authorization check). */
export const MAX_CHECKED_PERMISSIONS = 10_000;

export type Allows = (request: RequestAttributes) => Promise<boolean>;

/** The single permissions the rules grant in the scope (a namespace, or the cluster when undefined); undefined past the limit. */
export function grantedPermissions(rules: readonly PolicyRule[], namespace: string | undefined, limit = MAX_CHECKED_PERMISSIONS): RequestAttributes[] | undefined {
  const seen = new Map<string, RequestAttributes>();
  const add = (permission: RequestAttributes): boolean => {
    seen.set(JSON.stringify(permission), permission);
    return seen.size <= limit;
  };
  for (const rule of rules) {
    const urls = rule.nonResourceURLs ?? [];
    if (urls.length > 0) {
      // A namespace cannot grant paths: the authorizer applies namespaced bindings to resources only.
      if (namespace !== undefined) continue;
      for (const verb of rule.verbs) for (const path of urls) if (!add({ kind: 'nonResource', verb, path })) return undefined;
      continue;
    }
    const names: (string | undefined)[] = rule.resourceNames?.length ? rule.resourceNames : [undefined];
    for (const verb of rule.verbs) {
      for (const apiGroup of rule.apiGroups ?? []) {
        for (const resource of rule.resources ?? []) {
          for (const name of names) {
            if (!add({ kind: 'resource', attributes: resourceAttributes(verb, apiGroup, resource, namespace, name) })) return undefined;
          }
        }
      }
    }
  }
  return [...seen.values()];
}

function resourceAttributes(verb: string, apiGroup: string, resource: string, namespace: string | undefined, name: string | undefined): ResourceAttributes {
  const slash = resource.indexOf('/');
  return {
    verb,
    apiGroup,
    resource: slash < 0 ? resource : resource.slice(0, slash),
    ...(slash < 0 ? {} : { subresource: resource.slice(slash + 1) }),
    ...(namespace !== undefined ? { namespace } : {}),
    ...(name !== undefined ? { name } : {}),
  };
}

/** Everything, in the scope: a caller allowed this holds every permission there is. */
function superuserProbes(namespace: string | undefined): RequestAttributes[] {
  const resources: RequestAttributes = { kind: 'resource', attributes: { verb: '*', apiGroup: '*', resource: '*', ...(namespace !== undefined ? { namespace } : {}) } };
  return namespace === undefined ? [resources, { kind: 'nonResource', verb: '*', path: '*' }] : [resources];
}

export type EscalationCheck = { ok: true } | { ok: false; missing: RequestAttributes[] } | { ok: false; tooMany: true };

/** Which of the permissions the rules grant in the scope the caller (through `allows`) does not hold. */
export async function checkEscalation(rules: readonly PolicyRule[], namespace: string | undefined, allows: Allows): Promise<EscalationCheck> {
  const probes = await Promise.all(superuserProbes(namespace).map(allows));
  if (probes.every(Boolean)) return { ok: true };
  const permissions = grantedPermissions(rules, namespace);
  if (!permissions) return { ok: false, tooMany: true };
  const missing: RequestAttributes[] = [];
  for (const permission of permissions) if (!(await allows(permission))) missing.push(permission);
  return missing.length === 0 ? { ok: true } : { ok: false, missing };
}

const quoted = (value: string) => JSON.stringify(value);

/** Kubernetes' rendering of a rule (`{APIGroups:["..."], Resources:["..."], Verbs:["..."]}`). */
export function describePermission(permission: RequestAttributes): string {
  if (permission.kind === 'nonResource') return `{NonResourceURLs:[${quoted(permission.path)}], Verbs:[${quoted(permission.verb)}]}`;
  const { apiGroup, resource, subresource, name, verb } = permission.attributes;
  const what = subresource === undefined ? resource : `${resource}/${subresource}`;
  return `{APIGroups:[${quoted(apiGroup)}], Resources:[${quoted(what)}]${name !== undefined ? `, ResourceNames:[${quoted(name)}]` : ''}, Verbs:[${quoted(verb)}]}`;
}

const LISTED = 20;

export function escalationMessage(username: string, groups: readonly string[], check: Exclude<EscalationCheck, { ok: true }>): string {
  const who = `user ${quoted(username)} (groups=[${groups.map(quoted).join(' ')}])`;
  if ('tooMany' in check) return `${who} is attempting to grant more than ${MAX_CHECKED_PERMISSIONS} single RBAC permissions, which cannot be checked; split the role`;
  const lines = check.missing.slice(0, LISTED).map(describePermission);
  if (check.missing.length > LISTED) lines.push(`... and ${check.missing.length - LISTED} more`);
  return `${who} is attempting to grant RBAC permissions not currently held:\n${lines.join('\n')}`;
}
