import type { ExternalRegistryConfig } from '@imagestreams/platform-config';
import type { RegistryClientOptions } from './registry-client';

const MIB = 1024 * 1024;

/** The client as a service's external-registry settings describe it (the importer's imports, the gateway's pull-through). */
export function registryClientOptionsFrom(config: ExternalRegistryConfig, userAgent: string): RegistryClientOptions {
  return {
    timeoutMs: config.IMPORT_TIMEOUT_MS,
    maxManifestBytes: 4 * MIB,
    maxConfigBytes: 8 * MIB,
    retries: config.IMPORT_RETRIES,
    retryBaseMs: 200,
    retryMaxMs: 5000,
    addressPolicy: {
      allowLoopback: config.IMPORT_ALLOW_LOOPBACK,
      allowPrivate: config.IMPORT_ALLOW_PRIVATE,
      allowedCidrs: config.IMPORT_ALLOWED_CIDRS.split(',')
        .map((cidr) => cidr.trim())
        .filter(Boolean),
    },
    userAgent,
  };
}
