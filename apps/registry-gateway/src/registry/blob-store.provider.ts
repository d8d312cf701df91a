import type { Provider } from '@nestjs/common';
import { allowThreadSends, FilesystemBlobStore, openS3BlobStore, type BlobStore } from '@imagestreams/platform-blob-storage';
import { resolve } from 'node:path';
import type { RegistryGatewayConfig } from '../registry-gateway.config';

export const BLOB_STORE = Symbol('BLOB_STORE');

/** The settings that choose and reach the blob store. */
export type BlobStoreSettings = Pick<
  RegistryGatewayConfig,
  'BLOB_STORE' | 'S3_ENDPOINT' | 'S3_BUCKET' | 'S3_REGION' | 'S3_ACCESS_KEY_ID' | 'S3_SECRET_ACCESS_KEY' | 'S3_FORCE_PATH_STYLE' | 'BLOB_SEND_THREADS'
>;

/** The blob store BLOB_STORE names: the filesystem driver under DATA_DIR, or an S3-compatible bucket. */
export function blobStoreProvider(dataDir: string, settings: BlobStoreSettings): Provider<BlobStore> {
  return { provide: BLOB_STORE, useFactory: () => createBlobStore(dataDir, settings) };
}

export function createBlobStore(dataDir: string, settings: BlobStoreSettings): BlobStore {
  // How a blob's bytes reach a client is the process's choice, made with its store.
  allowThreadSends(settings.BLOB_SEND_THREADS);
  if (settings.BLOB_STORE !== 's3') return new FilesystemBlobStore(resolve(dataDir, 'registry'));
  return openS3BlobStore({
    bucket: settings.S3_BUCKET,
    endpoint: settings.S3_ENDPOINT || undefined,
    region: settings.S3_REGION,
    accessKeyId: settings.S3_ACCESS_KEY_ID || undefined,
    secretAccessKey: settings.S3_SECRET_ACCESS_KEY || undefined,
    forcePathStyle: settings.S3_FORCE_PATH_STYLE,
  });
}
