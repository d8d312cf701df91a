import { AckPolicy, DeliverPolicy, DiscardPolicy, nanos, RetentionPolicy, StorageType, type JetStreamManager } from 'nats';

export interface EventStreamSettings {
  name: string;
  subjects: string[];
  replicas: number;
  maxAgeHours: number;
  /** Must exceed the outbox relay's worst-case gap between a publish and its retry. */
  duplicateWindowMs?: number;
}

export interface DurableConsumerSettings {
  stream: string;
  durable: string;
  filterSubject: string;
  /** Redelivery happens this long after a consumer died holding the message. */
  ackWaitMs?: number;
  maxAckPending?: number;
}

function isNotFound(error: unknown): boolean {
  const message = (error as Error)?.message ?? '';
  return /not found/i.test(message) || (error as { code?: string })?.code === '404';
}

/** Idempotent at boot: creates the stream, or updates it to the settings in code. */
export async function ensureEventStream(jsm: JetStreamManager, settings: EventStreamSettings): Promise<void> {
  const config = {
    name: settings.name,
    subjects: settings.subjects,
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    discard: DiscardPolicy.Old,
    num_replicas: settings.replicas,
    max_age: nanos(settings.maxAgeHours * 3_600_000),
    duplicate_window: nanos(settings.duplicateWindowMs ?? 10 * 60_000),
  };
  try {
    await jsm.streams.info(settings.name);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    try {
      await jsm.streams.add(config);
      return;
    } catch (addError) {
      // Another replica created it between our info and add: fall through to update.
      if (!/already in use|exists/i.test((addError as Error).message)) throw addError;
    }
  }
  await jsm.streams.update(settings.name, config);
}

/** Idempotent at boot: durable pull consumer with explicit acks, created once and shared by replicas. */
export async function ensureDurableConsumer(jsm: JetStreamManager, settings: DurableConsumerSettings): Promise<void> {
  const config = {
    durable_name: settings.durable,
    filter_subject: settings.filterSubject,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ack_wait: nanos(settings.ackWaitMs ?? 30_000),
    max_ack_pending: settings.maxAckPending ?? 1_000,
    // Unlimited redelivery: a handler that fails because its database is down must not lose events;
    // poison payloads are terminated by the transport instead of being retried.
    max_deliver: -1,
  };
  try {
    await jsm.consumers.info(settings.stream, settings.durable);
    await jsm.consumers.update(settings.stream, settings.durable, {
      ack_wait: config.ack_wait,
      max_ack_pending: config.max_ack_pending,
      filter_subject: config.filter_subject,
    });
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await jsm.consumers.add(settings.stream, config);
  }
}
