import { Inject, Injectable } from '@nestjs/common';
import { StreamNames, type CloudEvent } from '@imagestreams/contracts';
import { NATS_CONNECTION } from '@imagestreams/platform-messaging';
import { DeliverPolicy, type NatsConnection } from 'nats';

export interface ArchivedEvent {
  event: CloudEvent<{ namespace?: string; imageStream?: string; tag?: string }>;
  /** The bytes as published: what a replayed delivery signs and sends. */
  raw: string;
}

/** Streams whose events subscribers can receive, and so replay. */
const REPLAYABLE_STREAMS = [StreamNames.imageEvents, StreamNames.triggerEvents];
const FETCH_BATCH = 500;

/**
 * Events as JetStream retains them (`EVENTS_MAX_AGE_HOURS`): replay reads them again with an
 * ephemeral ordered consumer from a start time, so no second copy of every event is kept in Postgres.
 */
@Injectable()
export class EventArchive {
  constructor(@Inject(NATS_CONNECTION) private readonly connection: NatsConnection) {}

  async *since(since: Date): AsyncGenerator<ArchivedEvent> {
    const jsm = await this.connection.jetstreamManager();
    const js = this.connection.jetstream();
    for (const stream of REPLAYABLE_STREAMS) {
      const info = await jsm.streams.info(stream);
      if (info.state.messages === 0 || Date.parse(info.state.last_ts) < since.getTime()) continue;
      const consumer = await js.consumers.get(stream, { deliver_policy: DeliverPolicy.StartTime, opt_start_time: since.toISOString() });
      let done = false;
      while (!done) {
        const batch = await consumer.fetch({ max_messages: FETCH_BATCH, expires: 2_000 });
        let received = 0;
        for await (const message of batch) {
          received += 1;
          const raw = message.string();
          try {
            yield { event: JSON.parse(raw) as ArchivedEvent['event'], raw };
          } catch {
            // Every retained event was validated when published; a foreign message is simply not replayable.
          }
          if (message.info.pending === 0) {
            done = true;
            break;
          }
        }
        if (received === 0) done = true;
      }
    }
  }
}
