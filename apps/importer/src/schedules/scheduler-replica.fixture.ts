import { type DynamicModule, Module } from '@nestjs/common';
import { OwnerClient } from '@imagestreams/platform-messaging';
import { PersistenceModule } from '@imagestreams/platform-persistence';
import type { RegistryClientOptions } from '@imagestreams/platform-registry-client';
import type { SecretKeyRing } from '@imagestreams/platform-secrets';
import type { ImportSettings } from '../imports/import-settings';
import { ImportsModule } from '../imports/imports.module';
import { CreateImporterSchema1764201800000 } from '../migrations/1764201800000-create-importer-schema';
import { ImportSchedulesAndSecrets1764300100000 } from '../migrations/1764300100000-import-schedules-and-secrets';

/**
 * One importer replica for scheduler tests and benchmarks: the production modules (the service's
 * schema and migrations through PersistenceModule, ImportsModule with a real RegistryClient, so a
 * real ImportScheduler) minus NATS. Only stream-service's OwnerClient is replaced, by a recorder.
 */

export const IMPORTER_MIGRATIONS = [CreateImporterSchema1764201800000, ImportSchedulesAndSecrets1764300100000];

/** Stands in for stream-service's client: records every call and fails it. */
export class RecordingOwnerClient {
  readonly calls: { subject: string; payload: unknown }[] = [];

  async request(definition: { subject: string }, payload: unknown): Promise<never> {
    this.calls.push({ subject: definition.subject, payload });
    throw new Error(`stream-service is not reachable here (${definition.subject})`);
  }

  async requestJson(definition: { subject: string }, payload: unknown): Promise<never> {
    return this.request(definition, payload);
  }
}

/** What the global MessagingModule gives the importer, minus NATS. */
@Module({})
class RecordingMessagingModule {
  static register(owner: RecordingOwnerClient): DynamicModule {
    return { module: RecordingMessagingModule, global: true, providers: [{ provide: OwnerClient, useValue: owner }], exports: [OwnerClient] };
  }
}

export interface SchedulerReplicaOptions {
  databaseUrl: string;
  schema: string;
  /** PersistenceModule's default (20) when left out. */
  poolSize?: number;
  applicationName?: string;
  settings: ImportSettings;
  client: RegistryClientOptions;
  sealer: SecretKeyRing;
  owner: RecordingOwnerClient;
}

@Module({})
export class SchedulerReplicaModule {
  static register(options: SchedulerReplicaOptions): DynamicModule {
    return {
      module: SchedulerReplicaModule,
      imports: [
        PersistenceModule.forService({
          url: options.databaseUrl,
          schema: options.schema,
          entities: [],
          migrations: IMPORTER_MIGRATIONS,
          poolSize: options.poolSize,
          applicationName: options.applicationName,
        }),
        RecordingMessagingModule.register(options.owner),
        ImportsModule.register({ settings: options.settings, sealer: options.sealer, client: options.client }),
      ],
    };
  }
}
