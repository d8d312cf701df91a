import { IsInt, IsString, Min, MinLength } from 'class-validator';
import { BaseServiceConfig } from '@imagestreams/platform-config';

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

  /** The registry's blob store: content-addressed blobs and upload files (one filesystem, so renames are atomic). */
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
}
