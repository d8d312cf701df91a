import type { Provider } from '@nestjs/common';
import { FilesystemBlobStore, type BlobStore } from '@imagestreams/platform-blob-storage';
import { resolve } from 'node:path';

export const BLOB_STORE = Symbol('BLOB_STORE');

/** The filesystem driver under DATA_DIR; another driver (S3) would be chosen here. */
export function blobStoreProvider(dataDir: string): Provider<BlobStore> {
  return { provide: BLOB_STORE, useFactory: () => new FilesystemBlobStore(resolve(dataDir, 'registry')) };
}
