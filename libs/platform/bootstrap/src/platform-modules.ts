import { type DynamicModule } from '@nestjs/common';
import type { BaseServiceConfig } from '@imagestreams/platform-config';
import { MessagingModule } from '@imagestreams/platform-messaging';
import { PersistenceModule, type ServiceDatabaseOptions } from '@imagestreams/platform-persistence';
import { HealthModule, LoggingModule, MetricsModule, TracingModule } from '@imagestreams/platform-observability';

export interface PlatformModulesOptions {
  serviceName: string;
  config: BaseServiceConfig;
  /** The service's own schema and its migrations; omitted for a service without one (the gateway). */
  database?: Pick<ServiceDatabaseOptions, 'schema' | 'migrations' | 'customPlans'>;
  requestTimeoutMs?: number;
}

/** What every service stands on: tracing, JSON logs, its schema (if it has one), NATS + streams, health, metrics. */
export function platformModules(options: PlatformModulesOptions): DynamicModule[] {
  const { config, database } = options;
  return [
    TracingModule.forService({
      serviceName: config.OTEL_SERVICE_NAME || options.serviceName,
      sdkDisabled: config.OTEL_SDK_DISABLED,
      exportSpans: Boolean(config.OTEL_EXPORTER_OTLP_ENDPOINT || config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT),
      propagateWithoutExport: config.OTEL_PROPAGATORS === 'tracecontext',
    }),
    LoggingModule.forService({ serviceName: options.serviceName, level: config.LOG_LEVEL }),
    ...(database ? [PersistenceModule.forService({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE, entities: [], ...database })] : []),
    MessagingModule.forService({
      natsUrl: config.NATS_URL,
      serviceName: options.serviceName,
      requestTimeoutMs: options.requestTimeoutMs,
      streams: { replicas: config.JETSTREAM_REPLICAS, maxAgeHours: config.EVENTS_MAX_AGE_HOURS },
    }),
    HealthModule.forService({ database: database !== undefined }),
    MetricsModule.forService(),
  ];
}
