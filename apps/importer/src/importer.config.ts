import { IsBoolean, IsIn, IsInt, IsNumber, IsString, Max, Min } from 'class-validator';
import { ExternalRegistryConfig } from '@imagestreams/platform-config';

/** The external-registry settings (timeouts, retries, which addresses) are shared with the gateway's pull-through. */
export class ImporterConfig extends ExternalRegistryConfig {
  override HTTP_PORT = 8082;

  /** How often a scheduled tag is re-checked, unless raised to the minimum (OpenShift: 15 min). */
  @IsInt()
  @Min(1)
  IMPORT_SCHEDULE_INTERVAL_SECONDS = 900;

  /** No scheduled tag is checked more often than this, whatever is asked. */
  @IsInt()
  @Min(1)
  IMPORT_SCHEDULE_MINIMUM_INTERVAL_SECONDS = 900;

  /** Spreads checks: each next check is the interval ± this fraction of it. */
  @IsNumber()
  @Min(0)
  @Max(0.5)
  IMPORT_SCHEDULE_JITTER = 0.1;

  /** Global cap on scheduled checks per minute across this replica (OpenShift's default 60); 0 = unlimited. */
  @IsInt()
  @Min(0)
  IMPORT_MAX_PER_MINUTE = 60;

  /** Requests in flight to one registry host at once, per replica. */
  @IsInt()
  @Min(1)
  IMPORT_REGISTRY_CONCURRENCY = 8;

  /** Turns scheduled imports off (spec-tag and user imports still run). */
  @IsBoolean()
  IMPORT_SCHEDULING_DISABLED = false;

  /** A claimed scheduled tag is another replica's to take once this long has passed (a crashed claimer). */
  @IsInt()
  @Min(5)
  IMPORT_LEASE_SECONDS = 120;

  /** How often the scheduler looks for due tags, and how many it claims at once. */
  @IsInt()
  @Min(10)
  IMPORT_SCHEDULER_TICK_MS = 1000;

  @IsInt()
  @Min(1)
  @Max(5000)
  IMPORT_SCHEDULER_BATCH = 200;

  /** Tags imported by one `spec.repository` import (OpenShift's maxImagesBulkImportedPerRepository); -1 = all. */
  @IsInt()
  @Min(-1)
  IMPORT_BULK_LIMIT = 50;

  /** Legacy import mode's platform when a tag does not say (then linux/amd64, then the first). */
  @IsString()
  IMPORT_DEFAULT_ARCH = 'amd64';

  @IsString()
  IMPORT_DEFAULT_OS = 'linux';

  /** The import mode of tags that set none. */
  @IsIn(['Legacy', 'PreserveOriginal'])
  IMPORT_DEFAULT_MODE: 'Legacy' | 'PreserveOriginal' = 'Legacy';

  /**
   * 32 bytes, base64: encrypts stored registry credentials (AES-256-GCM). Empty = a key derived
   * from DATABASE_URL, logged as a warning: fine on a laptop, never in production.
   */
  @IsString()
  SECRETS_ENCRYPTION_KEY = '';

  /**
   * Comma-separated keys (32 bytes, base64 each) that sealed credentials before a rotation: still
   * opened, and re-sealed under SECRETS_ENCRYPTION_KEY at start (docs/access-control.md).
   */
  @IsString()
  SECRETS_ENCRYPTION_PREVIOUS_KEYS = '';

  /** Registry notification endpoints, `name=secret,name2=secret2`; empty = none accepted. */
  @IsString()
  IMPORT_NOTIFICATION_ENDPOINTS = '';
}
