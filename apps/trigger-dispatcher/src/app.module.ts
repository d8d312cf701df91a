import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { platformModules } from '@imagestreams/platform-bootstrap';
import { OutboxModule } from '@imagestreams/platform-messaging';
import { SecretKeyRing, SecretsModule } from '@imagestreams/platform-secrets';
import type { DataSource } from 'typeorm';
import { DeliveryLogPruner } from './deliveries/delivery-log-retention';
import { webhookAddressPolicy, webhookDispatcher } from './deliveries/webhook-address-policy';
import { DeliveriesModule } from './deliveries/deliveries.module';
import { TRIGGER_MIGRATIONS } from './migrations';
import { SIGNING_SECRETS_TABLE } from './subscriptions/signing-secrets';
import { WorkloadsModule } from './workloads/workloads.module';
import { SubscriptionsModule } from './subscriptions/subscriptions.module';
import { WEBHOOK_ADDRESS_POLICY, WEBHOOK_DEFAULTS } from './subscriptions/webhook-defaults';
import type { TriggerDispatcherConfig } from './trigger-dispatcher.config';

export const SERVICE_NAME = 'trigger-dispatcher';

@Module({})
export class AppModule {
  static register(config: TriggerDispatcherConfig): DynamicModule {
    const addressPolicy = webhookAddressPolicy(config);
    const keyRing = SecretKeyRing.fromConfig(config.SECRETS_ENCRYPTION_KEY, config.SECRETS_ENCRYPTION_PREVIOUS_KEYS, config.DATABASE_URL);
    if (keyRing.derived) new Logger('TriggerDispatcher').warn('SECRETS_ENCRYPTION_KEY is not set: webhook signing secrets are sealed with a key derived from DATABASE_URL (set a random 32-byte key in production)');
    return {
      module: AppModule,
      global: true,
      imports: [
        ...platformModules({
          serviceName: SERVICE_NAME,
          config,
          // Deliveries and their attempts grow by thousands of rows a second from an empty table.
          database: { schema: 'trigger', migrations: TRIGGER_MIGRATIONS, customPlans: true },
        }),
        OutboxModule.forService(),
        SecretsModule.forService({ keyRing, tables: [SIGNING_SECRETS_TABLE] }),
        SubscriptionsModule,
        WorkloadsModule,
        DeliveriesModule.register({
          maxConcurrency: config.WEBHOOK_MAX_CONCURRENCY,
          pollIntervalMs: config.WEBHOOK_POLL_INTERVAL_MS,
          leaseGraceMs: config.WEBHOOK_LEASE_GRACE_MS,
          maxConcurrencyPerTarget: config.WEBHOOK_MAX_CONCURRENCY_PER_TARGET,
          disableAfterFailures: config.WEBHOOK_DISABLE_AFTER_FAILURES,
          dispatcher: webhookDispatcher(addressPolicy),
        }),
      ],
      providers: [
        { provide: WEBHOOK_DEFAULTS, useValue: { timeoutSeconds: config.WEBHOOK_DEFAULT_TIMEOUT_SECONDS, secretRotationGraceSeconds: config.WEBHOOK_SECRET_ROTATION_GRACE_SECONDS } },
        { provide: WEBHOOK_ADDRESS_POLICY, useValue: addressPolicy },
        ...(config.WEBHOOK_DELIVERY_RETENTION_HOURS > 0
          ? [{ provide: DeliveryLogPruner, useFactory: (dataSource: DataSource) => new DeliveryLogPruner(dataSource, config.WEBHOOK_DELIVERY_RETENTION_HOURS * 3_600_000), inject: [getDataSourceToken()] }]
          : []),
      ],
      exports: [WEBHOOK_DEFAULTS, WEBHOOK_ADDRESS_POLICY],
    };
  }
}
