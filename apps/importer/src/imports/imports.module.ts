import { type DynamicModule, Module } from '@nestjs/common';
import { RegistryClient, type RegistryClientOptions } from '@imagestreams/platform-registry-client';
import type { SecretKeyRing } from '@imagestreams/platform-secrets';
import { RegistryNotifications } from '../notifications/registry-notifications';
import { ImportScheduler } from '../schedules/import-scheduler';
import { ScheduledTagsRepository } from '../schedules/scheduled-tags.repository';
import { RegistrySecrets, SECRET_SEALER } from '../secrets/registry-secrets';
import { RegistrySecretsRepository } from '../secrets/registry-secrets.repository';
import { SecretsRequests } from '../secrets/secrets.requests';
import { ImageEventsListener } from './image-events.listener';
import { ImageImporter, REGISTRY_CLIENT } from './image-importer';
import { ImageStreamImports } from './image-stream-imports';
import { ImportScheduleMetrics } from './import-metrics';
import { IMPORT_SETTINGS, type ImportSettings } from './import-settings';
import { ImportsRequests } from './imports.requests';

export interface ImportsModuleOptions {
  settings: ImportSettings;
  client: RegistryClientOptions;
  sealer: SecretKeyRing;
}

@Module({})
export class ImportsModule {
  static register(options: ImportsModuleOptions): DynamicModule {
    return {
      module: ImportsModule,
      controllers: [ImportsRequests, SecretsRequests, ImageEventsListener],
      providers: [
        { provide: IMPORT_SETTINGS, useValue: options.settings },
        { provide: SECRET_SEALER, useValue: options.sealer },
        // Closed with the module so keep-alive sockets do not hold the process open.
        { provide: REGISTRY_CLIENT, useFactory: () => new RegistryClient(options.client) },
        RegistrySecretsRepository,
        RegistrySecrets,
        ScheduledTagsRepository,
        ImageImporter,
        ImageStreamImports,
        RegistryNotifications,
        ImportScheduler,
        ImportScheduleMetrics,
      ],
    };
  }
}
