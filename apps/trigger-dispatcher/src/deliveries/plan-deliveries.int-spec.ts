import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { insertTestSubscription, openTriggerTestSchema } from '../trigger-schema.fixture';
import { DeliveryRepository, type NewDelivery } from './delivery.repository';

/**
 * Planning deliveries (the plan_deliveries() function, one statement) against real Postgres: what
 * gets leased to the planner, what waits, what is skipped, and that planning an event twice adds
 * nothing.
 */
describe('DeliveryRepository.insertLeased (Postgres)', () => {
  let dataSource: DataSource;
  let drop: () => Promise<void>;
  let deliveries: DeliveryRepository;
  let subscription: string;

  beforeAll(async () => {
    ({ dataSource, drop } = await openTriggerTestSchema('trigger_plan_int'));
    deliveries = new DeliveryRepository(dataSource);
  });

  beforeEach(async () => {
    subscription = await insertTestSubscription(dataSource);
  });

  afterAll(() => drop());

  function move(seq: number, overrides: Partial<NewDelivery> = {}): NewDelivery {
    return {
      id: randomUUID(),
      subscriptionUid: subscription,
      eventId: randomUUID(),
      eventType: 'io.imagestreams.tag.changed.v1',
      eventSubject: 'team/app:latest',
      payload: JSON.stringify({ seq }),
      leaseMs: 60_000,
      target: 'http://127.0.0.1:1',
      orderingKey: 'team/app:latest',
      orderingSeq: String(seq),
      ...overrides,
    };
  }

  async function stateOf(id: string): Promise<{ state: string; leased: boolean; payload: string } | undefined> {
    const [row] = await dataSource.query(
      'SELECT state, leased_until IS NOT NULL AS leased, e.payload FROM deliveries d LEFT JOIN delivery_events e ON e.event_id = d.event_id WHERE d.id = $1',
      [id],
    );
    return row;
  }

  it('leases a sendable delivery to the planner and records the event fields with it', async () => {
    const first = move(10);
    const leases = await deliveries.insertLeased([first]);
    expect([...leases.keys()]).toEqual([first.id]);
    expect(Date.parse(leases.get(first.id) as string)).toBeGreaterThan(Date.now());
    expect(await stateOf(first.id)).toEqual({ state: 'pending', leased: true, payload: first.payload });
  });

  it("stores an event's bytes once, however many subscriptions receive it, and the poller sends them", async () => {
    const others = [await insertTestSubscription(dataSource, { name: 'second' }), await insertTestSubscription(dataSource, { name: 'third' })];
    const event = move(10, { leaseMs: null });
    await deliveries.insertLeased([event, ...others.map((subscriptionUid) => ({ ...event, id: randomUUID(), subscriptionUid }))]);

    const [{ rows }] = await dataSource.query('SELECT count(*)::int AS rows FROM delivery_events WHERE event_id = $1', [event.eventId]);
    expect(rows).toBe(1);
    const claimed = (await deliveries.claimDue(10, 0)).filter((job) => job.event_id === event.eventId);
    expect(claimed.map((job) => job.subscription_uid).sort()).toEqual([subscription, ...others].sort());
    for (const job of claimed) expect(job.payload).toBe(event.payload);
  });

  it('inserts nothing for an event planned a second time', async () => {
    const first = move(10);
    await deliveries.insertLeased([first]);
    const again = await deliveries.insertLeased([{ ...first, id: randomUUID() }]);
    expect(again.size).toBe(0);
    const [{ count }] = await dataSource.query('SELECT count(*)::int AS count FROM deliveries WHERE subscription_uid = $1', [subscription]);
    expect(count).toBe(1);
  });

  it('records a newer move unleased while an older one is pending, and one queued behind in its own batch', async () => {
    const older = move(10);
    await deliveries.insertLeased([older]);
    const newer = move(11);
    expect((await deliveries.insertLeased([newer])).size).toBe(0);
    expect(await stateOf(newer.id)).toMatchObject({ state: 'pending', leased: false });

    subscription = await insertTestSubscription(dataSource, { name: 'other' });
    const a = move(20);
    const b = move(21, { queuedBehind: true });
    expect([...(await deliveries.insertLeased([a, b])).keys()]).toEqual([a.id]);
    expect(await stateOf(b.id)).toMatchObject({ state: 'pending', leased: false });
  });

  it('skips a move older than one already recorded', async () => {
    const newer = move(11);
    await deliveries.insertLeased([newer]);
    const late = move(10);
    expect((await deliveries.insertLeased([late])).size).toBe(0);
    expect(await stateOf(late.id)).toMatchObject({ state: 'skipped', leased: false });
  });

  it('lets a newer move supersede an older one that failed and waits for a retry', async () => {
    const failed = move(10);
    await deliveries.insertLeased([failed]);
    await dataSource.query(`UPDATE deliveries SET attempts = 1, leased_until = NULL, next_attempt_at = now() + interval '1 hour' WHERE id = $1`, [failed.id]);
    const newer = move(11);
    expect([...(await deliveries.insertLeased([newer])).keys()]).toEqual([newer.id]);
    expect(await stateOf(failed.id)).toMatchObject({ state: 'skipped', leased: false });
  });

  it("supersedes only the subscription's own failed moves of the same tag, never one being sent", async () => {
    const other = await insertTestSubscription(dataSource, { name: 'other-subscriber' });
    const failedHere = move(10);
    const failedOtherTag = move(10, { orderingKey: 'team/app:stable', eventSubject: 'team/app:stable' });
    const failedOtherSubscriber = move(10, { subscriptionUid: other });
    const failed = [failedHere, failedOtherTag, failedOtherSubscriber];
    await deliveries.insertLeased(failed);
    await dataSource.query(`UPDATE deliveries SET attempts = 1, leased_until = NULL WHERE id = ANY($1::uuid[])`, [failed.map((delivery) => delivery.id)]);
    const beingSent = move(11);
    await deliveries.insertLeased([beingSent]);
    await dataSource.query(`UPDATE deliveries SET attempts = 1 WHERE id = $1`, [beingSent.id]);

    await deliveries.insertLeased([move(12)]);
    expect(await stateOf(failedHere.id)).toMatchObject({ state: 'skipped' });
    expect(await stateOf(failedOtherTag.id)).toMatchObject({ state: 'pending' });
    expect(await stateOf(failedOtherSubscriber.id)).toMatchObject({ state: 'pending' });
    expect(await stateOf(beingSent.id)).toMatchObject({ state: 'pending', leased: true });
  });

  it('records deliveries without an ordering key (not tag moves) leased, whatever else is pending', async () => {
    const events = [move(0, { orderingKey: undefined, orderingSeq: undefined, eventType: 'io.imagestreams.imagestream.created.v1' }), move(0, { orderingKey: undefined, orderingSeq: undefined, leaseMs: null })];
    const leases = await deliveries.insertLeased(events);
    expect([...leases.keys()]).toEqual([events[0].id]);
    expect(await stateOf(events[1].id)).toMatchObject({ state: 'pending', leased: false });
  });
});
