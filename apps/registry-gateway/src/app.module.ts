import { type DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { platformModules } from '@imagestreams/platform-bootstrap';
import { registryClientOptionsFrom } from '@imagestreams/platform-registry-client';
import { AccessModule } from './access/access.module';
import { AuditModule } from './access/audit/audit.module';
import { RbacModule } from './access/rbac/rbac.module';
import { ApiDiscovery } from './discovery/api-discovery';
import { DiscoveryController } from './discovery/discovery.controller';
import { RouteCatalog } from './http/route-catalog';
import { ResourceWatcher } from './watch/resource-watcher';
import { ImageStreamMappingsController } from './image-streams/image-stream-mappings.controller';
import { ImageStreamTagsController } from './image-streams/image-stream-tags.controller';
import { ImageStreamsController } from './image-streams/image-streams.controller';
import { StreamCopies } from './image-streams/stream-copies';
import { ImageStreamImagesController } from './images/image-stream-images.controller';
import { ImagesController } from './images/images.controller';
import { ImageStreamImportsController } from './imports/image-stream-imports.controller';
import { RegistryNotificationsController } from './imports/registry-notifications.controller';
import { ImageStreamSecretsController, SecretsController } from './imports/secrets.controller';
import { CreateRegistrySchema1764300000000 } from './migrations/1764300000000-create-registry-schema';
import { CreateIdentities1764800000000 } from './migrations/1764800000000-create-identities';
import { CreateRbacAndAudit1764800100000 } from './migrations/1764800100000-create-rbac-and-audit';
import { CreateRegistryTokenKeys1764800200000 } from './migrations/1764800200000-create-registry-token-keys';
import { DropUploadSessionRows1765400000000 } from './migrations/1765400000000-drop-upload-session-rows';
import { RecordPullThroughOrigins1765500000000 } from './migrations/1765500000000-record-pull-through-origins';
import { NamespacesController } from './namespaces/namespaces.controller';
import type { RegistryGatewayConfig } from './registry-gateway.config';
import { RegistryModule } from './registry/registry.module';
import { SamplesConfigController } from './samples/samples-config.controller';
import { WebhookSubscriptionsController } from './webhook-subscriptions/webhook-subscriptions.controller';
import { TemplatesController } from './templates/templates.controller';
import { TemplateInstancesController } from './templates/template-instances.controller';
import { BuildWebhooksController } from './workloads/build-webhooks.controller';
import { BuildsController } from './workloads/builds.controller';
import { TagMoveDryRunsController } from './workloads/tag-move-dry-runs.controller';
import { WORKLOAD_CONTROLLERS } from './workloads/workloads.controller';

export const SERVICE_NAME = 'registry-gateway';

export interface GatewayParts {
  /** The `/v2` registry and its schema. Controller specs of `/apis` leave it out (no database needed). */
  registry: boolean;
}

@Module({})
export class AppModule {
  static register(config: RegistryGatewayConfig, parts: GatewayParts = { registry: true }): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...platformModules({
          serviceName: SERVICE_NAME,
          config,
          requestTimeoutMs: config.NATS_REQUEST_TIMEOUT_MS,
          ...(parts.registry ? { database: { schema: 'registry', customPlans: true, migrations: [CreateRegistrySchema1764300000000, CreateIdentities1764800000000, CreateRbacAndAudit1764800100000, CreateRegistryTokenKeys1764800200000, DropUploadSessionRows1765400000000, RecordPullThroughOrigins1765500000000] } } : {}),
        }),
        // Lets RouteCatalog list the routes so a known path with a wrong verb answers 405, not 404.
        DiscoveryModule,
        ...(parts.registry
          ? [
              RegistryModule.register({
                dataDir: config.DATA_DIR,
                blobStore: config,
                uploads: { maxAgeMs: config.UPLOAD_MAX_AGE_SECONDS * 1000, intervalMs: config.UPLOAD_CLEANUP_INTERVAL_SECONDS * 1000 },
                auth: { tokenKey: config.REGISTRY_TOKEN_KEY, tokenTtlSeconds: config.REGISTRY_TOKEN_TTL_SECONDS, service: config.REGISTRY_AUTH_SERVICE, realm: config.REGISTRY_TOKEN_REALM },
                pullThrough: config.PULL_THROUGH ? registryClientOptionsFrom(config, 'imagestreams-registry-pull-through') : undefined,
              }),
              // Identities and the access check; its tables are in the gateway's schema, so it comes with the database.
              AccessModule.register({ enabled: config.AUTHORIZATION === 'enabled', bootstrapAdminToken: config.BOOTSTRAP_ADMIN_TOKEN }),
              // RBAC objects (the policy AccessControl reads) and the audit trail; their tables are in the gateway's schema too.
              RbacModule,
              AuditModule.register({ retentionDays: config.AUDIT_RETENTION_DAYS, pruneIntervalMs: config.AUDIT_PRUNE_INTERVAL_SECONDS * 1000 }),
            ]
          : []),
      ],
      controllers: [
        NamespacesController,
        ImageStreamsController,
        ImageStreamTagsController,
        ImageStreamMappingsController,
        WebhookSubscriptionsController,
        TemplatesController,
        SamplesConfigController,
        TemplateInstancesController,
        ...WORKLOAD_CONTROLLERS,
        BuildsController,
        BuildWebhooksController,
        TagMoveDryRunsController,
        ImagesController,
        ImageStreamImagesController,
        ImageStreamImportsController,
        ImageStreamSecretsController,
        SecretsController,
        RegistryNotificationsController,
        DiscoveryController,
      ],
      providers: [RouteCatalog, ResourceWatcher, ApiDiscovery, StreamCopies],
    };
  }
}
