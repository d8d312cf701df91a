import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { platformModules } from '@imagestreams/platform-bootstrap';
import { OutboxModule } from '@imagestreams/platform-messaging';
import { SecretKeyRing, SecretsModule } from '@imagestreams/platform-secrets';
import { importsOptions } from './imports/imports-options';
import { ImportsModule } from './imports/imports.module';
import type { ImporterConfig } from './importer.config';
import { CreateImporterSchema1764201800000 } from './migrations/1764201800000-create-importer-schema';
import { ImportSchedulesAndSecrets1764300100000 } from './migrations/1764300100000-import-schedules-and-secrets';
import { NamespaceDeletionsModule } from './namespace-deletions/namespace-deletions.module';
import { REGISTRY_SECRETS_TABLE } from './secrets/registry-secrets.repository';

export const SERVICE_NAME = 'importer';

@Module({})
export class AppModule {
  static register(config: ImporterConfig): DynamicModule {
    const sealer = SecretKeyRing.fromConfig(config.SECRETS_ENCRYPTION_KEY, config.SECRETS_ENCRYPTION_PREVIOUS_KEYS, config.DATABASE_URL);
    if (sealer.derived) new Logger('Importer').warn('SECRETS_ENCRYPTION_KEY is not set: registry credentials are sealed with a key derived from DATABASE_URL (set a random 32-byte key in production)');
    return {
      module: AppModule,
      imports: [
        ...platformModules({
          serviceName: SERVICE_NAME,
          config,
          database: { schema: 'importer', migrations: [CreateImporterSchema1764201800000, ImportSchedulesAndSecrets1764300100000] },
        }),
        OutboxModule.forService(),
        SecretsModule.forService({ keyRing: sealer, tables: [REGISTRY_SECRETS_TABLE] }),
        ImportsModule.register({ sealer, ...importsOptions(config) }),
        NamespaceDeletionsModule,
      ],
    };
  }
}
