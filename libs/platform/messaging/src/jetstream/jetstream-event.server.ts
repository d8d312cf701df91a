import { Logger } from '@nestjs/common';
import { type CustomTransportStrategy, Server } from '@nestjs/microservices';
import { envelopeProblems, eventDefinitionForSubject, validatePayload, type CloudEvent } from '@imagestreams/contracts';
import { type ConsumerMessages, type JsMsg, type NatsConnection } from 'nats';
import { lastValueFrom } from 'rxjs';
import { subjectMatches } from '../subject-matches';
import { ensureDurableConsumer, type DurableConsumerSettings } from './provisioning';
import { redeliveryDelayMs } from './redelivery-backoff';

/** Transport id for `@EventPattern(subject, JETSTREAM_TRANSPORT)`; see `OnEvent`. */
export const JETSTREAM_TRANSPORT = Symbol('JETSTREAM');

export interface JetStreamEventServerOptions {
  consumers: DurableConsumerSettings[];
  /** Messages handled at once per consumer. */
  concurrency?: number;
}

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
 */
export class JetStreamEventServer extends Server implements CustomTransportStrategy {
  override readonly transportId = JETSTREAM_TRANSPORT;
  protected override readonly logger = new Logger('JetStreamEventServer');
  private readonly subscriptions: ConsumerMessages[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly loops: Promise<void>[] = [];

  constructor(
    private readonly connection: NatsConnection,
    private readonly options: JetStreamEventServerOptions,
  ) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      const jsm = await this.connection.jetstreamManager();
      for (const consumer of this.options.consumers) {
        await ensureDurableConsumer(jsm, consumer);
        const messages = await this.connection.jetstream().consumers.get(consumer.stream, consumer.durable).then((c) => c.consume({ max_messages: this.concurrency * 2 }));
        this.subscriptions.push(messages);
        this.loops.push(this.consumeLoop(messages));
      }
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
    const context: JetStreamEventContext = { subject: message.subject, deliveryCount: message.info.redeliveryCount, raw };
    try {
      await lastValueFrom(this.transformToObservable(await handler(event, context)), { defaultValue: undefined });
      message.ack();
    } catch (error) {
      const delay = redeliveryDelayMs(message.info.redeliveryCount);
      this.logger.warn(`handler for ${message.subject} event ${event.id} failed (delivery ${message.info.redeliveryCount}), retrying in ${delay} ms: ${(error as Error).message}`);
      message.nak(delay);
    }
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
