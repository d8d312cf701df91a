import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { insertTestSubscription, openTriggerTestSchema } from '../trigger-schema.fixture';
import { pruneDeliveryLog } from './delivery-log-retention';

const HOUR_MS = 3_600_000;

/**
 * The delivery log's retention against real Postgres: settled deliveries older than the retention
 * go with their attempts and the events nothing else needs; pending ones, recent ones and events a
 * remaining delivery needs stay; while one replica prunes, another passes.
 */
describe('pruneDeliveryLog (Postgres)', () => {
  let dataSource: DataSource;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    ({ dataSource, drop } = await openTriggerTestSchema('trigger_retention_int', 4));
  });

  afterAll(() => drop());

  /** A delivery created `ageHours` ago, with its stored event (shared when `eventId` repeats) and one attempt. */
  async function delivery(subscription: string, options: { ageHours: number; state: string; eventId?: string }): Promise<{ id: string; eventId: string }> {
    const id = randomUUID();
    const eventId = options.eventId ?? randomUUID();
    await dataSource.query(
      `WITH event AS (INSERT INTO delivery_events (event_id, payload) VALUES ($3, '{}') ON CONFLICT DO NOTHING)
       INSERT INTO deliveries (id, subscription_uid, event_id, event_type, state, created_at)
       VALUES ($1, $2, $3, 'io.imagestreams.tag.changed.v1', $4, clock_timestamp() - $5::int * interval '1 hour')`,
      [id, subscription, eventId, options.state, options.ageHours],
    );
    await dataSource.query('INSERT INTO delivery_attempts (delivery_id, attempted_at, status_code, latency_ms) VALUES ($1, now(), 200, 3)', [id]);
    return { id, eventId };
  }

  const existing = async (table: string, column: string, ids: string[]): Promise<string[]> =>
    (await dataSource.query<{ id: string }[]>(`SELECT ${column} AS id FROM ${table} WHERE ${column} = ANY($1::uuid[]) ORDER BY 1`, [ids])).map((row) => row.id);

  it('removes settled deliveries past the retention with their attempts and unused events, and keeps the rest', async () => {
    const [one, two] = [await insertTestSubscription(dataSource), await insertTestSubscription(dataSource)];
    const succeeded = await delivery(one, { ageHours: 200, state: 'succeeded' });
    const dead = await delivery(one, { ageHours: 200, state: 'dead' });
    const skipped = await delivery(two, { ageHours: 200, state: 'skipped' });
    const oldPending = await delivery(one, { ageHours: 200, state: 'pending' });
    const recent = await delivery(two, { ageHours: 1, state: 'succeeded' });
    const sharedOld = await delivery(one, { ageHours: 200, state: 'succeeded' });
    const sharedRecent = await delivery(two, { ageHours: 1, state: 'succeeded', eventId: sharedOld.eventId });
    const gone = [succeeded, dead, skipped, sharedOld];
    const kept = [oldPending, recent, sharedRecent];

    expect(await pruneDeliveryLog(dataSource, 168 * HOUR_MS, 2)).toBe(gone.length);

    const ids = (rows: { id: string }[]) => rows.map((row) => row.id).sort();
    expect(await existing('deliveries', 'id', ids([...gone, ...kept]))).toEqual(ids(kept));
    expect(await existing('delivery_attempts', 'delivery_id', ids(gone))).toEqual([]);
    const events = (rows: { eventId: string }[]) => [...new Set(rows.map((row) => row.eventId))].sort();
    expect(await existing('delivery_events', 'event_id', events([...gone, ...kept]))).toEqual(events(kept));

    expect(await pruneDeliveryLog(dataSource, 168 * HOUR_MS)).toBe(0);
  });

  it('passes while another replica is pruning, and prunes in full on its next turn', async () => {
    const subscription = await insertTestSubscription(dataSource);
    for (let index = 0; index < 5; index++) await delivery(subscription, { ageHours: 200, state: 'succeeded' });
    const otherReplica = dataSource.createQueryRunner();
    await otherReplica.connect();
    try {
      await otherReplica.startTransaction();
      await otherReplica.query(`SELECT pg_advisory_xact_lock(hashtextextended('trigger-dispatcher.prune-delivery-log', 0))`);

      expect(await pruneDeliveryLog(dataSource, 168 * HOUR_MS, 2)).toBe(0);
      expect(await existing('deliveries', 'subscription_uid', [subscription])).toHaveLength(5);

      await otherReplica.commitTransaction();
    } finally {
      await otherReplica.release();
    }
    expect(await pruneDeliveryLog(dataSource, 168 * HOUR_MS, 2)).toBe(5);
    expect(await existing('deliveries', 'subscription_uid', [subscription])).toEqual([]);
  });
});
