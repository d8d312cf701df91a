import { Injectable, Logger } from '@nestjs/common';
import { isStatus, Statuses, StatusError, type RequestDefinition } from '@imagestreams/contracts';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { randomUUID } from 'node:crypto';
import { ErrorCode, type Msg, type NatsConnection, type NatsError } from 'nats';
import { natsRequestDuration, type NatsRequestOutcome } from '../telemetry/messaging-metrics';
import { messagingTracer, traceHeaders } from '../telemetry/trace-context';
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
 *
 * Each request is a CLIENT span whose W3C context travels in the NATS headers (`traceparent`), and
 * its latency lands in `imagestreams_nats_request_duration_seconds{subject,outcome}`.
 */
@Injectable()
export class OwnerClient {
  private readonly logger = new Logger('OwnerClient');

  constructor(
    private readonly connection: NatsConnection,
    private readonly timeoutMs: number,
  ) {}

  async request<TRequest extends object, TReply>(definition: RequestDefinition<TRequest, TReply>, payload: TRequest): Promise<TReply> {
    return this.observed(definition, payload, (message) => {
      const reply = decodeReply<NestResponsePacket<TReply>>(message.data, message.headers);
      this.throwIfFailed(definition.subject, reply.err);
      return reply.response as TReply;
    });
  }

  /**
   * The reply as JSON bytes, for callers that only forward it (the gateway's GET of a stream): big
   * answers are not parsed, serialized or re-encoded on the way through.
   */
  async requestJson<TRequest extends object>(definition: RequestDefinition<TRequest, unknown>, payload: TRequest): Promise<Buffer> {
    return this.observed(definition, payload, (message) => {
      const { packet, responseJson } = decodeReplyRaw(message.data, message.headers);
      this.throwIfFailed(definition.subject, packet['err']);
      return responseJson ?? Buffer.from('null');
    });
  }

  /**
   * Sends the request inside a CLIENT span (its context goes along in the NATS headers), records
   * latency and outcome, and hands the reply to `read`, which decodes it or throws the owner's Status.
   */
  private async observed<TRequest extends object, TResult>(definition: RequestDefinition<TRequest, unknown>, payload: TRequest, read: (message: Msg) => TResult): Promise<TResult> {
    const started = performance.now();
    const span = messagingTracer().startSpan(`send ${definition.subject}`, {
      kind: SpanKind.CLIENT,
      attributes: { 'messaging.system': 'nats', 'messaging.operation.type': 'send', 'messaging.destination.name': definition.subject },
    });
    const headers = traceHeaders(trace.setSpan(context.active(), span));
    const packet: NestRequestPacket<TRequest> = { pattern: definition.subject, data: payload, id: randomUUID() };
    let outcome: NatsRequestOutcome = 'ok';
    try {
      let message: Msg;
      try {
        message = await this.connection.request(definition.subject, JSON.stringify(packet), { timeout: this.timeoutMs, headers });
      } catch (error) {
        const code = (error as NatsError).code;
        outcome = code === ErrorCode.NoResponders ? 'no_responders' : code === ErrorCode.Timeout ? 'timeout' : 'transport_error';
        throw new StatusError(this.transportFailure(definition.subject, error as NatsError));
      }
      return read(message);
    } catch (error) {
      if (outcome === 'ok') outcome = error instanceof StatusError && error.status.code < 500 ? 'rejected' : 'error';
      if (outcome !== 'rejected') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
      throw error;
    } finally {
      natsRequestDuration.observe({ subject: definition.subject, outcome }, (performance.now() - started) / 1000);
      span.end();
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
