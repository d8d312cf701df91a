import { type DynamicModule, Module } from '@nestjs/common';
import { platformModules } from '@imagestreams/platform-bootstrap';
import { OutboxModule } from '@imagestreams/platform-messaging';
import { CreateTemplateSchema1764201900000 } from './migrations/1764201900000-create-template-schema';
import { CreateTemplates1764500000000 } from './migrations/1764500000000-create-templates';
import { CreateTemplateInstances1764650000000 } from './migrations/1764650000000-create-template-instances';
import { CreateSamplesConfig1764700000000 } from './migrations/1764700000000-create-samples-config';
import { TemplateWatchLog1764800300000 } from './migrations/1764800300000-template-watch-log';
import { NamespaceDeletionsModule } from './namespace-deletions/namespace-deletions.module';
import { SamplesModule } from './samples/samples.module';
import { architectureOfProcess } from './samples/samples-settings';
import type { TemplateServiceConfig } from './template-service.config';
import { TemplatesModule } from './templates/templates.module';
import { TemplateInstancesModule } from './template-instances/template-instances.module';
import { TemplateWatchModule } from './watch/template-watch.module';

export const SERVICE_NAME = 'template-service';

/** Templates and processing (`template.openshift.io/v1`); template instances and the samples catalog come next. */
@Module({})
export class AppModule {
  static register(config: TemplateServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...platformModules({ serviceName: SERVICE_NAME, config, database: { schema: 'template', migrations: [CreateTemplateSchema1764201900000, CreateTemplates1764500000000, CreateTemplateInstances1764650000000, CreateSamplesConfig1764700000000, TemplateWatchLog1764800300000] } }),
        OutboxModule.forService(),
        TemplateWatchModule.register({ retentionMs: config.WATCH_RETENTION_MINUTES * 60_000 }),
        TemplatesModule,
        TemplateInstancesModule,
        NamespaceDeletionsModule,
        SamplesModule.register({
          enabled: config.SAMPLES_ENABLED,
          namespace: config.SAMPLES_NAMESPACE,
          intervalMs: config.SAMPLES_RECONCILE_INTERVAL_SECONDS * 1000,
          defaultArchitecture: architectureOfProcess(),
        }),
      ],
    };
  }
}
