export * from './secret-key-ring';
export * from './reseal-table';
export * from './secret-resealer';
export * from './secrets.module';
