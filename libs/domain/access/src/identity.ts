/** Who is asking, as Kubernetes' authenticators describe a caller to its authorizers. */
export type IdentityKind = 'User' | 'ServiceAccount' | 'Anonymous';

export interface Identity {
  kind: IdentityKind;
  /** What RBAC `User` subjects and audit records name: `system:serviceaccount:<ns>:<name>` for service accounts. */
  username: string;
  groups: string[];
  /** Service accounts only. */
  namespace?: string;
  /** The user's or service account's own name; `system:anonymous` for anonymous callers. */
  name: string;
}

export const AUTHENTICATED_GROUP = 'system:authenticated';
export const UNAUTHENTICATED_GROUP = 'system:unauthenticated';
export const SERVICE_ACCOUNTS_GROUP = 'system:serviceaccounts';
/** Kubernetes' superuser group: bound to cluster-admin. */
export const CLUSTER_ADMINS_GROUP = 'system:masters';
export const ANONYMOUS_USERNAME = 'system:anonymous';
export const SERVICE_ACCOUNT_USERNAME_PREFIX = 'system:serviceaccount:';

// Frozen: one shared object handed to every credential-less request must not be changed by any of them.
export const ANONYMOUS: Identity = Object.freeze({
  kind: 'Anonymous' as const,
  username: ANONYMOUS_USERNAME,
  name: ANONYMOUS_USERNAME,
  groups: Object.freeze([UNAUTHENTICATED_GROUP]) as string[],
});

function withoutDuplicates(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/**
 * A user with its stored groups plus `system:authenticated`, which every authenticated caller has.
 * `system:unauthenticated` is dropped so a stored group can never make a user look anonymous.
 */
export function userIdentity(name: string, groups: readonly string[] = []): Identity {
  return {
    kind: 'User',
    username: name,
    name,
    groups: withoutDuplicates([...groups.filter((group) => group !== UNAUTHENTICATED_GROUP), AUTHENTICATED_GROUP]),
  };
}

export function serviceAccountUsername(namespace: string, name: string): string {
  return `${SERVICE_ACCOUNT_USERNAME_PREFIX}${namespace}:${name}`;
}

export function serviceAccountIdentity(namespace: string, name: string): Identity {
  return {
    kind: 'ServiceAccount',
    username: serviceAccountUsername(namespace, name),
    name,
    namespace,
    groups: [AUTHENTICATED_GROUP, SERVICE_ACCOUNTS_GROUP, `${SERVICE_ACCOUNTS_GROUP}:${namespace}`],
  };
}

/** `system:serviceaccount:<ns>:<name>` back to its parts; anything else (or an empty part) is not a service account. */
export function parseServiceAccountUsername(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SERVICE_ACCOUNT_USERNAME_PREFIX)) return undefined;
  const parts = username.slice(SERVICE_ACCOUNT_USERNAME_PREFIX.length).split(':');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') return undefined;
  return { namespace: parts[0], name: parts[1] };
}
