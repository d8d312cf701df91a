import { IsBoolean, IsIn, IsInt, IsString, Matches, Max, Min, MinLength, ValidateIf } from 'class-validator';
import { ExternalRegistryConfig } from '@imagestreams/platform-config';

/** The external-registry settings (IMPORT_TIMEOUT_MS, IMPORT_RETRIES, IMPORT_ALLOW_*) are the importer's, for pull-through. */
export class RegistryGatewayConfig extends ExternalRegistryConfig {
  override HTTP_PORT = 8080;

  /** How long a request to an owning service may take before the client gets a 504 Timeout Status. */
  @IsInt()
  @Min(100)
  NATS_REQUEST_TIMEOUT_MS = 10_000;

  /** Largest JSON body accepted on `/api` and `/apis`; larger ones get 413 before being read in full. */
  @IsInt()
  @Min(1)
  MAX_BODY_BYTES = 1_048_576;

  /** With BLOB_STORE=filesystem, the registry's blob store: blobs and upload files under DATA_DIR/registry (one filesystem, so renames are atomic). */
  @IsString()
  @MinLength(1)
  DATA_DIR = './data';

  /** An upload session untouched this long is abandoned: its row and partial file are removed. */
  @IsInt()
  @Min(1)
  UPLOAD_MAX_AGE_SECONDS = 24 * 60 * 60;

  /** How often the gateway looks for abandoned uploads. */
  @IsInt()
  @Min(1)
  UPLOAD_CLEANUP_INTERVAL_SECONDS = 15 * 60;

  /** Where registry blobs live: `filesystem` (DATA_DIR; several replicas need a shared ReadWriteMany volume) or `s3` (a bucket every replica shares). */
  @IsIn(['filesystem', 's3'])
  BLOB_STORE: 'filesystem' | 's3' = 'filesystem';

  /** Endpoint URL of an S3-compatible server (MinIO, Ceph RGW, R2, ...); empty = AWS S3 in S3_REGION. */
  @ValidateIf((config: RegistryGatewayConfig) => config.S3_ENDPOINT !== '')
  @Matches(/^https?:\/\/[^\s/]+/, { message: 'must be an http:// or https:// URL' })
  S3_ENDPOINT = '';

  @ValidateIf((config: RegistryGatewayConfig) => config.BLOB_STORE === 's3')
  @Matches(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'must be an S3 bucket name (required with BLOB_STORE=s3)' })
  S3_BUCKET = '';

  @IsString()
  @MinLength(1)
  S3_REGION = 'us-east-1';

  /** Static credentials, both or neither; neither = the AWS SDK's default chain (AWS_* variables, web identity, instance profile). */
  @ValidateIf((config: RegistryGatewayConfig) => config.S3_SECRET_ACCESS_KEY !== '')
  @MinLength(1, { message: 'must be set when S3_SECRET_ACCESS_KEY is' })
  S3_ACCESS_KEY_ID = '';

  // Validated only for presence, so a wrong value is never echoed into the configuration error.
  @ValidateIf((config: RegistryGatewayConfig) => config.S3_ACCESS_KEY_ID !== '')
  @MinLength(1, { message: 'must be set when S3_ACCESS_KEY_ID is' })
  S3_SECRET_ACCESS_KEY = '';

  /** `endpoint/bucket/key` URLs instead of `bucket.endpoint/key`: what MinIO and most self-hosted servers need. */
  @IsBoolean()
  S3_FORCE_PATH_STYLE = false;

  /**
   * Pull-through: an image a stream imported can be pulled from `/v2` too, fetched from its origin
   * with the namespace's pull secret on first request and kept (OpenShift's registry does this by
   * default). `false`: such pulls answer MANIFEST_UNKNOWN, and the gateway never calls other registries.
   */
  @IsBoolean()
  PULL_THROUGH = true;

  /**
   * Big blobs (1 MiB and more) leave from a thread of their own per download, written by the native
   * sender that `npm ci` builds when a compiler is there (without it, or with `false`, the event loop
   * sends them). Measured: the 3 × 64 MiB pull 0.87-0.93 of docker-registry's time instead of 1.00.
   */
  @IsBoolean()
  BLOB_SEND_THREADS = true;

  /**
   * Signs the registry's bearer tokens (`/v2/token`, HS256): base64 of at least 32 random bytes,
   * the same on every replica. Empty = a key generated once and kept in the gateway's database.
   */
  @IsString()
  REGISTRY_TOKEN_KEY = '';

  /** How long a registry bearer token from `/v2/token` is valid. */
  @IsInt()
  @Min(10)
  @Max(24 * 60 * 60)
  REGISTRY_TOKEN_TTL_SECONDS = 300;

  /** The `service` of the registry's challenges and the audience of its tokens. */
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,252}$/, { message: 'must be a service name (letters, digits, . _ : -)' })
  REGISTRY_AUTH_SERVICE = 'imagestreams-registry';

  /** The token endpoint the registry's challenges name (`realm`); empty = `<scheme>://<Host>/v2/token` of the request. */
  @ValidateIf((config: RegistryGatewayConfig) => config.REGISTRY_TOKEN_REALM !== '')
  @Matches(/^https?:\/\/[^\s",]+$/, { message: 'must be an http:// or https:// URL' })
  REGISTRY_TOKEN_REALM = '';

  /**
   * `disabled` turns access control off: every caller acts as cluster-admin (for the auth-on/off
   * benchmark and local experiments; the gateway warns at start).
   */
  @IsIn(['enabled', 'disabled'])
  AUTHORIZATION: 'enabled' | 'disabled' = 'enabled';

  /**
   * The access token of user `admin` (cluster-admin), `ist_` + 43 base64url characters. Empty = one
   * is generated on the first start of an empty database and logged once. Its format is checked at
   * start rather than here, so a mistyped secret is never echoed into the configuration error.
   */
  @IsString()
  BOOTSTRAP_ADMIN_TOKEN = '';

  /** Audit events (writes, 401s, 403s) older than this many days are deleted. */
  @IsInt()
  @Min(1)
  AUDIT_RETENTION_DAYS = 90;

  /** How often the gateway deletes audit events past AUDIT_RETENTION_DAYS (also once at start). */
  @IsInt()
  @Min(1)
  AUDIT_PRUNE_INTERVAL_SECONDS = 60 * 60;
}
