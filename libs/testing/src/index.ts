export * from './real-services';
export * from './webhook-receiver';
export * from './docker-registry';
export * from './s3-server';
export * from './access-token';
export * from './metrics-text';
