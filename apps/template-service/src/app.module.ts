import { type DynamicModule, Module } from '@nestjs/common';
import { platformModules } from '@imagestreams/platform-bootstrap';
import { OutboxModule } from '@imagestreams/platform-messaging';
import { TEMPLATE_MIGRATIONS } from './migrations';
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
        ...platformModules({ serviceName: SERVICE_NAME, config, database: { schema: 'template', migrations: TEMPLATE_MIGRATIONS } }),
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
