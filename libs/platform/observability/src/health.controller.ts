import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { NatsHealthIndicator } from './nats.health';

@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly nats: NatsHealthIndicator,
  ) {}

  /** Liveness: the process answers; dependencies are readiness's business. */
  @Get('healthz')
  healthz() {
    return { status: 'ok' };
  }

  /** Readiness: Postgres and NATS both reachable; 503 otherwise. */
  @Get('readyz')
  @HealthCheck()
  readyz() {
    return this.health.check([() => this.database.pingCheck('database', { timeout: 1_000 }), () => this.nats.check('nats')]);
  }
}
