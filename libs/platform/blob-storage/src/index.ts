export * from './blob-file-stream';
export * from './blob-store';
export * from './digest';
export * from './errors';
export * from './filesystem-blob-store';
export * from './garbage-collect';
export type { S3BlobStoreOptions, S3ConnectionSettings } from './s3-blob-store';
export * from './s3-driver';
export { allowThreadSends, sendsFromThreads } from './send-from-thread';
