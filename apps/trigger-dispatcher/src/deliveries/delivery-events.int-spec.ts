import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { SubscriptionRepository } from '../subscriptions/subscription.repository';
import { insertTestSubscription, openTriggerTestSchema } from '../trigger-schema.fixture';
import { DeliveryRepository, type NewDelivery } from './delivery.repository';

/**
 * Stored events (one row per event, however many deliveries) against real Postgres: deleting a
 * subscription removes the events only it needed, and a deletion racing the planning or replay of
 * the same event never leaves a delivery without its event.
 */
describe('stored events of deliveries (Postgres)', () => {
  let dataSource: DataSource;
  let drop: () => Promise<void>;
  let deliveries: DeliveryRepository;
  let subscriptions: SubscriptionRepository;

  beforeAll(async () => {
    ({ dataSource, drop } = await openTriggerTestSchema('trigger_events_int', 6));
    deliveries = new DeliveryRepository(dataSource);
    subscriptions = new SubscriptionRepository(dataSource);
  });

  afterAll(() => drop());

  const delivery = (subscriptionUid: string, eventId: string): NewDelivery => ({
    id: randomUUID(),
    subscriptionUid,
    eventId,
    eventType: 'io.imagestreams.imagestream.created.v1',
    payload: JSON.stringify({ id: eventId }),
    leaseMs: null,
    target: 'http://127.0.0.1:1',
  });

  const storedEvents = async (ids: string[]): Promise<string[]> =>
    (await dataSource.query<{ event_id: string }[]>('SELECT event_id FROM delivery_events WHERE event_id = ANY($1::uuid[]) ORDER BY event_id', [ids])).map((row) => row.event_id);

  /** Deliveries whose event is not stored: what must never exist. */
  const deliveriesWithoutEvent = async (): Promise<number> =>
    (await dataSource.query<{ n: number }[]>('SELECT count(*)::int AS n FROM deliveries d WHERE NOT EXISTS (SELECT 1 FROM delivery_events e WHERE e.event_id = d.event_id)'))[0].n;

  it('deleting a subscription removes the events only it received and keeps those another subscription still needs', async () => {
    const doomed = await insertTestSubscription(dataSource, { namespace: 'events', name: 'doomed' });
    const kept = await insertTestSubscription(dataSource, { namespace: 'events', name: 'kept' });
    const [own, shared] = [randomUUID(), randomUUID()];
    await deliveries.insertLeased([delivery(doomed, own), delivery(doomed, shared), delivery(kept, shared)]);

    expect(await subscriptions.delete('events', 'doomed')).toBe(true);

    expect(await storedEvents([own, shared])).toEqual([shared]);
    const [{ n }] = await dataSource.query<{ n: number }[]>('SELECT count(*)::int AS n FROM deliveries WHERE subscription_uid = $1', [doomed]);
    expect(n).toBe(0);
    expect(await subscriptions.delete('events', 'doomed')).toBe(false);
  });

  it('a deletion racing the planning and the replay of the same event leaves every delivery with its event', async () => {
    for (let round = 0; round < 80; round++) {
      const doomed = await insertTestSubscription(dataSource, { namespace: 'race', name: `doomed-${round}` });
      const planned = await insertTestSubscription(dataSource, { namespace: 'race', name: `planned-${round}` });
      const replayed = await insertTestSubscription(dataSource, { namespace: 'race', name: `replayed-${round}` });
      const event = randomUUID();
      await deliveries.insertLeased([delivery(doomed, event)]);

      await Promise.all([
        subscriptions.delete('race', `doomed-${round}`),
        deliveries.insertLeased([delivery(planned, event)]),
        deliveries.replay([delivery(replayed, event)]),
      ]);

      expect(await storedEvents([event])).toEqual([event]);
    }
    expect(await deliveriesWithoutEvent()).toBe(0);
  });
});
