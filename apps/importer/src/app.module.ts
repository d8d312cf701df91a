import { type DynamicModule, Module } from '@nestjs/common';
import { platformModules } from '@imagestreams/platform-bootstrap';
import { OutboxModule } from '@imagestreams/platform-messaging';
import type { ImporterConfig } from './importer.config';
import { CreateImporterSchema1764201800000 } from './migrations/1764201800000-create-importer-schema';

export const SERVICE_NAME = 'importer';

/** Platform wiring only so far: imports from external registries are the importer issue's work. */
@Module({})
export class AppModule {
  static register(config: ImporterConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...platformModules({ serviceName: SERVICE_NAME, config, database: { schema: 'importer', migrations: [CreateImporterSchema1764201800000] } }),
        OutboxModule.forService(),
      ],
    };
  }
}
