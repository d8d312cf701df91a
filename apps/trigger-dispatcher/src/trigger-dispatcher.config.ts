import { IsInt, Max, Min } from 'class-validator';
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
  WEBHOOK_MAX_CONCURRENCY = 32;

  /** How often due retries (and deliveries orphaned by a crashed replica) are looked for. */
  @IsInt()
  @Min(50)
  WEBHOOK_POLL_INTERVAL_MS = 1_000;

  /** A claimed delivery is reclaimable this long after its request's timeout would have fired. */
  @IsInt()
  @Min(0)
  WEBHOOK_LEASE_GRACE_MS = 5_000;
}
