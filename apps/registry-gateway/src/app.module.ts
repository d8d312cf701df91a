import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { platformModules } from '@imagestreams/platform-bootstrap';
import { RouteCatalog } from './http/route-catalog';
import { ImageStreamWatcher } from './watch/image-stream-watcher';
import { ImageStreamMappingsController } from './image-streams/image-stream-mappings.controller';
import { ImageStreamTagsController } from './image-streams/image-stream-tags.controller';
import { ImageStreamsController } from './image-streams/image-streams.controller';
import { ImageStreamImagesController } from './images/image-stream-images.controller';
import { ImagesController } from './images/images.controller';
import { NamespacesController } from './namespaces/namespaces.controller';
import type { RegistryGatewayConfig } from './registry-gateway.config';
import { WebhookSubscriptionsController } from './webhook-subscriptions/webhook-subscriptions.controller';

export const SERVICE_NAME = 'registry-gateway';

/** No schema yet (blob storage brings one), so readiness is NATS only. */
@Module({})
export class AppModule {
  static register(config: RegistryGatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...platformModules({ serviceName: SERVICE_NAME, config, requestTimeoutMs: config.NATS_REQUEST_TIMEOUT_MS }),
        // Lets RouteCatalog list the routes so a known path with a wrong verb answers 405, not 404.
        DiscoveryModule,
      ],
      controllers: [NamespacesController, ImageStreamsController, ImageStreamTagsController, ImageStreamMappingsController, WebhookSubscriptionsController, ImagesController, ImageStreamImagesController],
      providers: [RouteCatalog, ImageStreamWatcher],
    };
  }
}
