import { randomUUID } from 'node:crypto';
import { openServiceDataSource } from '@imagestreams/platform-persistence';
import { testDatabaseUrl } from '@imagestreams/testing';
import type { DataSource } from 'typeorm';
import { TRIGGER_MIGRATIONS } from '../migrations';
import { DeliveryRepository, type AttemptResult } from './delivery.repository';

/**
 * Recording a batch of attempts against real Postgres when one delivery's subscription was deleted
 * while it was being sent (its deliveries went with it): the others are recorded, nothing fails.
 */
describe('DeliveryRepository.recordAttempts (Postgres)', () => {
  const schema = `trigger_attempts_int_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let dataSource: DataSource;
  let deliveries: DeliveryRepository;

  beforeAll(async () => {
    dataSource = await openServiceDataSource({
      url: testDatabaseUrl(),
      schema,
      entities: [],
      migrations: TRIGGER_MIGRATIONS,
      poolSize: 2,
    });
    deliveries = new DeliveryRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  async function subscriptionWithDelivery(): Promise<{ subscription: string; delivery: string }> {
    const subscription = randomUUID();
    const delivery = randomUUID();
    await dataSource.query(
      `INSERT INTO webhook_subscriptions (uid, namespace, name, spec, signing_secret, resource_version) VALUES ($1, 'team', $2, '{"url":"http://127.0.0.1:1/"}', 'whsec_x', nextval('resource_version_seq'))`,
      [subscription, `hook-${subscription.slice(0, 8)}`],
    );
    await dataSource.query(`INSERT INTO deliveries (id, subscription_uid, event_id, event_type, payload) VALUES ($1, $2, $3, 'io.imagestreams.tag.changed.v1', '{}')`, [delivery, subscription, randomUUID()]);
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
});
