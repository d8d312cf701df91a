export * from './logging.module';
export * from './health.module';
export * from './metrics/metric-registry';
export * from './metrics/metrics.module';
export * from './tracing/tracing';
export * from './tracing/tracing.module';
export * from './http-instrumentation';
export * from './secret-paths';
