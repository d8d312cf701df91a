import { Logger } from '@nestjs/common';
import { ServerNats } from '@nestjs/microservices';
import { Statuses } from '@imagestreams/contracts';
import { context, SpanKind, trace } from '@opentelemetry/api';
import type { NatsConnection } from 'nats';
import { natsRequestHandling } from '../telemetry/messaging-metrics';
import { contextFromHeaders, messagingTracer } from '../telemetry/trace-context';
import { compressionThreshold, encodeReply } from './reply-codec';

/**
 * Nest's own NATS transport (request/reply, queue group = owning service) on the process's shared
 * connection instead of a second one. Closing stops taking new requests and waits for the
 * in-flight ones; the shared connection itself is drained later by NatsConnectionLifecycle.
 * Each request is handled inside a SERVER span continuing the caller's `traceparent` header.
 */
export class NatsRequestServer extends ServerNats {
  private inFlight = 0;
  /** Who waits for the last in-flight request: close() may be called more than once. */
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly connection: NatsConnection,
    queue: string,
  ) {
    super({ queue });
    // Large replies are deflated (see reply-codec); OwnerClient decodes them.
    this.serializer = { serialize: (packet: unknown) => encodeReply(packet, compressionThreshold(connection.info?.max_payload)) };
  }

  private readonly replyLogger = new Logger('NatsRequestServer');

  /**
   * A reply NATS refuses (bigger than `max_payload` even deflated) must not take the process down:
   * Nest publishes from inside an RxJS subscriber, where the throw would be unhandled. The caller
   * gets a Status saying why instead.
   */
  override getPublisher(natsMsg: Parameters<ServerNats['getPublisher']>[0], id: string, ctx: Parameters<ServerNats['getPublisher']>[2]) {
    const publish = super.getPublisher(natsMsg, id, ctx);
    return (response: Parameters<ReturnType<ServerNats['getPublisher']>>[0]) => {
      try {
        return publish(response);
      } catch (error) {
        this.replyLogger.error(`reply to ${natsMsg.subject} could not be sent: ${(error as Error).message}`);
        return publish({ err: Statuses.tooLarge(`the answer to ${natsMsg.subject} is larger than the message size NATS allows`), isDisposed: true });
      }
    };
  }

  /**
   * The handler route of a request subject. Nest's own first tries `JSON.parse` on every subject
   * (for object patterns), and for a plain subject, which every one of ours is, the SyntaxError it
   * throws and catches costs a stack trace per request: 46 µs of a resolve-tag request's ~700 µs of
   * CPU here. Only what could be JSON takes that path.
   */
  override getRouteFromPattern(pattern: string): string {
    return mayBeJson(pattern) ? super.getRouteFromPattern(pattern) : this.normalizePattern(pattern);
  }

  override async createNatsClient(): Promise<never> {
    return this.connection as never;
  }

  override async handleMessage(channel: string, natsMsg: Parameters<ServerNats['handleMessage']>[1]): Promise<unknown> {
    this.inFlight++;
    const started = performance.now();
    const parent = contextFromHeaders(natsMsg.headers);
    const span = messagingTracer().startSpan(
      `process ${channel}`,
      { kind: SpanKind.SERVER, attributes: { 'messaging.system': 'nats', 'messaging.operation.type': 'process', 'messaging.destination.name': channel } },
      parent,
    );
    try {
      return await context.with(trace.setSpan(parent, span), () => super.handleMessage(channel, natsMsg));
    } finally {
      natsRequestHandling.observe({ subject: channel }, (performance.now() - started) / 1000);
      span.end();
      this.inFlight--;
      if (this.inFlight === 0) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  override async close(): Promise<void> {
    const subscriptions = (this as unknown as { subscriptions: { unsubscribe(): void }[] }).subscriptions;
    for (const subscription of subscriptions) subscription.unsubscribe();
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }
}

/** What JSON.parse could accept: an object, array, string or number, or one of the three literals. */
export function mayBeJson(pattern: string): boolean {
  return /^\s*[{["\d-]/.test(pattern) || /^\s*(true|false|null)\s*$/.test(pattern);
}
