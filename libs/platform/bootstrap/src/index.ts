export * from './run-service';
export * from './graceful-shutdown';
