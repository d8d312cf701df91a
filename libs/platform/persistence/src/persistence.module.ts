import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { openServiceDataSource, serviceDataSourceOptions, type ServiceDatabaseOptions } from './service-data-source';

/**
 * One TypeORM DataSource per service, bound to the service's schema, migrated before the
 * service starts taking work. TypeOrmModule closes it on application shutdown.
 */
@Module({})
export class PersistenceModule {
  static forService(options: ServiceDatabaseOptions): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => serviceDataSourceOptions(options),
          dataSourceFactory: async () => openServiceDataSource(options),
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}
