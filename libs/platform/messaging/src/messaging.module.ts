import { type DynamicModule, Global, Module } from '@nestjs/common';
import { StreamNames, StreamSubjects } from '@imagestreams/contracts';
import type { NatsConnection } from 'nats';
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

/** Every service provisions the streams it may touch; provisioning is idempotent, so order does not matter. */
async function provisionEventStreams(connection: NatsConnection, options: MessagingOptions): Promise<void> {
  const jsm = await connection.jetstreamManager();
  for (const name of Object.values(StreamNames)) {
    await ensureEventStream(jsm, { name, subjects: StreamSubjects[name], replicas: options.streams.replicas, maxAgeHours: options.streams.maxAgeHours });
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
