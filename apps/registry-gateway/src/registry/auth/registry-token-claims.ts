import {
  ANONYMOUS,
  ANONYMOUS_USERNAME,
  parseServiceAccountUsername,
  serviceAccountIdentity,
  userIdentity,
  type Identity,
  type RegistryAction,
} from '@imagestreams/domain-access';

/**
 * What a registry bearer token grants, in distribution's token format: one entry per resource,
 * `{"type":"repository","name":"<ns>/<stream>","actions":["pull","push"]}` or the catalog
 * (`{"type":"registry","name":"catalog","actions":["*"]}`).
 */
export interface RegistryAccessEntry {
  type: 'repository' | 'registry';
  name: string;
  actions: string[];
}

/** The claims the gateway adds to the registered ones (iss, sub, aud, exp, iat, nbf, jti). */
export interface RegistryTokenPrivateClaims {
  access: RegistryAccessEntry[];
  /** The caller's groups, so the identity a token stands for can be rebuilt (for RBAC and the audit trail). */
  groups: string[];
}

/** What a verified token says: who it was issued to and what it grants. */
export interface RegistryTokenGrant {
  identity: Identity;
  access: RegistryAccessEntry[];
}

/** A registry action as a route needs it; `*` in a token's actions grants every one. */
export const ALL_ACTIONS = '*';

const ACCESS_TYPES: ReadonlySet<string> = new Set(['repository', 'registry']);
/** Far more than one token request can produce (MAX_SCOPES entries); a longer claim was not minted here. */
const MAX_ACCESS_ENTRIES = 256;

export function registryTokenClaims(identity: Identity, access: RegistryAccessEntry[]): RegistryTokenPrivateClaims {
  return { access, groups: [...identity.groups] };
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isAccessEntry(value: unknown): value is RegistryAccessEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return typeof entry['type'] === 'string' && ACCESS_TYPES.has(entry['type']) && typeof entry['name'] === 'string' && isStringArray(entry['actions']);
}

/**
 * The identity a token was issued to, rebuilt as the authenticators build it: a service account's
 * groups follow from its name, anonymous is the shared ANONYMOUS, a user keeps the groups it had
 * when the token was issued.
 */
export function identityFromClaims(subject: string, groups: string[]): Identity {
  if (subject === ANONYMOUS_USERNAME) return ANONYMOUS;
  const serviceAccount = parseServiceAccountUsername(subject);
  if (serviceAccount) return serviceAccountIdentity(serviceAccount.namespace, serviceAccount.name);
  return userIdentity(subject, groups);
}

/** The grant of a signature-checked payload; undefined when its private claims are not shaped as this gateway mints them. */
export function grantFromClaims(payload: Record<string, unknown>): RegistryTokenGrant | undefined {
  const { sub, groups, access } = payload;
  if (typeof sub !== 'string' || sub === '' || !isStringArray(groups)) return undefined;
  if (!Array.isArray(access) || access.length > MAX_ACCESS_ENTRIES || !access.every(isAccessEntry)) return undefined;
  return { identity: identityFromClaims(sub, groups), access };
}

/** Whether the token's access claim grants `action` on the repository `<ns>/<stream>`. */
export function accessAllows(access: readonly RegistryAccessEntry[], repository: string, action: RegistryAction): boolean {
  return access.some((entry) => entry.type === 'repository' && entry.name === repository && (entry.actions.includes(action) || entry.actions.includes(ALL_ACTIONS)));
}

/** distribution asks for `registry:catalog:*` before listing repositories. */
export function accessAllowsCatalog(access: readonly RegistryAccessEntry[]): boolean {
  return access.some((entry) => entry.type === 'registry' && entry.name === 'catalog' && entry.actions.length > 0);
}

export interface Challenge {
  /** The token endpoint, `<base>/v2/token`. */
  realm: string;
  service: string;
  /** `repository:<ns>/<stream>:<actions>` or `registry:catalog:*`; absent on the version check. */
  scope?: string;
  /** `insufficient_scope` when a token was presented without the access the route needs (RFC 6750). */
  error?: 'insufficient_scope' | 'invalid_token';
}

/** RFC 7235 quoted-string: backslash-escape `"` and `\`. */
function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, (character) => `\\${character}`)}"`;
}

/** The `WWW-Authenticate` value of a 401, as distribution's token authentication writes it. */
export function bearerChallenge(challenge: Challenge): string {
  const parts = [`realm=${quoted(challenge.realm)}`, `service=${quoted(challenge.service)}`];
  if (challenge.scope !== undefined) parts.push(`scope=${quoted(challenge.scope)}`);
  if (challenge.error !== undefined) parts.push(`error=${quoted(challenge.error)}`);
  return `Bearer ${parts.join(',')}`;
}

/** The scope a client must ask for to do `actions` on the repository; a push asks for pull too, as distribution's challenges do. */
export function repositoryScope(repository: string, action: RegistryAction): string {
  const actions = action === 'push' ? 'pull,push' : action;
  return `repository:${repository}:${actions}`;
}

export const CATALOG_SCOPE = 'registry:catalog:*';
