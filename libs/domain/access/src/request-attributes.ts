/**
 * Kubernetes' RequestInfo for our routes: what an HTTP request asks to do, in the terms RBAC rules
 * are written in. Derived from the path alone (never from a body), so the decision is the same
 * whether or not the object exists.
 */
export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export interface ResourceAttributes {
  verb: string;
  /** '' for the core group (`/api/v1`). */
  apiGroup: string;
  resource: string;
  subresource?: string;
  /** Absent for cluster-scoped resources and for lists across all namespaces. */
  namespace?: string;
  name?: string;
}

export type RequestAttributes = { kind: 'resource'; attributes: ResourceAttributes } | { kind: 'nonResource'; verb: string; path: string };

const OBJECT_VERBS: Readonly<Record<string, Verb>> = { GET: 'get', HEAD: 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };
const COLLECTION_VERBS: Readonly<Record<string, Verb>> = { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'deletecollection' };
/** Kubernetes' subresources of a namespace object itself (`/api/v1/namespaces/<name>/status`). */
const NAMESPACE_SUBRESOURCES: ReadonlySet<string> = new Set(['status', 'finalize']);

/**
 * A segment that does not decode, or decodes to a `/`, stays as written: it names nothing real
 * (namespace and object names are validated by their owners), so the request is denied or 404s
 * either way, and the decision never reads a path differently from the segment the router matched.
 */
function decodeSegment(segment: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    return segment;
  }
  return decoded.includes('/') ? segment : decoded;
}

/** The router's reading of `?watch=` (list-options.ts): only `true` and `1` start a watch. */
function asksToWatch(value: unknown): boolean {
  const values = Array.isArray(value) ? value : [value];
  return values.some((one) => one === 'true' || one === '1');
}

function collectionVerb(method: string, query: Record<string, unknown>): string {
  if (method === 'GET' || method === 'HEAD') return asksToWatch(query?.['watch']) ? 'watch' : 'list';
  return COLLECTION_VERBS[method] ?? method.toLowerCase();
}

function resourceRequest(method: string, apiGroup: string, parts: string[], query: Record<string, unknown>): RequestAttributes {
  let namespace: string | undefined;
  let rest = parts;
  // `namespaces/<ns>` is a prefix only when something other than a namespace subresource follows;
  // `/api/v1/namespaces[/<name>[/status]]` is the cluster-scoped Namespace object itself.
  if (rest[0].toLowerCase() === 'namespaces' && rest.length >= 3 && !NAMESPACE_SUBRESOURCES.has(rest[2].toLowerCase())) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  // Anything after the subresource (webhook secrets and types, delivery ids) refines a route the
  // subresource already names, and is not part of the decision.
  const [resource, name, subresource] = rest;
  const attributes: ResourceAttributes = {
    verb: name === undefined ? collectionVerb(method, query) : (OBJECT_VERBS[method] ?? method.toLowerCase()),
    apiGroup: apiGroup.toLowerCase(),
    resource: resource.toLowerCase(),
  };
  if (subresource !== undefined) attributes.subresource = subresource.toLowerCase();
  if (namespace !== undefined) attributes.namespace = namespace;
  if (name !== undefined) attributes.name = name;
  return { kind: 'resource', attributes };
}

/**
 * `path` is the whole request path without its query (not the part below an Express mount point).
 * `/api/v1/...` is the core group, `/apis/<group>/<version>/...` a named one; the discovery roots
 * above them and everything outside `/api` and `/apis` are non-resource requests. Never throws.
 */
export function requestAttributes(method: string, path: string, query: Record<string, unknown>): RequestAttributes {
  const upper = method.toUpperCase();
  const lower = method.toLowerCase();
  // Leading and trailing slashes are dropped as Kubernetes and the router both do; inner empty
  // segments are kept, so `//` never shifts a segment into another's place.
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  const segments = trimmed === '' ? [] : trimmed.split('/');
  // The router matches its literal segments (prefix, group, version, resource) case-insensitively,
  // so they are read lower-cased here too; namespaces and names keep their case, as their owners see them.
  const prefix = segments[0]?.toLowerCase();
  if (prefix === 'api' && segments.length >= 3) {
    return resourceRequest(upper, '', segments.slice(2).map(decodeSegment), query);
  }
  if (prefix === 'apis' && segments.length >= 4) {
    const [, group, , ...parts] = segments.map(decodeSegment);
    return resourceRequest(upper, group, parts, query);
  }
  return { kind: 'nonResource', verb: lower, path };
}
