import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { MessagingModule } from '@imagestreams/platform-messaging';
import { LoggingModule } from '@imagestreams/platform-observability';
import { HealthController } from './health/health.controller';
import { RouteCatalog } from './http/route-catalog';
import { ImageStreamMappingsController } from './image-streams/image-stream-mappings.controller';
import { ImageStreamsController } from './image-streams/image-streams.controller';
import { NamespacesController } from './namespaces/namespaces.controller';
import type { RegistryGatewayConfig } from './registry-gateway.config';
import { WebhookSubscriptionsController } from './webhook-subscriptions/webhook-subscriptions.controller';

export const SERVICE_NAME = 'registry-gateway';

/**
 * No PersistenceModule (the gateway has no schema yet) and so no platform HealthModule, whose
 * readiness pings a database: the gateway's own HealthController checks NATS only.
 */
@Module({})
export class AppModule {
  static register(config: RegistryGatewayConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        LoggingModule.forService({ serviceName: SERVICE_NAME, level: config.LOG_LEVEL }),
        MessagingModule.forService({
          natsUrl: config.NATS_URL,
          serviceName: SERVICE_NAME,
          requestTimeoutMs: config.NATS_REQUEST_TIMEOUT_MS,
          streams: { replicas: config.JETSTREAM_REPLICAS, maxAgeHours: config.EVENTS_MAX_AGE_HOURS },
        }),
        // Lets RouteCatalog list the routes so a known path with a wrong verb answers 405, not 404.
        DiscoveryModule,
      ],
      controllers: [HealthController, NamespacesController, ImageStreamsController, ImageStreamMappingsController, WebhookSubscriptionsController],
      providers: [RouteCatalog],
    };
  }
}
