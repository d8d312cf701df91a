import { type DynamicModule, Module } from '@nestjs/common';
import { startDefaultMetrics } from './metric-registry';
import { MetricsController } from './metrics.controller';

/**
 * Prometheus metrics at `GET /metrics` on the service's HTTP server, with Node's process metrics.
 * The metrics themselves are defined where they are measured (HTTP middleware, OwnerClient, the
 * outbox, the JetStream transport, the apps) and all land in the one process registry.
 */
@Module({})
export class MetricsModule {
  static forService(): DynamicModule {
    startDefaultMetrics();
    return { module: MetricsModule, controllers: [MetricsController] };
  }
}
