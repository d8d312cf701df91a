import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { InjectNatsConnection } from '@imagestreams/platform-messaging';
import type { NatsConnection } from 'nats';

/** Ready only when the NATS server answers a round trip within the timeout. */
@Injectable()
export class NatsHealthIndicator {
  constructor(
    @InjectNatsConnection() private readonly connection: NatsConnection,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async check(key: string, timeoutMs = 1_000) {
    const indicator = this.indicators.check(key);
    if (this.connection.isClosed()) return indicator.down({ message: 'connection closed' });
    let timer: NodeJS.Timeout | undefined;
    try {
      const rtt = await Promise.race([
        this.connection.rtt(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return indicator.up({ rttMs: rtt });
    } catch (error) {
      return indicator.down({ message: (error as Error).message });
    } finally {
      clearTimeout(timer);
    }
  }
}
