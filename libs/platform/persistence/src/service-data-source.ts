import { DataSource, type DataSourceOptions, type MixedList, type EntitySchema } from 'typeorm';

export interface ServiceDatabaseOptions {
  url: string;
  /** The service's own Postgres schema: a service reads and writes only this schema. */
  schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
  poolSize?: number;
  applicationName?: string;
  /**
   * Plan every execution with its own values (`plan_cache_mode = force_custom_plan`), prepared
   * statements and PL/pgSQL functions included. For a service whose tables start empty and grow by
   * thousands of rows a second: after five executions Postgres may keep a generic plan for good, and
   * one made while a table was nearly empty hashes a sequential scan of it (measured: 17 ms instead
   * of 0.5 ms per batch once the table held 90,000 rows). Nothing replaces it until statistics
   * change, which never happens on a server running without autovacuum. Statements are still parsed once.
   */
  customPlans?: boolean;
}

export function serviceDataSourceOptions(options: ServiceDatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: options.url,
    schema: options.schema,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    // Schema changes happen only through migrations (run under a lock at start-up), never by diffing entities.
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    extra: {
      max: options.poolSize ?? 20,
      application_name: options.applicationName ?? options.schema,
      // Unqualified names in migrations and queries resolve to the service's own schema only.
      options: `-c search_path=${quoteIdentifier(options.schema)}${options.customPlans ? ' -c plan_cache_mode=force_custom_plan' : ''}`,
    },
  };
}

function quoteIdentifier(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/**
 * Creates the schema if needed and applies pending migrations. TypeORM neither creates the
 * schema its migrations table lives in nor guards against two replicas migrating at once, so
 * both are done here under a Postgres advisory lock keyed by the schema name.
 */
export async function migrateServiceSchema(dataSource: DataSource, schema: string): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`imagestreams-migrations:${schema}`]);
    try {
      await runner.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((migration) => migration.name);
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [`imagestreams-migrations:${schema}`]);
    }
  } finally {
    await runner.release();
  }
}

export async function openServiceDataSource(options: ServiceDatabaseOptions): Promise<DataSource> {
  const dataSource = new DataSource(serviceDataSourceOptions(options));
  await dataSource.initialize();
  try {
    await migrateServiceSchema(dataSource, options.schema);
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
  return dataSource;
}
