import { ServerNats } from '@nestjs/microservices';
import type { NatsConnection } from 'nats';

/**
 * Nest's own NATS transport (request/reply, queue group = owning service) on the process's shared
 * connection instead of a second one. Closing stops taking new requests and waits for the
 * in-flight ones; the shared connection itself is drained later by NatsConnectionLifecycle.
 */
export class NatsRequestServer extends ServerNats {
  private inFlight = 0;
  private idle: (() => void) | undefined;

  constructor(
    private readonly connection: NatsConnection,
    queue: string,
  ) {
    super({ queue });
  }

  override async createNatsClient(): Promise<never> {
    return this.connection as never;
  }

  override async handleMessage(channel: string, natsMsg: Parameters<ServerNats['handleMessage']>[1]): Promise<unknown> {
    this.inFlight++;
    try {
      return await super.handleMessage(channel, natsMsg);
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) this.idle?.();
    }
  }

  override async close(): Promise<void> {
    const subscriptions = (this as unknown as { subscriptions: { unsubscribe(): void }[] }).subscriptions;
    for (const subscription of subscriptions) subscription.unsubscribe();
    if (this.inFlight > 0) await new Promise<void>((resolve) => (this.idle = resolve));
  }
}
