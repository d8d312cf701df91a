/** What the registry's authentication reads of the gateway's configuration. */
export interface RegistryAuthSettings {
  /** REGISTRY_TOKEN_KEY (base64); empty = the key generated once and kept in the database. */
  tokenKey: string;
  tokenTtlSeconds: number;
  /** REGISTRY_AUTH_SERVICE: the challenges' `service` and the tokens' audience. */
  service: string;
  /** REGISTRY_TOKEN_REALM; empty = derived from each request's scheme and Host. */
  realm: string;
}

export const REGISTRY_AUTH_SETTINGS = Symbol('REGISTRY_AUTH_SETTINGS');
