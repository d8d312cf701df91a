import { type DynamicModule, Module } from '@nestjs/common';
import { blobStoreProvider, type BlobStoreSettings } from './blob-store.provider';
import { BlobUploads } from './blob-uploads';
import { Blobs } from './blobs';
import { Discovery } from './discovery';
import { Manifests } from './manifests';
import { RegistryRecordsRepository } from './registry-records.repository';
import { RepositoryCleanupListener } from './repository-cleanup.listener';
import { UPLOAD_JANITOR_SETTINGS, UploadJanitor, type UploadJanitorSettings } from './upload-janitor';

export interface RegistrySettings {
  dataDir: string;
  blobStore: BlobStoreSettings;
  uploads: UploadJanitorSettings;
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
        RegistryRecordsRepository,
        Blobs,
        BlobUploads,
        Manifests,
        Discovery,
        UploadJanitor,
      ],
      exports: [Blobs, BlobUploads, Manifests, Discovery, RegistryRecordsRepository],
    };
  }
}
