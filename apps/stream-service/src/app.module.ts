import { type DynamicModule, Module } from '@nestjs/common';
import { PersistenceModule } from '@imagestreams/platform-persistence';
import { MessagingModule, OutboxModule } from '@imagestreams/platform-messaging';
import { HealthModule, LoggingModule } from '@imagestreams/platform-observability';
import { ImageStreamsModule } from './image-streams/image-streams.module';
import { CreateStreamSchema1764201600000 } from './migrations/1764201600000-create-stream-schema';
import { NamespacesModule } from './namespaces/namespaces.module';
import type { StreamServiceConfig } from './stream-service.config';

export const SERVICE_NAME = 'stream-service';

@Module({})
export class AppModule {
  static register(config: StreamServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggingModule.forService({ serviceName: SERVICE_NAME, level: config.LOG_LEVEL }),
        PersistenceModule.forService({ url: config.DATABASE_URL, schema: 'stream', entities: [], migrations: [CreateStreamSchema1764201600000] }),
        MessagingModule.forService({
          natsUrl: config.NATS_URL,
          serviceName: SERVICE_NAME,
          streams: { replicas: config.JETSTREAM_REPLICAS, maxAgeHours: config.EVENTS_MAX_AGE_HOURS },
        }),
        OutboxModule.forService({ pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS }),
        HealthModule,
        NamespacesModule,
        ImageStreamsModule.register({ internal: config.REGISTRY_HOSTNAME, public: config.PUBLIC_REGISTRY_HOSTNAME || undefined }),
      ],
    };
  }
}
