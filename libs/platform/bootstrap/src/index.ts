export * from './run-service';
export * from './graceful-shutdown';
export * from './platform-modules';
