import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HEALTH_OPTIONS, HealthController, type HealthOptions } from './health.controller';
import { NatsHealthIndicator } from './nats.health';

@Module({})
export class HealthModule {
  /** `database: false` for a service without a schema (the gateway): readiness is NATS only. */
  static forService(options: HealthOptions): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [NatsHealthIndicator, { provide: HEALTH_OPTIONS, useValue: options }],
    };
  }
}
