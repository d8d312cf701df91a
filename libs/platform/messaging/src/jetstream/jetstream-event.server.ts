import { Logger } from '@nestjs/common';
import { type CustomTransportStrategy, Server } from '@nestjs/microservices';
import { envelopeProblems, eventDefinitionForSubject, validatePayload, type CloudEvent } from '@imagestreams/contracts';
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { type ConsumerMessages, type JsMsg, type NatsConnection } from 'nats';
import { lastValueFrom } from 'rxjs';
import { registerConsumerLag } from '../telemetry/messaging-metrics';
import { contextFromExtension, contextFromHeaders, messagingTracer } from '../telemetry/trace-context';
import { subjectMatches } from '../subject-matches';
import { withJetStreamRetry } from './jetstream-retry';
import { ensureDurableConsumer, type DurableConsumerSettings } from './provisioning';
import { redeliveryDelayMs } from './redelivery-backoff';

/** Transport id for `@EventPattern(subject, JETSTREAM_TRANSPORT)`; see `OnEvent`. */
export const JETSTREAM_TRANSPORT = Symbol('JETSTREAM');

export interface JetStreamEventServerOptions {
  consumers: DurableConsumerSettings[];
  /** Messages handled at once per consumer. */
  concurrency?: number;
}

/**
 * How soon a consumer notices that its pull requests are gone. They live on the consumer's leader
 * only: when that NATS node dies, the new leader knows nothing of them and nothing arrives, without
 * any error. nats.js re-pulls after two missed idle heartbeats, once a consumer info succeeds; while
 * the new leader is still being elected that info times out (`apiTimeoutMs`) and is retried every
 * `expires`. With nats.js's defaults (expires 30 s, heartbeat 15 s, API timeout 5 s) a durable went
 * 30-45 s without deliveries after losing its leader; with these it resumes a few seconds after the
 * JetStream election (apps/cluster-e2e measures it). The cost: a pull request per replica every 3 s
 * and a heartbeat every second while idle.
 */
const PULL_LIVENESS = { expires: 3_000, idle_heartbeat: 1_000, apiTimeoutMs: 2_000 } as const;

/** Context handed to event handlers next to the validated CloudEvent. */
export interface JetStreamEventContext {
  subject: string;
  deliveryCount: number;
  /** The message body exactly as published: what webhook signatures must cover. */
  raw: string;
}

/**
 * Nest's NATS transport speaks core NATS only, so durable events get their own strategy:
 * one durable pull consumer per binding, `@EventPattern` handlers matched by subject wildcard.
 *
 * Acknowledgement discipline (the at-least-once contract):
 *  - ack only after the handler resolved, i.e. after its database transaction committed;
 *  - nak with growing delay when the handler throws, so a transient failure is retried;
 *  - term a message whose envelope or payload is invalid: retrying it can never succeed.
 * Handlers must therefore be idempotent by event id.
 *
 * Each handler runs in a CONSUMER span continuing the event's `traceparent` extension attribute
 * (stamped by the producer's outbox), so the trace goes on from the request that committed the
 * change. The durables' lag (num_pending + num_ack_pending) is read from JetStream on every scrape.
 */
export class JetStreamEventServer extends Server implements CustomTransportStrategy {
  override readonly transportId = JETSTREAM_TRANSPORT;
  protected override readonly logger = new Logger('JetStreamEventServer');
  private readonly subscriptions: ConsumerMessages[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly loops: Promise<void>[] = [];
  private unregisterLag: (() => void) | undefined;

  constructor(
    private readonly connection: NatsConnection,
    private readonly options: JetStreamEventServerOptions,
  ) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const onRetry = (message: string) => this.logger.warn(message);
      const jsm = await withJetStreamRetry('JetStream manager', () => this.connection.jetstreamManager(), { onRetry });
      // The consumers' own lookups (also the ones nats.js makes to recover a lost pull) time out sooner.
      const js = this.connection.jetstream({ timeout: PULL_LIVENESS.apiTimeoutMs });
      for (const consumer of this.options.consumers) {
        // Idempotent, so a busy or electing cluster (timeouts, no leader yet) is waited out, not fatal.
        await withJetStreamRetry(`provisioning durable ${consumer.durable}`, () => ensureDurableConsumer(jsm, consumer), { onRetry });
        const durable = await withJetStreamRetry(`looking up durable ${consumer.durable}`, () => js.consumers.get(consumer.stream, consumer.durable), { onRetry });
        const messages = await durable.consume({ max_messages: this.concurrency * 2, expires: PULL_LIVENESS.expires, idle_heartbeat: PULL_LIVENESS.idle_heartbeat });
        this.subscriptions.push(messages);
        this.loops.push(this.consumeLoop(messages));
      }
      // A scrape must answer even when NATS does not: consumer info gets a short timeout of its own.
      // (No API check: JetStream just answered, and a slow answer here must not fail the start.)
      const infoJsm = await this.connection.jetstreamManager({ timeout: 2_000, checkAPI: false });
      this.unregisterLag = registerConsumerLag(() =>
        Promise.all(
          this.options.consumers.map(async ({ stream, durable }) => {
            const info = await infoJsm.consumers.info(stream, durable);
            return { stream, durable, pending: info.num_pending, ackPending: info.num_ack_pending };
          }),
        ),
      );
      callback();
    } catch (error) {
      callback(error);
    }
  }

  private get concurrency(): number {
    return this.options.concurrency ?? 64;
  }

  private async consumeLoop(messages: ConsumerMessages): Promise<void> {
    for await (const message of messages) {
      while (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
      const task: Promise<void> = this.process(message).finally(() => this.inFlight.delete(task));
      this.inFlight.add(task);
    }
  }

  private findHandler(subject: string) {
    for (const [pattern, handler] of this.messageHandlers) {
      if (handler.isEventHandler && subjectMatches(pattern, subject)) return handler;
    }
    return undefined;
  }

  private async process(message: JsMsg): Promise<void> {
    const handler = this.findHandler(message.subject);
    if (!handler) {
      // The consumer's filter is wider than this service's interest (e.g. a newer event version).
      message.ack();
      return;
    }
    const raw = new TextDecoder().decode(message.data);
    const event = this.decode(message, raw);
    if (!event) {
      message.term();
      return;
    }
    const eventContext: JetStreamEventContext = { subject: message.subject, deliveryCount: message.info.redeliveryCount, raw };
    const parent = this.producerContext(event, message);
    const span = messagingTracer().startSpan(
      `process ${message.subject}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          'messaging.system': 'nats',
          'messaging.operation.type': 'process',
          'messaging.destination.name': message.subject,
          'messaging.message.id': event.id,
          'messaging.nats.delivery_count': message.info.redeliveryCount,
        },
      },
      parent,
    );
    try {
      await context.with(trace.setSpan(parent, span), async () => {
        await lastValueFrom(this.transformToObservable(await handler(event, eventContext)), { defaultValue: undefined });
      });
      message.ack();
    } catch (error) {
      const delay = redeliveryDelayMs(message.info.redeliveryCount);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      this.logger.warn(`handler for ${message.subject} event ${event.id} failed (delivery ${message.info.redeliveryCount}), retrying in ${delay} ms: ${(error as Error).message}`);
      message.nak(delay);
    } finally {
      span.end();
    }
  }

  /** The producer's trace: the envelope's `traceparent` extension, else a `traceparent` header. */
  private producerContext(event: CloudEvent, message: JsMsg) {
    const fromEnvelope = contextFromExtension(event);
    return fromEnvelope === ROOT_CONTEXT ? contextFromHeaders(message.headers) : fromEnvelope;
  }

  private decode(message: JsMsg, raw: string): CloudEvent | undefined {
    let envelope: unknown;
    try {
      envelope = JSON.parse(raw);
    } catch {
      this.logger.error(`terminating ${message.subject} seq ${message.seq}: body is not JSON`);
      return undefined;
    }
    const problems = envelopeProblems(envelope);
    const definition = eventDefinitionForSubject(message.subject);
    if (problems.length === 0 && definition) {
      const data = validatePayload(definition.dataClass, (envelope as CloudEvent).data);
      if (data.ok) return { ...(envelope as CloudEvent), data: data.value };
      problems.push(...data.causes.map((cause) => `data.${cause.field}: ${cause.message}`));
    } else if (!definition) {
      problems.push(`no event definition for subject ${message.subject}`);
    }
    this.logger.error(`terminating invalid event on ${message.subject} seq ${message.seq}: ${problems.join('; ')}`);
    return undefined;
  }

  /** Stop taking work, then let in-flight handlers finish (they ack or nak themselves). */
  async close(): Promise<void> {
    this.unregisterLag?.();
    for (const messages of this.subscriptions) messages.stop();
    await Promise.allSettled(this.loops);
    await Promise.allSettled([...this.inFlight]);
  }

  on(): void {
    // JetStream status is observed on the shared connection; nothing to register here.
  }

  unwrap<T>(): T {
    return this.connection as T;
  }
}
