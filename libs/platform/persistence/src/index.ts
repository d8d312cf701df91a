export * from './service-data-source';
export * from './persistence.module';
export * from './resource-version';
export * from './group-rows';
export * from './micro-batcher';
export * from './returned-rows';
export * from './label-condition';
export * from './watch-log';
