import { Controller, Get, Res } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectNatsConnection } from '@imagestreams/platform-messaging';
import type { NatsConnection } from 'nats';

const NATS_TIMEOUT_MS = 1_000;

type Check = { status: 'up'; rttMs: number } | { status: 'down'; message: string };

/**
 * The platform HealthModule's readiness pings a database the gateway does not have, so the gateway
 * answers its own probes. Bodies keep the shape the other services' probes return (terminus), so
 * one dashboard reads them all.
 */
@Controller()
export class HealthController {
  constructor(
    @InjectNatsConnection() private readonly connection: NatsConnection,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** Liveness: the process answers; NATS is readiness's business. */
  @Get('healthz')
  healthz() {
    return { status: 'ok' };
  }

  /** Ready when NATS answers a round trip: every API call is a NATS request. 503 otherwise. */
  @Get('readyz')
  async readyz(@Res() response: unknown): Promise<void> {
    const nats = await this.natsRoundTrip();
    const up = nats.status === 'up';
    const body = { status: up ? 'ok' : 'error', info: up ? { nats } : {}, error: up ? {} : { nats }, details: { nats } };
    // Replied by hand: with a passthrough response Nest would overwrite the 503 with its default 200.
    this.adapterHost.httpAdapter.reply(response, body, up ? 200 : 503);
  }

  private async natsRoundTrip(): Promise<Check> {
    if (this.connection.isClosed()) return { status: 'down', message: 'connection closed' };
    let timer: NodeJS.Timeout | undefined;
    try {
      const rttMs = await Promise.race([
        this.connection.rtt(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${NATS_TIMEOUT_MS} ms`)), NATS_TIMEOUT_MS);
        }),
      ]);
      return { status: 'up', rttMs };
    } catch (error) {
      return { status: 'down', message: (error as Error).message };
    } finally {
      clearTimeout(timer);
    }
  }
}
