export * from './real-services';
export * from './webhook-receiver';
