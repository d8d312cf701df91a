import { type DynamicModule, Module } from '@nestjs/common';
import { RegistryClient, type RegistryClientOptions } from '@imagestreams/platform-registry-client';
import { RegistryAccess } from './auth/registry-access';
import { REGISTRY_AUTH_SETTINGS, type RegistryAuthSettings } from './auth/registry-auth-settings';
import { RegistryTokenKeysRepository } from './auth/registry-token-keys.repository';
import { RegistryTokens } from './auth/registry-tokens';
import { blobStoreProvider, type BlobStoreSettings } from './blob-store.provider';
import { BlobUploads } from './blob-uploads';
import { Blobs } from './blobs';
import { Discovery } from './discovery';
import { Manifests } from './manifests';
import { PULL_THROUGH_CLIENT, PullThrough } from './pull-through';
import { RegistryRecordsRepository } from './registry-records.repository';
import { RepositoryCleanupListener } from './repository-cleanup.listener';
import { UPLOAD_JANITOR_SETTINGS, UploadJanitor, type UploadJanitorSettings } from './upload-janitor';
import { UploadSessions } from './upload-sessions';

export interface RegistrySettings {
  dataDir: string;
  blobStore: BlobStoreSettings;
  uploads: UploadJanitorSettings;
  /** Who may do what is AccessControl's (AccessModule); this is how `/v2` challenges and mints its own tokens. */
  auth: RegistryAuthSettings;
  /** The client pull-through fetches with; undefined turns pull-through off. */
  pullThrough?: RegistryClientOptions;
}

/** The integrated registry (OCI Distribution API); its HTTP side is registryRouter, mounted at `/v2`. */
@Module({})
export class RegistryModule {
  static register(settings: RegistrySettings): DynamicModule {
    return {
      module: RegistryModule,
      controllers: [RepositoryCleanupListener],
      providers: [
        blobStoreProvider(settings.dataDir, settings.blobStore),
        { provide: UPLOAD_JANITOR_SETTINGS, useValue: settings.uploads },
        { provide: REGISTRY_AUTH_SETTINGS, useValue: settings.auth },
        { provide: PULL_THROUGH_CLIENT, useFactory: () => (settings.pullThrough ? new RegistryClient(settings.pullThrough) : null) },
        PullThrough,
        RegistryTokenKeysRepository,
        RegistryTokens,
        RegistryAccess,
        RegistryRecordsRepository,
        Blobs,
        UploadSessions,
        BlobUploads,
        Manifests,
        Discovery,
        UploadJanitor,
      ],
      exports: [Blobs, BlobUploads, Manifests, Discovery, RegistryRecordsRepository, RegistryAccess, RegistryTokens, REGISTRY_AUTH_SETTINGS],
    };
  }
}
