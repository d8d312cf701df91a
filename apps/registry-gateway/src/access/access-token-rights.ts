import type { AccessTokenSubject } from '@imagestreams/contracts';
import { AccessTokenResource } from '@imagestreams/contracts';
import type { Identity, RequestAttributes } from '@imagestreams/domain-access';

/**
 * Who may manage whose access tokens (docs/access-control.md): a user its own, without any
 * binding; anyone's with the verb on `accesstokens` cluster-wide (cluster-admin); a service
 * account's with `create serviceaccounts/token` in its namespace (admin, edit).
 */
export function isOwnToken(caller: Identity, subject: AccessTokenSubject): boolean {
  return caller.kind === 'User' && subject.kind === 'User' && subject.name === caller.name;
}

/** The cluster-wide grant over every token. */
export function accessTokensAttributes(verb: string, name?: string): RequestAttributes {
  return { kind: 'resource', attributes: { verb, apiGroup: AccessTokenResource.group, resource: AccessTokenResource.resource, ...(name !== undefined ? { name } : {}) } };
}

/** What a namespace admin needs to manage one service account's tokens; undefined for a user subject. */
export function serviceAccountTokenAttributes(subject: AccessTokenSubject): RequestAttributes | undefined {
  if (subject.kind !== 'ServiceAccount' || subject.namespace === undefined) return undefined;
  return { kind: 'resource', attributes: { verb: 'create', apiGroup: '', resource: 'serviceaccounts', subresource: 'token', namespace: subject.namespace, name: subject.name } };
}
