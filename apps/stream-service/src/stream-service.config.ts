import { IsInt, IsOptional, IsString, Min } from 'class-validator';
import { BaseServiceConfig } from '@imagestreams/platform-config';

export class StreamServiceConfig extends BaseServiceConfig {
  override HTTP_PORT = 8081;

  /** Host (and port) of the integrated registry as clusters reach it: `status.dockerImageRepository`. */
  @IsString()
  REGISTRY_HOSTNAME = 'localhost:8080';

  /** Externally reachable registry host for `status.publicDockerImageRepository`; empty = none. */
  @IsOptional()
  @IsString()
  PUBLIC_REGISTRY_HOSTNAME = '';

  @IsInt()
  @Min(50)
  OUTBOX_POLL_INTERVAL_MS = 1_000;

  /** History entries kept per tag (oldest pruned first, the current one never); 0 keeps everything. */
  @IsInt()
  @Min(0)
  TAG_HISTORY_LIMIT = 0;

  /** How long watches can resume from an old resourceVersion (older → 410 Expired, re-list). */
  @IsInt()
  @Min(1)
  WATCH_RETENTION_MINUTES = 60;
}
