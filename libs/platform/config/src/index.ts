export * from './load-config';
export * from './base-service.config';
export * from './external-registry.config';
