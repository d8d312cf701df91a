import { IsBoolean, IsInt, IsString, Max, Min } from 'class-validator';
import { BaseServiceConfig } from './base-service.config';

/**
 * How a service reaches external registries: the importer for imports, the gateway for pulling
 * imported images through. One set of variables for both, because pull-through reaches exactly
 * the registries imports reach; an operator who allows an internal mirror allows it once.
 */
export class ExternalRegistryConfig extends BaseServiceConfig {
  /** Per registry request (headers and a manifest's or config's body; a layer's body only between chunks). */
  @IsInt()
  @Min(100)
  IMPORT_TIMEOUT_MS = 30_000;

  /** Retries of a failed registry request (network, 408/429/5xx) with exponential backoff. */
  @IsInt()
  @Min(0)
  @Max(10)
  IMPORT_RETRIES = 3;

  /** Registries on loopback, private or listed networks are refused unless allowed (SSRF guard). */
  @IsBoolean()
  IMPORT_ALLOW_LOOPBACK = false;

  @IsBoolean()
  IMPORT_ALLOW_PRIVATE = false;

  /** Comma-separated CIDRs allowed even when private (e.g. an internal mirror). */
  @IsString()
  IMPORT_ALLOWED_CIDRS = '';
}
