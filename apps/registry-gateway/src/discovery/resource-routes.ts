import type { ServedRoute } from '../http/route-catalog';

/**
 * Reads a served route the way Kubernetes lays out its REST paths, to tell which verb of which
 * resource it serves:
 *
 *   /api/v1/<resource>[/{name}[/<subresource>]]                          cluster scope (or all namespaces)
 *   /api/v1/namespaces/{namespace}/<resource>[/{name}[/<subresource>]]   namespaced
 *   /apis/<group>/<version>/...                                          the same below a named group
 *
 * `namespaces` themselves are the exception: `/api/v1/namespaces[/{name}]` is the cluster-scoped
 * resource, not the namespaced prefix.
 */
export interface ResourceRoute {
  groupVersion: string;
  /** Plural, or `<plural>/<subresource>`. */
  resource: string;
  /** Whether the path is below `namespaces/{namespace}`. */
  namespacedPath: boolean;
  verb: string;
  route: ServedRoute;
}

export type RouteReading = { kind: 'resource'; value: ResourceRoute } | { kind: 'not-api' } | { kind: 'unrecognized' };

const COLLECTION_VERBS: Record<string, string> = { GET: 'list', POST: 'create', DELETE: 'deletecollection' };
const OBJECT_VERBS: Record<string, string> = { GET: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };
const SUBRESOURCE_VERBS: Record<string, string> = { GET: 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

const isParameter = (segment: string | undefined) => segment !== undefined && segment.startsWith(':');
const isLiteral = (segment: string | undefined) => segment !== undefined && !segment.startsWith(':');

export function readRoute(route: ServedRoute): RouteReading {
  const segments = route.path.split('/').filter((segment) => segment !== '');
  let groupVersion: string;
  let rest: string[];
  if (segments[0] === 'api' && isLiteral(segments[1])) {
    groupVersion = segments[1];
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && isLiteral(segments[1]) && isLiteral(segments[2])) {
    groupVersion = `${segments[1]}/${segments[2]}`;
    rest = segments.slice(3);
  } else {
    // Outside the API, or discovery itself (`/api`, `/apis/{group}/{version}`, ...).
    return { kind: 'not-api' };
  }
  if (rest.length === 0) return { kind: 'not-api' };

  let namespacedPath = false;
  if (rest[0] === 'namespaces' && isParameter(rest[1]) && rest.length >= 3) {
    namespacedPath = true;
    rest = rest.slice(2);
  }
  const [plural, name, subresource, ...extra] = rest;
  if (!isLiteral(plural) || extra.length > 0) return { kind: 'unrecognized' };
  const resource = (verb: string | undefined, resourceName: string): RouteReading =>
    verb ? { kind: 'resource', value: { groupVersion, resource: resourceName, namespacedPath, verb, route } } : { kind: 'unrecognized' };
  if (name === undefined) return resource(COLLECTION_VERBS[route.method], plural);
  if (!isParameter(name)) return { kind: 'unrecognized' };
  if (subresource === undefined) return resource(OBJECT_VERBS[route.method], plural);
  if (!isLiteral(subresource)) return { kind: 'unrecognized' };
  return resource(SUBRESOURCE_VERBS[route.method], `${plural}/${subresource}`);
}

/** Verbs served per `<groupVersion> <resource>`, from every route that reads as a resource route. */
export function servedVerbs(routes: ServedRoute[]): Map<string, Set<string>> {
  const verbs = new Map<string, Set<string>>();
  for (const route of routes) {
    const reading = readRoute(route);
    if (reading.kind !== 'resource') continue;
    const key = resourceKey(reading.value.groupVersion, reading.value.resource);
    const set = verbs.get(key) ?? new Set<string>();
    set.add(reading.value.verb);
    verbs.set(key, set);
  }
  return verbs;
}

export function resourceKey(groupVersion: string, resource: string): string {
  return `${groupVersion} ${resource}`;
}
