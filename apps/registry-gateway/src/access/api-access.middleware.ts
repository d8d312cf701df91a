import { AccessTokenResource, Statuses, StatusError } from '@imagestreams/contracts';
import { forbiddenMessage, requestAttributes, type Identity, type RequestAttributes } from '@imagestreams/domain-access';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessControl } from './access-control';
import { AuthenticationFailed } from './authentication-failed';
import { setRequestIdentity } from './request-identity';

/**
 * Express matches routes case-insensitively, so `/APIS/...` reaches the same controllers as
 * `/apis/...`: the check must see it as an API path too. Answers the path with its first segment
 * lowercased, or undefined outside `/api` and `/apis`.
 */
export function apiPath(url: string): string | undefined {
  const rest = url.split('?', 1)[0].replace(/^\/+/, '');
  const first = rest.split('/', 1)[0].toLowerCase();
  if (first !== 'api' && first !== 'apis') return undefined;
  return `/${first}${rest.slice(first.length)}`;
}

/**
 * Inbound webhooks whose credential is the secret in their path, checked by the owner in constant
 * time: build triggers from Git hosts (as in OpenShift) and push notifications from registries
 * (Docker Hub and Quay cannot send headers). Senders have no token to present.
 */
const SECRET_IN_PATH_WEBHOOKS = [
  /^\/apis\/build\.openshift\.io\/v1\/namespaces\/[^/]+\/buildconfigs\/[^/]+\/webhooks\/[^/]+\/[^/]+\/?$/i,
  /^\/apis\/imagestreams\.io\/v1\/registrynotifications\/[^/]+\/[^/]+\/?$/i,
];

/** Reads that every caller may make, as Kubernetes' `system:discovery` allows them: `/api`, `/apis`, `/apis/<group>[/<version>]`. */
function isDiscovery(method: string, attributes: RequestAttributes): boolean {
  return attributes.kind === 'nonResource' && (method === 'GET' || method === 'HEAD');
}

function isOpen(method: string, path: string, attributes: RequestAttributes): boolean {
  return isDiscovery(method, attributes) || (method === 'POST' && SECRET_IN_PATH_WEBHOOKS.some((pattern) => pattern.test(path)));
}

/**
 * Access tokens: a user manages its own without any binding, which RBAC cannot say (rules have no
 * "the caller's own"), so any authenticated caller reaches the controller and it decides
 * (access-token-rights.ts).
 */
function decidedByController(attributes: RequestAttributes): boolean {
  return attributes.kind === 'resource' && attributes.attributes.apiGroup === AccessTokenResource.group && attributes.attributes.resource === AccessTokenResource.resource;
}

/** The query as requestAttributes reads it (`?watch=` decides list or watch); repeated keys become arrays. */
function queryOf(url: string): Record<string, unknown> {
  const at = url.indexOf('?');
  if (at < 0) return {};
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(url.slice(at + 1))) {
    const seen = query[key];
    query[key] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return query;
}

/** The Status a denied caller gets: 401 for anonymous callers, else 403 naming the verb and resource. */
export function accessDenial(identity: Identity, attributes: RequestAttributes): StatusError {
  // Anonymous callers are told to authenticate, as Kubernetes does, rather than that they may not.
  if (identity.kind === 'Anonymous') return new StatusError(Statuses.unauthorized());
  const message = forbiddenMessage(identity, attributes);
  if (attributes.kind === 'nonResource') return new StatusError(Statuses.forbidden(message));
  const { apiGroup, resource, name } = attributes.attributes;
  return new StatusError(Statuses.forbidden(message, { group: apiGroup, kind: resource, ...(name !== undefined ? { name } : {}) }));
}

async function authenticated(access: AccessControl, request: IncomingMessage): Promise<Identity> {
  try {
    return await access.authenticate(request.headers.authorization);
  } catch (error) {
    if (error instanceof AuthenticationFailed) throw new StatusError(Statuses.unauthorized());
    throw error;
  }
}

async function check(access: AccessControl, request: IncomingMessage, path: string): Promise<void> {
  const method = (request.method ?? 'GET').toUpperCase();
  const url = request.url ?? '/';
  const attributes = requestAttributes(method, path, queryOf(url));
  if (isOpen(method, path, attributes)) {
    // Discovery is open to everyone, but credentials that are presented must be good: a client
    // with a revoked token learns it on its first (discovery) call, not halfway through.
    // Webhook endpoints authenticate by their path's secret and ignore whatever header a sender adds.
    if (attributes.kind === 'nonResource' && request.headers.authorization !== undefined) setRequestIdentity(request, await authenticated(access, request));
    return;
  }
  const identity = await authenticated(access, request);
  setRequestIdentity(request, identity);
  if (decidedByController(attributes)) {
    if (identity.kind === 'Anonymous') throw new StatusError(Statuses.unauthorized());
    return;
  }
  const decision = await access.authorize(identity, attributes);
  if (!decision.allowed) throw accessDenial(identity, attributes);
}

/**
 * Authentication and RBAC for `/api` and `/apis`, before the JSON parser and any controller: a
 * denial is decided from the path alone, so it is the same whether or not the object exists, and
 * a denied body is never read. Failures go to the Status filter (401 Unauthorized, 403 Forbidden).
 */
export function apiAccessMiddleware(access: AccessControl): (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void {
  return (request, _response, next) => {
    const path = apiPath(request.url ?? '/');
    if (path === undefined) return next();
    check(access, request, path).then(() => next(), next);
  };
}
