/** Injection token for the registry host names that appear in pull specs. */
export const REGISTRY_HOSTS = Symbol('REGISTRY_HOSTS');
