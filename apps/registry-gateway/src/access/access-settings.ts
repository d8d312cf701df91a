/** What AccessModule reads of the gateway's configuration. */
export interface AccessSettings {
  /** false = AUTHORIZATION=disabled: every caller acts as cluster-admin. */
  enabled: boolean;
  /** BOOTSTRAP_ADMIN_TOKEN; empty = generate one on the first start of an empty database. */
  bootstrapAdminToken: string;
}

export const ACCESS_SETTINGS = Symbol('ACCESS_SETTINGS');
