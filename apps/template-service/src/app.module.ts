import { type DynamicModule, Module } from '@nestjs/common';
import { platformModules } from '@imagestreams/platform-bootstrap';
import { OutboxModule } from '@imagestreams/platform-messaging';
import { CreateTemplateSchema1764201900000 } from './migrations/1764201900000-create-template-schema';
import type { TemplateServiceConfig } from './template-service.config';

export const SERVICE_NAME = 'template-service';

/** Platform wiring only so far: templates and the samples catalog are the templates issue's work. */
@Module({})
export class AppModule {
  static register(config: TemplateServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...platformModules({ serviceName: SERVICE_NAME, config, database: { schema: 'template', migrations: [CreateTemplateSchema1764201900000] } }),
        OutboxModule.forService(),
      ],
    };
  }
}
