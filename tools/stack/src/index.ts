// Public API of the local stack launcher: used by `npm start` (tools/stack/start.ts) and by
// end-to-end tests that need real services, Postgres and NATS.
export { describeExit, type ExitInfo } from './child-lifecycle';
export * from './ensure-nats';
export * from './ensure-postgres';
export * from './free-port';
export * from './nats-cluster';
export * from './repo-root';
export * from './service-log-file';
export * from './service-process';
export * from './services';
export * from './stack';
export * from './wait-for';
export { probePostgres, redactUrl } from './postgres-admin';
export { canConnectToNats, findNatsServerBinary } from './nats-server';
