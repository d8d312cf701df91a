/**
 * Registry credentials out of Kubernetes pull secrets: `.dockerconfigjson` (`{"auths": {...}}`) and
 * the older `.dockercfg` (the `auths` map itself). Keys may be URLs (`https://index.docker.io/v1/`),
 * hosts or host:port.
 */
export interface RegistryLogin {
  username: string;
  password: string;
}

type AuthEntry = { auth?: unknown; username?: unknown; password?: unknown; identitytoken?: unknown };

const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** The host[:port] a config key names, Docker Hub's aliases folded into one. */
export function registryKeyHost(key: string): string {
  const withoutScheme = key.replace(/^[a-z]+:\/\//i, '');
  const host = withoutScheme.split('/')[0].toLowerCase();
  return DOCKER_HUB_HOSTS.has(host) ? 'docker.io' : host;
}

function loginOf(entry: AuthEntry): RegistryLogin | undefined {
  if (typeof entry.username === 'string' && typeof entry.password === 'string') return { username: entry.username, password: entry.password };
  if (typeof entry.auth === 'string') {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (typeof entry.identitytoken === 'string') return { username: '<token>', password: entry.identitytoken };
  return undefined;
}

/** Parses the decoded JSON of a pull secret; undefined when it is not one. */
export function parseAuths(type: string, json: unknown): Map<string, RegistryLogin> | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const auths = type === 'kubernetes.io/dockerconfigjson' ? (json as { auths?: unknown }).auths : json;
  if (typeof auths !== 'object' || auths === null || Array.isArray(auths)) return undefined;
  const logins = new Map<string, RegistryLogin>();
  for (const [key, entry] of Object.entries(auths as Record<string, unknown>)) {
    if (typeof entry !== 'object' || entry === null) continue;
    const login = loginOf(entry as AuthEntry);
    if (login) logins.set(registryKeyHost(key), login);
  }
  return logins;
}

/**
 * The login for requests to `registry` (`host[:port]` as requests go out: Docker Hub's API host is
 * `registry-1.docker.io`, while secrets name it `https://index.docker.io/v1/` or `docker.io`).
 */
export function loginFor(logins: Map<string, RegistryLogin>, registry: string): RegistryLogin | undefined {
  return logins.get(registryKeyHost(registry));
}

/** The data key each secret type keeps its config under. */
export function dataKeyOf(type: string): string {
  return type === 'kubernetes.io/dockercfg' ? '.dockercfg' : '.dockerconfigjson';
}
