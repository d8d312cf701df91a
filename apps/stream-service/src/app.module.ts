import { type DynamicModule, Module } from '@nestjs/common';
import { OutboxModule } from '@imagestreams/platform-messaging';
import { platformModules } from '@imagestreams/platform-bootstrap';
import { ImageStreamsModule } from './image-streams/image-streams.module';
import { ImagesModule } from './images/images.module';
import { CreateStreamSchema1764201600000 } from './migrations/1764201600000-create-stream-schema';
import { ImageLayersAndManifests1764202000000 } from './migrations/1764202000000-image-layers-and-manifests';
import { NamespacesModule } from './namespaces/namespaces.module';
import { RegistryModule } from './registry/registry.module';
import { ImportsModule } from './imports/imports.module';
import { WatchLog1764202100000 } from './migrations/1764202100000-watch-log';
import { TagConditions1764202200000 } from './migrations/1764202200000-tag-conditions';
import type { StreamServiceConfig } from './stream-service.config';

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
        ...platformModules({ serviceName: SERVICE_NAME, config, database: { schema: 'stream', migrations: [CreateStreamSchema1764201600000, ImageLayersAndManifests1764202000000, WatchLog1764202100000, TagConditions1764202200000] } }),
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
