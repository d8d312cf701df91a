import { type DynamicModule, Module } from '@nestjs/common';
import { platformModules } from '@imagestreams/platform-bootstrap';
import { DeliveriesModule } from './deliveries/deliveries.module';
import { CreateTriggerSchema1764201700000 } from './migrations/1764201700000-create-trigger-schema';
import { SubscriptionsModule } from './subscriptions/subscriptions.module';
import { WEBHOOK_DEFAULTS } from './subscriptions/webhook-defaults';
import type { TriggerDispatcherConfig } from './trigger-dispatcher.config';

export const SERVICE_NAME = 'trigger-dispatcher';

@Module({})
export class AppModule {
  static register(config: TriggerDispatcherConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        ...platformModules({ serviceName: SERVICE_NAME, config, database: { schema: 'trigger', migrations: [CreateTriggerSchema1764201700000] } }),
        SubscriptionsModule,
        DeliveriesModule.register({
          maxConcurrency: config.WEBHOOK_MAX_CONCURRENCY,
          pollIntervalMs: config.WEBHOOK_POLL_INTERVAL_MS,
          leaseGraceMs: config.WEBHOOK_LEASE_GRACE_MS,
        }),
      ],
      providers: [{ provide: WEBHOOK_DEFAULTS, useValue: { timeoutSeconds: config.WEBHOOK_DEFAULT_TIMEOUT_SECONDS } }],
      exports: [WEBHOOK_DEFAULTS],
    };
  }
}
