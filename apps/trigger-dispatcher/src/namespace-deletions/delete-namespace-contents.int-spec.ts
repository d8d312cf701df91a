import { randomUUID } from 'node:crypto';
import { createCloudEvent, ImageStreamDeleted, NamespaceDeleted, type CloudEvent, type NamespaceDeletedV1 } from '@imagestreams/contracts';
import type { JetStreamEventContext } from '@imagestreams/platform-messaging';
import type { DataSource } from 'typeorm';
import type { DeliveryPlanner, ImageEventData } from '../deliveries/delivery-planner';
import type { DeliveryWorker } from '../deliveries/delivery-worker';
import { ImageEventsListener } from '../deliveries/image-events.listener';
import { insertTestSubscription, openTriggerTestSchema } from '../trigger-schema.fixture';
import type { TriggerFiring } from '../workloads/trigger-firing';
import { DeleteNamespaceContents } from './delete-namespace-contents';
import { NamespaceContentsRepository } from './namespace-contents.repository';
import { CLOCK_TIMESTAMP_RFC3339 } from '@imagestreams/platform-persistence';

/** What stream-service stamps a deletion with: Postgres' clock, in microseconds. */
const NOW_SQL = `SELECT ${CLOCK_TIMESTAMP_RFC3339} AS now`;

/**
 * `namespace.deleted` in trigger-dispatcher against real Postgres (a fresh schema, the service's
 * migrations), handed to the image-events listener as the JetStream transport would: the
 * namespace's subscriptions with their deliveries and attempts, workloads with their watches and
 * builds go; other namespaces and a namespace re-created after the deletion keep theirs; nothing is
 * planned for delivery; a redelivered event deletes nothing more.
 */
describe('namespace.deleted in trigger-dispatcher (Postgres)', () => {
  let dataSource: DataSource;
  let drop: () => Promise<void>;
  let listener: ImageEventsListener;
  const planned: string[] = [];

  beforeAll(async () => {
    ({ dataSource, drop } = await openTriggerTestSchema('trigger_nsdel_int', 4));
    const planner = { plan: async (event: CloudEvent<ImageEventData>) => (planned.push(event.type), []) } as unknown as DeliveryPlanner;
    const worker = { dispatch: () => undefined } as unknown as DeliveryWorker;
    const firing = { onTagMoved: async () => undefined } as unknown as TriggerFiring;
    listener = new ImageEventsListener(planner, worker, firing, new DeleteNamespaceContents(new NamespaceContentsRepository(dataSource)));
  });

  afterAll(() => drop());

  /** A subscription with a delivery (and its stored event) and an attempt, a BuildConfig watching a tag, and a Build of it. */
  async function contents(namespace: string): Promise<void> {
    const subscription = await insertTestSubscription(dataSource, { namespace, name: 'hook' });
    const delivery = randomUUID();
    const workload = randomUUID();
    await dataSource.query(
      `WITH event AS (INSERT INTO delivery_events (event_id, payload) VALUES ($3, '{}'))
       INSERT INTO deliveries (id, subscription_uid, event_id, event_type) VALUES ($1, $2, $3, 'io.imagestreams.tag.changed.v1')`,
      [delivery, subscription, randomUUID()],
    );
    await dataSource.query(`INSERT INTO delivery_attempts (delivery_id, attempted_at, status_code, latency_ms) VALUES ($1, now(), 500, 3)`, [delivery]);
    await dataSource.query(`INSERT INTO workloads (uid, namespace, kind, name, body, resource_version) VALUES ($1, $2, 'BuildConfig', 'bc', '{}', nextval('resource_version_seq'))`, [workload, namespace]);
    await dataSource.query(`INSERT INTO workload_watches (workload_uid, namespace, stream, tag) VALUES ($1, $2, 'web', 'latest')`, [workload, namespace]);
    await dataSource.query(`INSERT INTO builds (uid, namespace, name, build_config, body, resource_version) VALUES ($1, $2, 'bc-1', 'bc', '{}', nextval('resource_version_seq'))`, [randomUUID(), namespace]);
  }

  async function counts(namespace: string): Promise<Record<string, number>> {
    const [row] = await dataSource.query<Record<string, number>[]>(
      `SELECT (SELECT count(*)::int FROM webhook_subscriptions WHERE namespace = $1) AS subscriptions,
              (SELECT count(*)::int FROM deliveries d JOIN webhook_subscriptions s ON s.uid = d.subscription_uid WHERE s.namespace = $1) AS deliveries,
              (SELECT count(*)::int FROM workloads WHERE namespace = $1) AS workloads,
              (SELECT count(*)::int FROM workload_watches WHERE namespace = $1) AS watches,
              (SELECT count(*)::int FROM builds WHERE namespace = $1) AS builds`,
      [namespace],
    );
    return row;
  }

  const everything = { subscriptions: 1, deliveries: 1, workloads: 1, watches: 1, builds: 1 };
  const nothing = { subscriptions: 0, deliveries: 0, workloads: 0, watches: 0, builds: 0 };
  const context = (subject: string): JetStreamEventContext => ({ subject, deliveryCount: 1, raw: '{}' });

  async function deletion(namespace: string): Promise<CloudEvent<NamespaceDeletedV1>> {
    const [{ now }] = await dataSource.query<{ now: string }[]>(NOW_SQL);
    return { ...createCloudEvent({ type: NamespaceDeleted.type, source: '/test', subject: `namespaces/${namespace}`, data: { namespace, actor: 'alice', resourceVersion: '1' } }), time: now };
  }

  const deliver = (event: CloudEvent<NamespaceDeletedV1>) => listener.onImageEvent(event as unknown as CloudEvent<ImageEventData>, context(NamespaceDeleted.subject));

  it('deletes the namespace’s subscriptions (deliveries, attempts, events), workloads (watches) and builds, and plans no delivery', async () => {
    await contents('doomed');
    await contents('bystander');
    expect(await counts('doomed')).toEqual(everything);

    await deliver(await deletion('doomed'));

    expect(await counts('doomed')).toEqual(nothing);
    expect(await dataSource.query('SELECT count(*)::int AS n FROM delivery_attempts')).toEqual([{ n: 1 }]);
    expect(await dataSource.query('SELECT count(*)::int AS n FROM delivery_events')).toEqual([{ n: 1 }]);
    expect(await counts('bystander')).toEqual(everything);
    expect(planned).toEqual([]);
  });

  it('spares what a namespace re-created under the same name holds, when the event comes again late', async () => {
    await contents('reborn');
    const event = await deletion('reborn');
    await deliver(event);
    await contents('reborn');

    await deliver(event);

    expect(await counts('reborn')).toEqual(everything);
  });

  it('still plans deliveries of other image events', async () => {
    const streamDeleted = createCloudEvent({ type: ImageStreamDeleted.type, source: '/test', data: { namespace: 'bystander', imageStream: 'web' } });
    await listener.onImageEvent(streamDeleted, context(ImageStreamDeleted.subject));
    expect(planned).toEqual([ImageStreamDeleted.type]);
  });
});
