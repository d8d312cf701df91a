import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { platformModules } from '@imagestreams/platform-bootstrap';
import { OutboxModule } from '@imagestreams/platform-messaging';
import { ImportsModule } from './imports/imports.module';
import type { ImporterConfig } from './importer.config';
import { CreateImporterSchema1764201800000 } from './migrations/1764201800000-create-importer-schema';
import { ImportSchedulesAndSecrets1764300100000 } from './migrations/1764300100000-import-schedules-and-secrets';
import { SecretSealer } from './secrets/secret-sealer';

export const SERVICE_NAME = 'importer';

/** `name=secret,name2=secret2` → map; malformed entries are a configuration error. */
function notificationEndpoints(text: string): Map<string, string> {
  const endpoints = new Map<string, string>();
  for (const entry of text.split(',').map((part) => part.trim()).filter(Boolean)) {
    const equals = entry.indexOf('=');
    if (equals <= 0 || equals === entry.length - 1) throw new Error(`IMPORT_NOTIFICATION_ENDPOINTS: "${entry}" is not name=secret`);
    endpoints.set(entry.slice(0, equals), entry.slice(equals + 1));
  }
  return endpoints;
}

@Module({})
export class AppModule {
  static register(config: ImporterConfig): DynamicModule {
    const { sealer, derived } = SecretSealer.fromConfig(config.SECRETS_ENCRYPTION_KEY, config.DATABASE_URL);
    if (derived) new Logger('Importer').warn('SECRETS_ENCRYPTION_KEY is not set: registry credentials are sealed with a key derived from DATABASE_URL (set a random 32-byte key in production)');
    return {
      module: AppModule,
      imports: [
        ...platformModules({
          serviceName: SERVICE_NAME,
          config,
          database: { schema: 'importer', migrations: [CreateImporterSchema1764201800000, ImportSchedulesAndSecrets1764300100000] },
        }),
        OutboxModule.forService(),
        ImportsModule.register({
          sealer,
          settings: {
            defaultArch: config.IMPORT_DEFAULT_ARCH,
            defaultOs: config.IMPORT_DEFAULT_OS,
            defaultMode: config.IMPORT_DEFAULT_MODE,
            bulkLimit: config.IMPORT_BULK_LIMIT,
            registryConcurrency: config.IMPORT_REGISTRY_CONCURRENCY,
            notificationEndpoints: notificationEndpoints(config.IMPORT_NOTIFICATION_ENDPOINTS),
            schedule: {
              disabled: config.IMPORT_SCHEDULING_DISABLED,
              intervalMs: config.IMPORT_SCHEDULE_INTERVAL_SECONDS * 1000,
              minimumIntervalMs: config.IMPORT_SCHEDULE_MINIMUM_INTERVAL_SECONDS * 1000,
              jitter: config.IMPORT_SCHEDULE_JITTER,
              maxPerMinute: config.IMPORT_MAX_PER_MINUTE,
              leaseMs: config.IMPORT_LEASE_SECONDS * 1000,
              tickMs: config.IMPORT_SCHEDULER_TICK_MS,
              batch: config.IMPORT_SCHEDULER_BATCH,
            },
          },
          client: {
            timeoutMs: config.IMPORT_TIMEOUT_MS,
            maxManifestBytes: 4 * 1024 * 1024,
            maxConfigBytes: 8 * 1024 * 1024,
            retries: config.IMPORT_RETRIES,
            retryBaseMs: 200,
            retryMaxMs: 5000,
            addressPolicy: {
              allowLoopback: config.IMPORT_ALLOW_LOOPBACK,
              allowPrivate: config.IMPORT_ALLOW_PRIVATE,
              allowedCidrs: config.IMPORT_ALLOWED_CIDRS.split(',').map((cidr) => cidr.trim()).filter(Boolean),
            },
            userAgent: 'imagestreams-importer',
          },
        }),
      ],
    };
  }
}
