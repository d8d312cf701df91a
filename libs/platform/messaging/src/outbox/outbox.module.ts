import { type BeforeApplicationShutdown, type DynamicModule, Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { publishEventBytes } from '../jetstream/event-publisher';
import { NATS_CONNECTION } from '../nats-connection';
import { registerOutboxBacklog } from '../telemetry/messaging-metrics';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';

@Injectable()
class OutboxRelayLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private unregisterBacklog: (() => void) | undefined;

  constructor(private readonly relay: OutboxRelay) {}

  onApplicationBootstrap(): void {
    this.relay.start();
    // The backlog gauges on /metrics read this outbox on every scrape.
    this.unregisterBacklog = registerOutboxBacklog(() => this.relay.backlog());
  }

  /** Before the NATS connection drains, so the pass in progress can still publish. */
  async beforeApplicationShutdown(): Promise<void> {
    this.unregisterBacklog?.();
    await this.relay.stop();
  }
}

@Module({})
export class OutboxModule {
  static forService(options: OutboxRelayOptions = {}): DynamicModule {
    return {
      module: OutboxModule,
      // Any use case that writes outbox rows may kick the relay.
      global: true,
      providers: [
        {
          provide: OutboxRelay,
          useFactory: (dataSource: DataSource, connection: NatsConnection) => {
            const js = connection.jetstream();
            return new OutboxRelay(dataSource, (subject, payload, id) => publishEventBytes(js, subject, payload, id), options);
          },
          inject: [getDataSourceToken(), NATS_CONNECTION],
        },
        OutboxRelayLifecycle,
      ],
      exports: [OutboxRelay],
    };
  }
}
