export * from './blob-store';
export * from './digest';
export * from './errors';
export * from './filesystem-blob-store';
export * from './garbage-collect';
export * from './s3-blob-store';
