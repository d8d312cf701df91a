import { eventually } from '@imagestreams/testing';
import { api, type ApiResponse } from './api';

/**
 * Identities for access-control tests (docs/access-control.md): service accounts and users, their
 * role bindings and access tokens, all made by the bootstrap admin; and what the gateway answers
 * about them (the Forbidden message, the audit trail).
 */

const RBAC = '/apis/rbac.authorization.k8s.io/v1';
const ACCESS_TOKENS = '/apis/access.imagestreams.io/v1/accesstokens';

export interface Subject {
  kind: 'ServiceAccount' | 'User' | 'Group';
  name: string;
  /** Only for service accounts. */
  namespace?: string;
}

export interface IssuedToken {
  /** The AccessToken object's name, for revoking it. */
  name: string;
  token: string;
}

/** A caller that tests act as: its RBAC username and its access token. */
export interface Caller {
  username: string;
  token: string;
  tokenName: string;
}

export interface StatusBody {
  kind: string;
  status: string;
  reason?: string;
  message?: string;
  code: number;
  details?: { name?: string; group?: string; kind?: string };
}

/** The body when the reply is 201; throws with what the gateway said otherwise. */
export async function created<T>(what: string, reply: Promise<ApiResponse<T>>): Promise<T> {
  const { status, body } = await reply;
  if (status !== 201) throw new Error(`${what}: ${status} ${JSON.stringify(body)}`);
  return body;
}

export function serviceAccountUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/** A binding's name for a role; RBAC names may hold `:` but a stable dash form reads better in lists. */
function bindingName(subject: Subject, role: string): string {
  return `${subject.name}-${role.replace(/:/g, '-')}`;
}

function subjectEntry(subject: Subject): Record<string, string> {
  if (subject.kind === 'ServiceAccount') return { kind: 'ServiceAccount', name: subject.name, namespace: subject.namespace ?? '' };
  return { kind: subject.kind, apiGroup: 'rbac.authorization.k8s.io', name: subject.name };
}

export async function createServiceAccount(namespace: string, name: string): Promise<void> {
  await created(`service account ${namespace}/${name}`, api('POST', `/api/v1/namespaces/${namespace}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } }));
}

export async function createUser(name: string): Promise<void> {
  await created(`user ${name}`, api('POST', '/apis/user.openshift.io/v1/users', { apiVersion: 'user.openshift.io/v1', kind: 'User', metadata: { name } }));
}

/** Binds the built-in (or any) ClusterRole `role` to `subject` inside `namespace`. */
export async function bindRole(namespace: string, subject: Subject, role: string): Promise<void> {
  await created(
    `role binding of ${role} to ${subject.name} in ${namespace}`,
    api('POST', `${RBAC}/namespaces/${namespace}/rolebindings`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: bindingName(subject, role) },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [subjectEntry(subject)],
    }),
  );
}

/** Binds ClusterRole `role` to `subject` everywhere. */
export async function bindClusterRole(subject: Subject, role: string): Promise<void> {
  await created(
    `cluster role binding of ${role} to ${subject.name}`,
    api('POST', `${RBAC}/clusterrolebindings`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: bindingName(subject, role) },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects: [subjectEntry(subject)],
    }),
  );
}

/** An access token of a service account or user, issued by the admin. */
export async function issueToken(subject: Subject, options: { expiresInSeconds?: number } = {}): Promise<IssuedToken> {
  const body = await created<{ metadata: { name: string }; status: { token: string } }>(
    `token of ${subject.name}`,
    api('POST', ACCESS_TOKENS, {
      apiVersion: 'access.imagestreams.io/v1',
      kind: 'AccessToken',
      spec: { subject: subject.kind === 'ServiceAccount' ? { kind: 'ServiceAccount', namespace: subject.namespace, name: subject.name } : { kind: 'User', name: subject.name }, ...options },
    }),
  );
  return { name: body.metadata.name, token: body.status.token };
}

export async function revokeToken(name: string): Promise<void> {
  const reply = await api('DELETE', `${ACCESS_TOKENS}/${name}`);
  if (reply.status !== 200) throw new Error(`revoking token ${name}: ${reply.status} ${JSON.stringify(reply.body)}`);
}

/** A new service account in `namespace`, bound to `roles` there (none: a caller with no rights), with a token. */
export async function serviceAccountCaller(namespace: string, name: string, roles: string[] = []): Promise<Caller> {
  const subject: Subject = { kind: 'ServiceAccount', namespace, name };
  await createServiceAccount(namespace, name);
  for (const role of roles) await bindRole(namespace, subject, role);
  const issued = await issueToken(subject);
  return { username: serviceAccountUsername(namespace, name), token: issued.token, tokenName: issued.name };
}

/** A new user bound to `role` cluster-wide, with a token. */
export async function userCaller(name: string, clusterRole: string): Promise<Caller> {
  const subject: Subject = { kind: 'User', name };
  await createUser(name);
  await bindClusterRole(subject, clusterRole);
  const issued = await issueToken(subject);
  return { username: name, token: issued.token, tokenName: issued.name };
}

export interface DeniedRequest {
  verb: string;
  group: string;
  /** `resource` or `resource/subresource`. */
  resource: string;
  /** Absent for cluster-scoped requests and lists across namespaces. */
  namespace?: string;
}

/** The Forbidden message docs/access-control.md shows: `User "alice" cannot get resource "imagestreams" in API group "image.openshift.io" in the namespace "b"`. */
export function forbiddenMessage(username: string, request: DeniedRequest): string {
  const scope = request.namespace === undefined ? 'at the cluster scope' : `in the namespace "${request.namespace}"`;
  return `User "${username}" cannot ${request.verb} resource "${request.resource}" in API group "${request.group}" ${scope}`;
}

/** The 403 Status body a denial answers (compare with toMatchObject: `details` name the object too). */
export function forbiddenStatus(username: string, request: DeniedRequest): Pick<StatusBody, 'kind' | 'status' | 'reason' | 'message' | 'code'> {
  return { kind: 'Status', status: 'Failure', reason: 'Forbidden', message: forbiddenMessage(username, request), code: 403 };
}

/** `spec.resourceAttributes` of a SelfSubjectAccessReview, as Kubernetes names them. */
export interface ReviewedAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

/** "May I?" asked as the holder of `token`: the review's `status.allowed`. */
export async function selfSubjectAccessReview(token: string, resourceAttributes: ReviewedAttributes): Promise<boolean> {
  const reply = await api<{ status: { allowed: boolean } }>(
    'POST',
    '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews',
    { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes } },
    { token },
  );
  if (reply.status !== 201) throw new Error(`self subject access review: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body.status.allowed;
}

export interface AuditEvent {
  id: string;
  time: string;
  user: { username: string; groups: string[] };
  verb: string;
  objectRef?: { apiGroup?: string; resource?: string; subresource?: string; namespace?: string; name?: string };
  method: string;
  path: string;
  code: number;
}

/** The audit trail as the admin reads it, newest first. */
export async function auditEvents(query: Record<string, string>): Promise<AuditEvent[]> {
  const reply = await api<{ items: AuditEvent[] }>('GET', `/apis/access.imagestreams.io/v1/auditevents?${new URLSearchParams(query).toString()}`);
  if (reply.status !== 200) throw new Error(`audit events: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body.items;
}

/**
 * Waits until the audit trail (written in batches every 200 ms) holds events satisfying `done`
 * for `query`; answers them all.
 */
export function eventuallyAudited(query: Record<string, string>, done: (events: AuditEvent[]) => boolean, description: string): Promise<AuditEvent[]> {
  return eventually(async () => {
    const events = await auditEvents(query);
    return done(events) ? events : undefined;
  }, description, 10_000);
}
