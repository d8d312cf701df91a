import { type DynamicModule, Module } from '@nestjs/common';
import { platformModules } from '@imagestreams/platform-bootstrap';
import { OutboxModule } from '@imagestreams/platform-messaging';
import { CreateTemplateSchema1764201900000 } from './migrations/1764201900000-create-template-schema';
import { CreateTemplates1764500000000 } from './migrations/1764500000000-create-templates';
import type { TemplateServiceConfig } from './template-service.config';
import { TemplatesModule } from './templates/templates.module';

export const SERVICE_NAME = 'template-service';

/** Templates and processing (`template.openshift.io/v1`); template instances and the samples catalog come next. */
@Module({})
export class AppModule {
  static register(config: TemplateServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...platformModules({ serviceName: SERVICE_NAME, config, database: { schema: 'template', migrations: [CreateTemplateSchema1764201900000, CreateTemplates1764500000000] } }),
        OutboxModule.forService(),
        TemplatesModule,
      ],
    };
  }
}
