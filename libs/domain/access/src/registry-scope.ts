import type { ResourceAttributes } from './request-attributes';

/**
 * Scopes of the Docker token protocol (`GET /v2/token?scope=...`), as distribution's token
 * server reads them: `<type>[(<class>)]:<name>:<action>[,<action>...]`, several separated by
 * spaces or given as repeated parameters.
 */
export interface RepositoryScope {
  type: 'repository';
  /** `<namespace>/<stream>`. */
  name: string;
  actions: string[];
}

export interface RegistryScope {
  type: 'registry';
  name: 'catalog';
  actions: string[];
}

export type Scope = RepositoryScope | RegistryScope;

export type RegistryAction = 'pull' | 'push' | 'delete';

/** More than any client asks for at once; bounds the work one token request can cause. */
export const MAX_SCOPES = 64;
/** distribution's limit on a repository name. */
const MAX_NAME_LENGTH = 255;

const RESOURCE_TYPE = /^([a-z0-9]+(?:[._-][a-z0-9]+)*)(?:\(([a-z0-9]+(?:[._-][a-z0-9]+)*)\))?$/;
/** distribution's repository path grammar (lower-case components separated by `/`), without a host. */
const REPOSITORY_NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const ACTION = /^(?:[a-z]+|\*)$/;

function parseOne(raw: string): Scope | undefined | { error: string } {
  const first = raw.indexOf(':');
  const last = raw.lastIndexOf(':');
  if (first <= 0 || last === first) return { error: `malformed scope ${JSON.stringify(raw)}: want <type>:<name>:<actions>` };
  const typeMatch = RESOURCE_TYPE.exec(raw.slice(0, first));
  const name = raw.slice(first + 1, last);
  const actionList = raw.slice(last + 1);
  const actions = actionList.split(',');
  if (!typeMatch || name === '' || actionList === '' || !actions.every((action) => ACTION.test(action))) {
    return { error: `malformed scope ${JSON.stringify(raw)}` };
  }
  const type = typeMatch[1];
  if (type === 'repository') {
    if (name.length > MAX_NAME_LENGTH || !REPOSITORY_NAME.test(name)) return { error: `invalid repository name in scope ${JSON.stringify(raw)}` };
    return { type, name, actions };
  }
  if (type === 'registry' && name === 'catalog') return { type, name, actions };
  // Types we do not serve (distribution's `registry:<other>`, plugins) grant nothing; asking is not an error.
  return undefined;
}

function merge(scopes: Scope[], scope: Scope): void {
  const same = scopes.find((existing) => existing.type === scope.type && existing.name === scope.name);
  if (!same) {
    scopes.push({ ...scope, actions: [...new Set(scope.actions)] });
    return;
  }
  for (const action of scope.actions) if (!same.actions.includes(action)) same.actions.push(action);
}

/** Scopes in request order, one entry per type and name with its actions merged; no scope at all is `[]`. */
export function parseScopes(raw: string | string[] | undefined): Scope[] | { error: string } {
  if (raw === undefined) return [];
  const values: unknown[] = Array.isArray(raw) ? raw : [raw];
  if (!values.every((value) => typeof value === 'string')) return { error: 'scope must be a string' };
  const parts = (values as string[]).flatMap((value) => value.split(' ')).filter((part) => part !== '');
  if (parts.length > MAX_SCOPES) return { error: `at most ${MAX_SCOPES} scopes may be requested at once` };
  const scopes: Scope[] = [];
  for (const part of parts) {
    const parsed = parseOne(part);
    if (parsed === undefined) continue;
    if ('error' in parsed) return parsed;
    merge(scopes, parsed);
  }
  return scopes;
}

export function formatScope(scope: Scope): string {
  return `${scope.type}:${scope.name}:${scope.actions.join(',')}`;
}

/** `<namespace>/<stream>` of a repository scope; other shapes name no image stream. */
export function splitRepositoryName(name: string): { namespace: string; stream: string } | undefined {
  const parts = name.split('/');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') return undefined;
  return { namespace: parts[0], stream: parts[1] };
}

const ACTION_VERBS: Readonly<Record<RegistryAction, string>> = { pull: 'get', push: 'update', delete: 'delete' };

/** OpenShift's mapping: registry actions are verbs on the virtual `imagestreams/layers` subresource. */
export function registryActionAttributes(namespace: string, stream: string, action: RegistryAction): ResourceAttributes {
  return { verb: ACTION_VERBS[action], apiGroup: 'image.openshift.io', resource: 'imagestreams', subresource: 'layers', namespace, name: stream };
}

export function isRegistryAction(value: string): value is RegistryAction {
  return Object.prototype.hasOwnProperty.call(ACTION_VERBS, value);
}
