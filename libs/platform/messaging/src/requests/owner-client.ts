import { Injectable, Logger } from '@nestjs/common';
import { isStatus, Statuses, StatusError, type RequestDefinition } from '@imagestreams/contracts';
import { randomUUID } from 'node:crypto';
import { ErrorCode, type NatsConnection, type NatsError } from 'nats';
import { decodeReply, decodeReplyRaw } from './reply-codec';

/** Nest's NATS transport packets: what `NatsRequestServer` (Nest's ServerNats) reads and answers. */
interface NestRequestPacket<T> {
  pattern: string;
  data: T;
  id: string;
}

interface NestResponsePacket<T> {
  id: string;
  response?: T;
  err?: unknown;
  isDisposed?: boolean;
}

/**
 * Sends a request to the service that owns the resource and returns its typed reply. Every
 * failure surfaces as a StatusError: the owner's own Status, 503 when nobody serves the subject,
 * 504 on timeout.
 *
 * It speaks Nest's NATS packet format but through `NatsConnection.request`, not Nest's
 * `ClientNats`: ClientNats subscribes and unsubscribes a fresh inbox per call (two extra protocol
 * operations per request on the gateway's hot path) and only notices a subject nobody serves by
 * timing out, while `request` shares one multiplexed inbox and gets NATS's no-responders answer at once.
 * The first reply carries the result; Nest's trailing "disposed" packet is dropped by the mux.
 */
@Injectable()
export class OwnerClient {
  private readonly logger = new Logger('OwnerClient');

  constructor(
    private readonly connection: NatsConnection,
    private readonly timeoutMs: number,
  ) {}

  async request<TRequest extends object, TReply>(definition: RequestDefinition<TRequest, TReply>, payload: TRequest): Promise<TReply> {
    const message = await this.send(definition, payload);
    const reply = decodeReply<NestResponsePacket<TReply>>(message.data, message.headers);
    this.throwIfFailed(definition.subject, reply.err);
    return reply.response as TReply;
  }

  /**
   * The reply as JSON bytes, for callers that only forward it (the gateway's GET of a stream): big
   * answers are not parsed, serialized or re-encoded on the way through.
   */
  async requestJson<TRequest extends object>(definition: RequestDefinition<TRequest, unknown>, payload: TRequest): Promise<Buffer> {
    const message = await this.send(definition, payload);
    const { packet, responseJson } = decodeReplyRaw(message.data, message.headers);
    this.throwIfFailed(definition.subject, packet['err']);
    return responseJson ?? Buffer.from('null');
  }

  private async send<TRequest extends object>(definition: RequestDefinition<TRequest, unknown>, payload: TRequest) {
    const packet: NestRequestPacket<TRequest> = { pattern: definition.subject, data: payload, id: randomUUID() };
    try {
      return await this.connection.request(definition.subject, JSON.stringify(packet), { timeout: this.timeoutMs });
    } catch (error) {
      throw new StatusError(this.transportFailure(definition.subject, error as NatsError));
    }
  }

  private throwIfFailed(subject: string, err: unknown): void {
    if (err === undefined || err === null) return;
    if (isStatus(err)) throw new StatusError(err);
    this.logger.error(`request ${subject} failed in the owner: ${JSON.stringify(err)}`);
    throw new StatusError(Statuses.internal());
  }

  private transportFailure(subject: string, error: NatsError) {
    if (error.code === ErrorCode.NoResponders) return Statuses.serviceUnavailable(`no service is answering ${subject}`);
    if (error.code === ErrorCode.Timeout) return Statuses.timeout(`the request ${subject} did not complete within ${this.timeoutMs} ms`);
    this.logger.error(`request ${subject} failed: ${error.message}`);
    return Statuses.internal();
  }
}
