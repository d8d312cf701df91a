import { type DynamicModule, Global, Logger, Module } from '@nestjs/common';
import { StreamNames, StreamSubjects } from '@imagestreams/contracts';
import type { NatsConnection } from 'nats';
import { withJetStreamRetry } from './jetstream/jetstream-retry';
import { ensureEventStream } from './jetstream/provisioning';
import { connectToNats, NATS_CONNECTION, NatsConnectionLifecycle } from './nats-connection';
import { OwnerClient } from './requests/owner-client';

export interface MessagingOptions {
  natsUrl: string;
  /** Connection name shown by the NATS server; also the default queue group. */
  serviceName: string;
  requestTimeoutMs?: number;
  streams: { replicas: number; maxAgeHours: number };
}

/**
 * Every service provisions the streams it may touch; provisioning is idempotent, so order does not
 * matter, and a timeout or missing leader (a busy or electing cluster) is retried rather than fatal.
 */
async function provisionEventStreams(connection: NatsConnection, options: MessagingOptions): Promise<void> {
  const logger = new Logger('MessagingModule');
  const jsm = await withJetStreamRetry('JetStream manager', () => connection.jetstreamManager(), { onRetry: (message) => logger.warn(message) });
  for (const name of Object.values(StreamNames)) {
    await withJetStreamRetry(
      `provisioning stream ${name}`,
      () => ensureEventStream(jsm, { name, subjects: StreamSubjects[name], replicas: options.streams.replicas, maxAgeHours: options.streams.maxAgeHours }),
      { onRetry: (message) => logger.warn(message) },
    );
  }
}

@Global()
@Module({})
export class MessagingModule {
  static forService(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      providers: [
        {
          provide: NATS_CONNECTION,
          useFactory: async () => {
            const connection = await connectToNats(options.natsUrl, options.serviceName);
            await provisionEventStreams(connection, options);
            return connection;
          },
        },
        NatsConnectionLifecycle,
        {
          provide: OwnerClient,
          useFactory: (connection: NatsConnection) => new OwnerClient(connection, options.requestTimeoutMs ?? 10_000),
          inject: [NATS_CONNECTION],
        },
      ],
      exports: [NATS_CONNECTION, OwnerClient],
    };
  }
}
