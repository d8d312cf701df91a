import { IsInt, Min } from 'class-validator';
import { BaseServiceConfig } from '@imagestreams/platform-config';

/** The gateway owns no data yet: DATABASE_URL is inherited but unused until uploads and authz land. */
export class RegistryGatewayConfig extends BaseServiceConfig {
  override HTTP_PORT = 8080;

  /** How long a request to an owning service may take before the client gets a 504 Timeout Status. */
  @IsInt()
  @Min(100)
  NATS_REQUEST_TIMEOUT_MS = 10_000;

  /** Largest JSON body accepted on `/api` and `/apis`; larger ones get 413 before being read in full. */
  @IsInt()
  @Min(1)
  MAX_BODY_BYTES = 1_048_576;
}
