import { IsBoolean, IsInt, Matches, Max, MaxLength, Min } from 'class-validator';
import { BaseServiceConfig } from '@imagestreams/platform-config';

export class TemplateServiceConfig extends BaseServiceConfig {
  override HTTP_PORT = 8084;

  /** The samples operator: keeps the samples catalog (image streams, templates) in SAMPLES_NAMESPACE as its Config says. */
  @IsBoolean()
  SAMPLES_ENABLED = true;

  /** Where the samples live (OpenShift's `openshift`); created when missing. */
  @Matches(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: 'must be a namespace name (a lowercase RFC 1123 label)' })
  @MaxLength(63)
  SAMPLES_NAMESPACE = 'openshift';

  /** How often the samples are compared with the catalog and re-applied where they drifted (OpenShift resyncs every 10 min). */
  @IsInt()
  @Min(1)
  @Max(86_400)
  SAMPLES_RECONCILE_INTERVAL_SECONDS = 600;

  /** How long watches of templates and template instances can resume from an old resourceVersion (older → 410 Expired, re-list). */
  @IsInt()
  @Min(1)
  WATCH_RETENTION_MINUTES = 60;
}
