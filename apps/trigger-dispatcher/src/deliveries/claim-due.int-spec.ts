import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { insertTestSubscription, openTriggerTestSchema } from '../trigger-schema.fixture';
import { DeliveryRepository } from './delivery.repository';

/**
 * What the poller may claim, against real Postgres: due deliveries nobody holds (never leased, or
 * a lease that ran out), and nothing that is being sent, waits for a retry, belongs to a paused or
 * disabled subscription or a saturated target, or waits behind an older move of its tag.
 */
describe('DeliveryRepository.claimDue (Postgres)', () => {
  let dataSource: DataSource;
  let drop: () => Promise<void>;
  let deliveries: DeliveryRepository;

  beforeAll(async () => {
    ({ dataSource, drop } = await openTriggerTestSchema('trigger_claim_int'));
    deliveries = new DeliveryRepository(dataSource);
  });

  beforeEach(async () => {
    await dataSource.query('DELETE FROM webhook_subscriptions');
  });

  afterAll(() => drop());

  const subscription = (spec: Record<string, unknown> = {}, disabledReason: string | null = null) => insertTestSubscription(dataSource, { spec, disabledReason });

  interface Row {
    subscription: string;
    /** SQL for leased_until; NULL when omitted. */
    lease?: string;
    /** SQL for next_attempt_at; a second ago when omitted. */
    due?: string;
    state?: string;
    target?: string;
    ordering?: { key: string; seq: number };
  }

  async function delivery(row: Row): Promise<string> {
    const id = randomUUID();
    await dataSource.query(
      `WITH event AS (INSERT INTO delivery_events (event_id, payload) VALUES ($3, '{}'))
       INSERT INTO deliveries (id, subscription_uid, event_id, event_type, state, target, ordering_key, ordering_seq, leased_until, next_attempt_at)
       VALUES ($1, $2, $3, 'io.imagestreams.tag.changed.v1', $4, $5, $6, $7, ${row.lease ?? 'NULL'}, ${row.due ?? `clock_timestamp() - interval '1 second'`})`,
      [id, row.subscription, randomUUID(), row.state ?? 'pending', row.target ?? 'http://127.0.0.1:1', row.ordering?.key ?? null, row.ordering?.seq ?? null],
    );
    return id;
  }

  const claimedIds = async (limit = 100, saturatedTargets: string[] = [], options?: { expiredLeases: boolean }): Promise<string[]> =>
    (await deliveries.claimDue(limit, 5_000, saturatedTargets, options)).map((job) => job.id).sort();

  it('claims due deliveries nobody holds and leases them; leaves those being sent, waiting for a retry, or settled', async () => {
    const uid = await subscription();
    const unleased = await delivery({ subscription: uid });
    const leaseRanOut = await delivery({ subscription: uid, lease: `clock_timestamp() - interval '1 second'` });
    await delivery({ subscription: uid, lease: `clock_timestamp() + interval '1 minute'` });
    await delivery({ subscription: uid, due: `clock_timestamp() + interval '1 minute'` });
    await delivery({ subscription: uid, state: 'succeeded' });

    expect(await claimedIds()).toEqual([unleased, leaseRanOut].sort());
    // Claimed means leased: a second poller finds nothing.
    expect(await claimedIds()).toEqual([]);
  });

  it('leaves leases that ran out to a claim that asks for them (the timer\'s), and takes unleased deliveries either way', async () => {
    const uid = await subscription();
    const unleased = await delivery({ subscription: uid });
    const leaseRanOut = await delivery({ subscription: uid, lease: `clock_timestamp() - interval '1 second'` });

    expect(await claimedIds(100, [], { expiredLeases: false })).toEqual([unleased]);
    expect(await claimedIds(100, [], { expiredLeases: true })).toEqual([leaseRanOut]);
  });

  it('skips paused and disabled subscriptions and saturated targets, even when more of those are due than the claim takes', async () => {
    const paused = await subscription({ paused: true });
    const disabled = await subscription({}, 'failed 10 attempts in a row');
    const active = await subscription();
    // Older than the claimable one and as many as one claim takes: they must not hide it.
    for (let i = 0; i < 3; i++) {
      await delivery({ subscription: paused, due: `clock_timestamp() - interval '1 hour'` });
      await delivery({ subscription: disabled, lease: `clock_timestamp() - interval '1 hour'`, due: `clock_timestamp() - interval '1 hour'` });
      await delivery({ subscription: active, target: 'http://busy.example', due: `clock_timestamp() - interval '1 hour'` });
    }
    const claimable = await delivery({ subscription: active });

    expect(await claimedIds(3, ['http://busy.example'])).toEqual([claimable]);
  });

  it('holds a move back while an older move of the same tag is pending, and releases it once that one settles', async () => {
    const uid = await subscription();
    const older = await delivery({ subscription: uid, lease: `clock_timestamp() + interval '1 minute'`, ordering: { key: 'team/app:latest', seq: 10 } });
    const newer = await delivery({ subscription: uid, ordering: { key: 'team/app:latest', seq: 11 } });
    const otherTag = await delivery({ subscription: uid, ordering: { key: 'team/app:stable', seq: 12 } });

    expect(await claimedIds()).toEqual([otherTag]);

    await dataSource.query(`UPDATE deliveries SET state = 'succeeded', leased_until = NULL WHERE id = $1`, [older]);
    expect(await claimedIds()).toEqual([newer]);
  });
});
