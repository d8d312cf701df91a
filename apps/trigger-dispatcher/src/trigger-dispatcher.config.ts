import { IsBoolean, IsInt, IsNumber, IsString, Max, Min } from 'class-validator';
import { BaseServiceConfig } from '@imagestreams/platform-config';

export class TriggerDispatcherConfig extends BaseServiceConfig {
  override HTTP_PORT = 8083;

  /** Used when a subscription does not set `spec.timeoutSeconds`. */
  @IsInt()
  @Min(1)
  @Max(60)
  WEBHOOK_DEFAULT_TIMEOUT_SECONDS = 10;

  /** Webhook requests in flight at once in this process. */
  @IsInt()
  @Min(1)
  WEBHOOK_MAX_CONCURRENCY = 256;

  /** How often due retries (and deliveries orphaned by a crashed replica) are looked for. */
  @IsInt()
  @Min(50)
  WEBHOOK_POLL_INTERVAL_MS = 1_000;

  /** A claimed delivery is reclaimable this long after its request's timeout would have fired. */
  @IsInt()
  @Min(0)
  WEBHOOK_LEASE_GRACE_MS = 5_000;

  /** Requests in flight at once to one receiver origin (scheme, host, port), so a slow one cannot take every slot. */
  @IsInt()
  @Min(1)
  WEBHOOK_MAX_CONCURRENCY_PER_TARGET = 16;

  /** Failed attempts in a row after which a subscription is disabled (it may set its own `spec.retry.disableAfterFailures`). */
  @IsInt()
  @Min(1)
  WEBHOOK_DISABLE_AFTER_FAILURES = 100;

  /** How long the previous signing secret keeps signing after a rotation that does not say. */
  @IsInt()
  @Min(0)
  WEBHOOK_SECRET_ROTATION_GRACE_SECONDS = 86_400;

  /**
   * How long settled deliveries (succeeded, dead, skipped) and their attempts stay in the delivery
   * log; pending ones stay until they settle. 0 keeps everything. Replay reads JetStream, not this log.
   */
  @IsNumber()
  @Min(0)
  WEBHOOK_DELIVERY_RETENTION_HOURS = 168;

  /** Receivers on loopback, private or link-local networks are refused unless allowed (SSRF guard). */
  @IsBoolean()
  WEBHOOK_ALLOW_LOOPBACK = false;

  @IsBoolean()
  WEBHOOK_ALLOW_PRIVATE = false;

  /** Comma-separated CIDRs always allowed (e.g. an internal CI network); the only way to reach link-local ones. */
  @IsString()
  WEBHOOK_ALLOWED_CIDRS = '';

  /**
   * 32 bytes, base64: seals stored webhook signing secrets (AES-256-GCM), as the importer's key
   * does registry credentials (the two may share one key). Empty = a key derived from
   * DATABASE_URL, logged as a warning: fine on a laptop, never in production.
   */
  @IsString()
  SECRETS_ENCRYPTION_KEY = '';

  /**
   * Comma-separated keys (32 bytes, base64 each) that sealed secrets before a rotation: still
   * opened, and re-sealed under SECRETS_ENCRYPTION_KEY at start (docs/access-control.md).
   */
  @IsString()
  SECRETS_ENCRYPTION_PREVIOUS_KEYS = '';
}
