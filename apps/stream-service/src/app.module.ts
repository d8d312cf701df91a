import { type DynamicModule, Module } from '@nestjs/common';
import { OutboxModule } from '@imagestreams/platform-messaging';
import { platformModules } from '@imagestreams/platform-bootstrap';
import { ImageStreamsModule } from './image-streams/image-streams.module';
import { ImagesModule } from './images/images.module';
import { NamespacesModule } from './namespaces/namespaces.module';
import { RegistryModule } from './registry/registry.module';
import { ImportsModule } from './imports/imports.module';
import type { StreamServiceConfig } from './stream-service.config';
import { STREAM_MIGRATIONS } from './migrations';

export const SERVICE_NAME = 'stream-service';

@Module({})
export class AppModule {
  static register(config: StreamServiceConfig): DynamicModule {
    const imageStreams = ImageStreamsModule.register({
      hosts: { internal: config.REGISTRY_HOSTNAME, public: config.PUBLIC_REGISTRY_HOSTNAME || undefined },
      historyLimit: config.TAG_HISTORY_LIMIT,
      watchRetentionMs: config.WATCH_RETENTION_MINUTES * 60_000,
    });
    return {
      module: AppModule,
      imports: [
        ...platformModules({ serviceName: SERVICE_NAME, config, database: { schema: 'stream', migrations: STREAM_MIGRATIONS } }),
        OutboxModule.forService({ pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS }),
        NamespacesModule,
        imageStreams,
        ImagesModule,
        RegistryModule.register(imageStreams),
        ImportsModule.register(imageStreams),
      ],
    };
  }
}
