import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { HealthCheckService, TypeOrmHealthIndicator, type HealthIndicatorFunction } from '@nestjs/terminus';
import { NatsHealthIndicator } from './nats.health';

export const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');

export interface HealthOptions {
  /** Whether readiness includes a Postgres ping (false for services without a schema). */
  database: boolean;
}

@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly nats: NatsHealthIndicator,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(HEALTH_OPTIONS) private readonly options: HealthOptions,
  ) {}

  /** Liveness: the process answers; dependencies are readiness's business. */
  @Get('healthz')
  healthz() {
    return { status: 'ok' };
  }

  /**
   * Readiness: every dependency reachable; 503 with terminus's body otherwise. Replied by hand
   * rather than thrown, so an app's own exception filter (the gateway turns every error into a
   * Kubernetes Status) never rewrites what probes and dashboards read.
   */
  @Get('readyz')
  async readyz(@Res() response: unknown): Promise<void> {
    const checks: HealthIndicatorFunction[] = [() => this.nats.check('nats')];
    if (this.options.database) checks.unshift(() => this.database.pingCheck('database', { timeout: 1_000 }));
    const [code, body] = await this.health.check(checks).then(
      (result) => [200, result] as const,
      (error: unknown) => {
        if (error instanceof ServiceUnavailableException) return [503, error.getResponse()] as const;
        throw error;
      },
    );
    this.adapterHost.httpAdapter.reply(response, body, code);
  }
}
