import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { connect, type NatsConnection } from 'nats';

/** Injection token of the process's single NATS connection (requests, replies and JetStream share it). */
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');
export const InjectNatsConnection = () => Inject(NATS_CONNECTION);

export async function connectToNats(url: string, name: string): Promise<NatsConnection> {
  return connect({
    servers: url.split(','),
    name,
    // Keep trying forever: a NATS node restart must not kill the service; readiness reports it instead.
    maxReconnectAttempts: -1,
    reconnectTimeWait: 500,
    waitOnFirstConnect: false,
    // A node that vanishes without closing its sockets (a lost host, not a killed process) is noticed
    // after about 30 s instead of the client's default 4 minutes, and the client moves to another node.
    pingInterval: 10_000,
    maxPingOut: 3,
    // The client otherwise builds two Error objects (stack traces) per request for a friendlier
    // timeout trace: measured at about 3 % of the gateway's CPU under load. Our own request layer
    // already names the subject in its timeout errors.
    noAsyncTraces: true,
  });
}

/**
 * Drains the connection last, after the transports stopped taking work: drain lets in-flight
 * replies and publishes go out before the socket closes.
 */
@Injectable()
export class NatsConnectionLifecycle implements OnApplicationShutdown {
  private readonly logger = new Logger('NatsConnection');

  constructor(@InjectNatsConnection() private readonly connection: NatsConnection) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.connection.isClosed() || this.connection.isDraining()) return;
    try {
      await this.connection.drain();
    } catch (error) {
      this.logger.warn(`NATS drain failed: ${(error as Error).message}`);
    }
  }
}
