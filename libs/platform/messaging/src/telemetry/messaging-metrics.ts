import { Counter, Gauge, Histogram, register, type CounterConfiguration, type GaugeConfiguration, type HistogramConfiguration } from 'prom-client';

/*
 * The messaging layer's Prometheus metrics, in the process registry that the observability lib
 * serves at `/metrics`. (That lib depends on this one, so the few get-or-create lines are repeated
 * here rather than imported.) Gauges are sampled on scrape from the sources registered below.
 */

function counter<T extends string>(config: CounterConfiguration<T>): Counter<T> {
  return (register.getSingleMetric(config.name) as Counter<T> | undefined) ?? new Counter(config);
}

function histogram<T extends string>(config: HistogramConfiguration<T>): Histogram<T> {
  return (register.getSingleMetric(config.name) as Histogram<T> | undefined) ?? new Histogram(config);
}

function gauge<T extends string>(config: GaugeConfiguration<T>): Gauge<T> {
  return (register.getSingleMetric(config.name) as Gauge<T> | undefined) ?? new Gauge(config);
}

/** One sample for all the gauges one query or call fills: a scrape starts their collects together, the later ones join the first while it is in flight. */
function sharedSample<T>(sample: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => (pending ??= sample().finally(() => (pending = undefined)));
}

export type NatsRequestOutcome = 'ok' | 'rejected' | 'error' | 'timeout' | 'no_responders' | 'transport_error';

export const natsRequestDuration = histogram({
  name: 'imagestreams_nats_request_duration_seconds',
  help: 'OwnerClient requests to owning services: time to the reply, by subject and outcome (ok; rejected = the owner answered a 4xx Status; error = 5xx or an unexpected failure; timeout; no_responders; transport_error).',
  labelNames: ['subject', 'outcome'] as const,
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

export const natsRequestHandling = histogram({
  name: 'imagestreams_nats_request_handling_seconds',
  help: 'Owner requests as the owning service handles them: from the message arriving to the handler finishing (validation included), by subject. Against imagestreams_nats_request_duration_seconds on the caller, the difference is transport and queueing.',
  labelNames: ['subject'] as const,
  buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

// ------------------------------------------------------------------------------------ outbox

/** Created with the first relay, so services without an outbox export no outbox series. */
export function outboxPublishedCounter(): Counter {
  return counter({
    name: 'imagestreams_outbox_published_events_total',
    help: 'Outbox rows the relay published to JetStream (a republish after a crash counts again).',
  });
}

/** How to read one outbox's backlog: one indexed query (the partial index on unpublished rows). */
export type OutboxBacklogSource = () => Promise<{ unpublished: number; oldestAgeSeconds: number }>;

const outboxSources = new Set<OutboxBacklogSource>();

/** Undefined when a source could not be read (its database is down): the gauges then say NaN, not a stale value. */
const sampleOutboxes = sharedSample(async () => {
  const samples = await Promise.all([...outboxSources].map((source) => source().catch(() => undefined)));
  return samples.some((sample) => sample === undefined) ? undefined : (samples as { unpublished: number; oldestAgeSeconds: number }[]);
});

function defineOutboxGauges(): void {
  gauge({
    name: 'imagestreams_outbox_unpublished_events',
    help: 'Outbox rows committed but not yet published to JetStream (sampled on scrape; NaN when the database cannot be read).',
    async collect() {
      const samples = await sampleOutboxes();
      this.set(samples ? samples.reduce((sum, sample) => sum + sample.unpublished, 0) : Number.NaN);
    },
  });
  gauge({
    name: 'imagestreams_outbox_oldest_unpublished_age_seconds',
    help: 'Age of the oldest unpublished outbox row, 0 when there is none (sampled on scrape; NaN when the database cannot be read).',
    async collect() {
      const samples = await sampleOutboxes();
      this.set(samples ? Math.max(0, ...samples.map((sample) => sample.oldestAgeSeconds)) : Number.NaN);
    },
  });
}

/** Adds an outbox to what scrapes report; returns the function that removes it again. */
export function registerOutboxBacklog(source: OutboxBacklogSource): () => void {
  defineOutboxGauges();
  outboxSources.add(source);
  return () => outboxSources.delete(source);
}

// ------------------------------------------------------------------------------------ JetStream consumers

export interface ConsumerLagSample {
  stream: string;
  durable: string;
  /** `num_pending`: matching messages not yet delivered to the consumer. */
  pending: number;
  /** `num_ack_pending`: delivered and not yet acknowledged. */
  ackPending: number;
}

export type ConsumerLagSource = () => Promise<ConsumerLagSample[]>;

const consumerSources = new Set<ConsumerLagSource>();

/** A failed consumer info leaves that durable out of the scrape (its series disappear) rather than stale. */
const sampleConsumers = sharedSample(async () => (await Promise.all([...consumerSources].map((source) => source().catch(() => [])))).flat());

function defineConsumerGauges(): void {
  gauge({
    name: 'imagestreams_jetstream_consumer_lag_messages',
    help: "Messages a durable consumer has still to finish: num_pending + num_ack_pending from the consumer's info (sampled on scrape).",
    labelNames: ['stream', 'durable'] as const,
    async collect() {
      this.reset();
      for (const sample of await sampleConsumers()) this.set({ stream: sample.stream, durable: sample.durable }, sample.pending + sample.ackPending);
    },
  });
  gauge({
    name: 'imagestreams_jetstream_consumer_ack_pending_messages',
    help: 'Messages delivered to a durable consumer and not yet acknowledged: num_ack_pending (sampled on scrape).',
    labelNames: ['stream', 'durable'] as const,
    async collect() {
      this.reset();
      for (const sample of await sampleConsumers()) this.set({ stream: sample.stream, durable: sample.durable }, sample.ackPending);
    },
  });
}

/** Adds a process's durable consumers to what scrapes report; returns the function that removes them. */
export function registerConsumerLag(source: ConsumerLagSource): () => void {
  defineConsumerGauges();
  consumerSources.add(source);
  return () => consumerSources.delete(source);
}
