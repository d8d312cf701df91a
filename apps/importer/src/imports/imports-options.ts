import { registryClientOptionsFrom, type RegistryClientOptions } from '@imagestreams/platform-registry-client';
import type { ImporterConfig } from '../importer.config';
import type { ImportSettings } from './import-settings';

/** `name=secret,name2=secret2` → map; malformed entries are a configuration error. */
export function notificationEndpoints(text: string): Map<string, string> {
  const endpoints = new Map<string, string>();
  for (const entry of text.split(',').map((part) => part.trim()).filter(Boolean)) {
    const equals = entry.indexOf('=');
    if (equals <= 0 || equals === entry.length - 1) throw new Error(`IMPORT_NOTIFICATION_ENDPOINTS: "${entry}" is not name=secret`);
    endpoints.set(entry.slice(0, equals), entry.slice(equals + 1));
  }
  return endpoints;
}

/** The importer's configuration as the imports module and the registry client take it. */
export function importsOptions(config: ImporterConfig): { settings: ImportSettings; client: RegistryClientOptions } {
  return {
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
    client: registryClientOptionsFrom(config, 'imagestreams-importer'),
  };
}
