import { Injectable, Logger } from '@nestjs/common';
import { ClientNats } from '@nestjs/microservices';
import { isStatus, Statuses, StatusError, type RequestDefinition } from '@imagestreams/contracts';
import type { NatsConnection } from 'nats';
import { firstValueFrom, timeout, TimeoutError } from 'rxjs';

/** Nest's NATS client on the shared connection; closing it must not close that connection. */
class SharedConnectionNatsClient extends ClientNats {
  constructor(private readonly connection: NatsConnection) {
    super({});
  }

  override async createClient(): Promise<never> {
    return this.connection as never;
  }

  override async close(): Promise<void> {
    // The connection belongs to NatsConnectionLifecycle.
  }
}

/**
 * Sends a request to the service that owns the resource and returns its typed reply. Every
 * failure surfaces as a StatusError: the owner's own Status, 503 when nobody serves the
 * subject, 504 on timeout.
 */
@Injectable()
export class OwnerClient {
  private readonly logger = new Logger('OwnerClient');
  private readonly client: SharedConnectionNatsClient;

  constructor(
    connection: NatsConnection,
    private readonly timeoutMs: number,
  ) {
    this.client = new SharedConnectionNatsClient(connection);
  }

  async request<TRequest extends object, TReply>(definition: RequestDefinition<TRequest, TReply>, payload: TRequest): Promise<TReply> {
    try {
      return await firstValueFrom(this.client.send<TReply, TRequest>(definition.subject, payload).pipe(timeout(this.timeoutMs)));
    } catch (error) {
      if (isStatus(error)) throw new StatusError(error);
      if (error instanceof TimeoutError) {
        throw new StatusError(Statuses.timeout(`the request ${definition.subject} did not complete within ${this.timeoutMs} ms`));
      }
      const message = (error as Error)?.message ?? String(error);
      // Nest reports a subject nobody subscribes to as an EmptyResponseException, which it does
      // not export from its public entry point, so it is recognised by name.
      if ((error as Error)?.name === 'EmptyResponseException' || /empty response|no responders/i.test(message)) {
        throw new StatusError(Statuses.serviceUnavailable(`no service is answering ${definition.subject}`));
      }
      this.logger.error(`request ${definition.subject} failed: ${message}`);
      throw new StatusError(Statuses.internal());
    }
  }
}
