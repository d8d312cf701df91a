import { randomUUID } from 'node:crypto';
import { returnedRows } from '@imagestreams/platform-persistence';
import { eventually } from '@imagestreams/testing';
import type { DataSource } from 'typeorm';
import { insertTestSubscription, openTriggerTestSchema } from '../trigger-schema.fixture';
import { DeliveryRepository, type AttemptResult } from './delivery.repository';

/**
 * Recording a batch of attempts against real Postgres when one delivery's subscription was deleted
 * while it was being sent (its deliveries went with it): the others are recorded, nothing fails.
 */
describe('DeliveryRepository.recordAttempts (Postgres)', () => {
  let dataSource: DataSource;
  let drop: () => Promise<void>;
  let deliveries: DeliveryRepository;

  beforeAll(async () => {
    ({ dataSource, drop } = await openTriggerTestSchema('trigger_attempts_int', 4));
    deliveries = new DeliveryRepository(dataSource);
  });

  afterAll(() => drop());

  async function subscriptionWithDelivery(): Promise<{ subscription: string; delivery: string }> {
    const subscription = await insertTestSubscription(dataSource);
    const delivery = randomUUID();
    await dataSource.query(`INSERT INTO deliveries (id, subscription_uid, event_id, event_type) VALUES ($1, $2, $3, 'io.imagestreams.tag.changed.v1')`, [delivery, subscription, randomUUID()]);
    return { subscription, delivery };
  }

  const succeeded = (ids: { subscription: string; delivery: string }): AttemptResult => ({
    deliveryId: ids.delivery,
    subscriptionUid: ids.subscription,
    attempt: { attemptedAt: new Date(), statusCode: 204, latencyMs: 3 },
    outcome: { state: 'succeeded' },
    streak: 'success',
  });

  it('records the batch without the attempt of a delivery deleted with its subscription', async () => {
    const kept = await subscriptionWithDelivery();
    const deleted = await subscriptionWithDelivery();
    await dataSource.query('DELETE FROM webhook_subscriptions WHERE uid = $1', [deleted.subscription]);

    await deliveries.recordAttempts([succeeded(kept), succeeded(deleted)], 100, async () => undefined);

    const attempts: { delivery_id: string }[] = await dataSource.query('SELECT delivery_id FROM delivery_attempts');
    expect(attempts.map((row) => row.delivery_id)).toEqual([kept.delivery]);
    const [state]: { state: string }[] = await dataSource.query('SELECT state FROM deliveries WHERE id = $1', [kept.delivery]);
    expect(state.state).toBe('succeeded');
  });

  it('records the batch when a delivery is deleted with its subscription while the statement runs', async () => {
    const kept = await subscriptionWithDelivery();
    const deleted = await subscriptionWithDelivery();
    // The deletion holds the delivery row when the statement starts, and commits while the
    // attempt's foreign key check waits for that row.
    const deletion = dataSource.createQueryRunner();
    await deletion.connect();
    await deletion.startTransaction();
    await deletion.query('DELETE FROM webhook_subscriptions WHERE uid = $1', [deleted.subscription]);
    const recording = deliveries.recordAttempts([succeeded(kept), succeeded(deleted)], 100, async () => undefined);
    await eventually(async () => {
      const [{ waiting }]: { waiting: number }[] = await dataSource.query(
        `SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%INSERT INTO delivery_attempts%'`,
      );
      return waiting > 0 ? true : undefined;
    }, 'the attempt statement to wait for the deleted row');
    await deletion.commitTransaction();
    await deletion.release();

    await recording;
    const attempts: { delivery_id: string }[] = await dataSource.query('SELECT delivery_id FROM delivery_attempts WHERE delivery_id = ANY($1::uuid[])', [[kept.delivery, deleted.delivery]]);
    expect(attempts.map((row) => row.delivery_id)).toEqual([kept.delivery]);
    const [state]: { state: string }[] = await dataSource.query('SELECT state FROM deliveries WHERE id = $1', [kept.delivery]);
    expect(state.state).toBe('succeeded');
  });

  it('renews many leases in one statement, only those still held exactly as read', async () => {
    const held = await subscriptionWithDelivery();
    const takenOver = await subscriptionWithDelivery();
    const expired = await subscriptionWithDelivery();
    const lease = async (id: string, sql: string): Promise<string> => {
      const [row] = returnedRows<{ lease: string }>(await dataSource.query(`UPDATE deliveries SET leased_until = ${sql} WHERE id = $1 RETURNING leased_until::text AS lease`, [id]));
      return row.lease;
    };
    const heldLease = await lease(held.delivery, `clock_timestamp() + interval '10 seconds'`);
    const readLease = await lease(takenOver.delivery, `clock_timestamp() + interval '10 seconds'`);
    await lease(takenOver.delivery, `clock_timestamp() + interval '20 seconds'`);
    const expiredLease = await lease(expired.delivery, `clock_timestamp() - interval '1 second'`);

    const renewed = await deliveries.renewLeases([
      { id: held.delivery, lease: heldLease, leaseMs: 60_000 },
      { id: takenOver.delivery, lease: readLease, leaseMs: 60_000 },
      { id: expired.delivery, lease: expiredLease, leaseMs: 60_000 },
    ]);

    expect([...renewed.keys()]).toEqual([held.delivery]);
    const [row]: { seconds: number }[] = await dataSource.query('SELECT extract(epoch FROM leased_until - clock_timestamp())::int AS seconds FROM deliveries WHERE id = $1', [held.delivery]);
    expect(row.seconds).toBeGreaterThan(50);
    expect(renewed.get(held.delivery)).not.toBe(heldLease);
  });

  it('leaves a delivery planned without room here unleased, for whichever poller claims it', async () => {
    const { subscription } = await subscriptionWithDelivery();
    const [taken, left] = [randomUUID(), randomUUID()];
    const planned = (id: string, leaseMs: number | null) => ({
      id,
      subscriptionUid: subscription,
      eventId: randomUUID(),
      eventType: 'io.imagestreams.tag.changed.v1',
      payload: '{}',
      leaseMs,
      target: 'http://127.0.0.1:1',
    });

    const leases = await deliveries.insertLeased([planned(taken, 60_000), planned(left, null)]);

    expect([...leases.keys()]).toEqual([taken]);
    const claimed = await deliveries.claimDue(10, 5_000);
    expect(claimed.map((job) => job.id)).toContain(left);
    expect(claimed.map((job) => job.id)).not.toContain(taken);
  });
});
