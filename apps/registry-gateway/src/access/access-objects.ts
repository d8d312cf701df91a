import type { AccessToken, ServiceAccount, User } from '@imagestreams/contracts';
import type { Identity } from '@imagestreams/domain-access';
import type { AccessTokenRow } from './access-tokens.repository';
import type { ServiceAccountRow } from './service-accounts.repository';
import type { UserRow } from './users.repository';

/** The API shapes of the identity tables' rows. */

export function userObject(row: UserRow): User {
  return {
    kind: 'User',
    apiVersion: 'user.openshift.io/v1',
    metadata: { name: row.name, uid: row.uid, resourceVersion: String(row.resource_version), creationTimestamp: row.created_at.toISOString() },
    ...(row.full_name !== null ? { fullName: row.full_name } : {}),
    identities: [],
    groups: row.groups,
  };
}

/**
 * `users/~` for a caller that is no stored user (a service account, anonymous, or everybody with
 * AUTHORIZATION=disabled): OpenShift answers such callers with a User made up from the request.
 */
export function syntheticUser(identity: Identity): User {
  return {
    kind: 'User',
    apiVersion: 'user.openshift.io/v1',
    metadata: { name: identity.username },
    identities: [],
    groups: identity.groups,
  };
}

export function serviceAccountObject(row: ServiceAccountRow): ServiceAccount {
  return {
    kind: 'ServiceAccount',
    apiVersion: 'v1',
    metadata: { name: row.name, namespace: row.namespace, uid: row.uid, resourceVersion: String(row.resource_version), creationTimestamp: row.created_at.toISOString() },
  };
}

/** `token` is passed only when answering the create: it is stored nowhere. */
export function accessTokenObject(row: AccessTokenRow, token?: string): AccessToken {
  return {
    kind: 'AccessToken',
    apiVersion: 'access.imagestreams.io/v1',
    metadata: { name: row.name, uid: row.uid, resourceVersion: String(row.resource_version), creationTimestamp: row.created_at.toISOString() },
    spec: {
      subject: { kind: row.subject_kind, name: row.subject_name, ...(row.subject_namespace !== null ? { namespace: row.subject_namespace } : {}) },
      ...(row.expires_at !== null ? { expiresAt: row.expires_at.toISOString() } : {}),
      ...(row.description !== null ? { description: row.description } : {}),
    },
    status: { ...(token !== undefined ? { token } : {}), ...(row.last_used_at !== null ? { lastUsedAt: row.last_used_at.toISOString() } : {}) },
  };
}
