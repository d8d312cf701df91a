import type { BlobStore } from './blob-store';
import type { S3ConnectionSettings } from './s3-blob-store';

export interface S3BlobStoreSettings extends S3ConnectionSettings {
  bucket: string;
  partSize?: number;
}

/**
 * The S3 driver, loaded on demand: the AWS SDK adds about 20 MB to every process that imports it,
 * and a gateway storing blobs on the filesystem should not pay for it.
 */
export function openS3BlobStore(settings: S3BlobStoreSettings): BlobStore {
  const { S3BlobStore, createS3Client } = require('./s3-blob-store') as typeof import('./s3-blob-store');
  return new S3BlobStore({ client: createS3Client(settings), bucket: settings.bucket, ...(settings.partSize ? { partSize: settings.partSize } : {}) });
}
