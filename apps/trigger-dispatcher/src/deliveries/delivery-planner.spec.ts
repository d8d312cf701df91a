import type { CloudEvent } from '@imagestreams/contracts';
import { DeliveryPlanner, type ImageEventData } from './delivery-planner';
import type { DeliveryRepository, NewDelivery } from './delivery.repository';
import type { DeliveryWorker } from './delivery-worker';
import type { SubscriptionRepository, SubscriptionRow } from '../subscriptions/subscription.repository';

const subscription = {
  uid: '00000000-0000-4000-8000-000000000001',
  namespace: 'team',
  name: 'deploy-bot',
  spec: { url: 'http://127.0.0.1:1/hook', events: ['tag.changed'] },
} as unknown as SubscriptionRow;

function tagMove(resourceVersion: string, tag = 'latest'): CloudEvent<ImageEventData> {
  return {
    specversion: '1.0',
    id: `event-${resourceVersion}`,
    type: 'io.imagestreams.tag.changed.v1',
    source: 'test',
    subject: `namespaces/team/imagestreams/app:${tag}`,
    time: new Date().toISOString(),
    data: { namespace: 'team', imageStream: 'app', tag, resourceVersion },
  } as CloudEvent<ImageEventData>;
}

/** Lets every callback queued so far (and the microtasks they queue) run. */
async function eventLoopTurns(count: number): Promise<void> {
  for (let turn = 0; turn < count; turn++) await new Promise((resolve) => setImmediate(resolve));
}

/** A planner whose delivery INSERTs commit only when the test says so. */
function plannerWithHeldInserts() {
  const inserts: { deliveries: NewDelivery[]; commit: () => void }[] = [];
  const deliveries = {
    insertLeased: (batch: NewDelivery[]) =>
      new Promise<Map<string, string>>((resolve) => inserts.push({ deliveries: batch, commit: () => resolve(new Map(batch.map((delivery) => [delivery.id, 'lease']))) })),
  } as unknown as DeliveryRepository;
  const subscriptions = { activeIn: () => Promise.resolve([subscription]) } as unknown as SubscriptionRepository;
  const worker = { roomFor: () => 8, leaseMs: () => 60_000, leftInDatabase: () => undefined } as unknown as DeliveryWorker;
  return { planner: new DeliveryPlanner(subscriptions, deliveries, worker), inserts };
}

describe('DeliveryPlanner', () => {
  it('plans moves of a tag in the order they arrive: the newer waits until the batch with the older is committed', async () => {
    const { planner, inserts } = plannerWithHeldInserts();

    const older = planner.plan(tagMove('10'), '{"older":true}');
    await eventLoopTurns(5);
    const newer = planner.plan(tagMove('11'), '{"newer":true}');
    await eventLoopTurns(5);
    // Were the newer move's batch to run now, it could commit first and make the older one look superseded.
    expect(inserts.map((insert) => insert.deliveries.map((delivery) => delivery.orderingSeq))).toEqual([['10']]);

    inserts[0].commit();
    expect(await older).toHaveLength(1);
    await eventLoopTurns(5);
    expect(inserts.map((insert) => insert.deliveries.map((delivery) => delivery.orderingSeq))).toEqual([['10'], ['11']]);
    inserts[1].commit();
    expect((await newer).map((job) => job.payload)).toEqual(['{"newer":true}']);
  });

  it('plans what arrived while a batch was running as one batch, oldest move first in line', async () => {
    const { planner, inserts } = plannerWithHeldInserts();

    const first = planner.plan(tagMove('10'), '{}');
    await eventLoopTurns(5);
    const waiting = [planner.plan(tagMove('11'), '{}')];
    await eventLoopTurns(1);
    waiting.push(planner.plan(tagMove('12'), '{}'));
    await eventLoopTurns(5);
    inserts[0].commit();
    await first;
    await eventLoopTurns(5);

    expect(inserts).toHaveLength(2);
    expect(inserts[1].deliveries.map(({ orderingSeq, queuedBehind }) => ({ orderingSeq, queuedBehind }))).toEqual([
      { orderingSeq: '11', queuedBehind: false },
      { orderingSeq: '12', queuedBehind: true },
    ]);
    inserts[1].commit();
    expect(await Promise.all(waiting)).toHaveLength(2);
  });

  it('plans moves of other tags at once, while a batch with an earlier move of another tag runs', async () => {
    const { planner, inserts } = plannerWithHeldInserts();

    void planner.plan(tagMove('10', 'latest'), '{}');
    await eventLoopTurns(5);
    const stable = planner.plan(tagMove('11', 'stable'), '{}');
    await eventLoopTurns(5);
    expect(inserts.map((insert) => insert.deliveries.map((delivery) => delivery.orderingKey))).toEqual([['team/app:latest'], ['team/app:stable']]);
    inserts[1].commit();
    expect(await stable).toHaveLength(1);
  });

  it('plans a batch again from a fresh read of the subscriptions when one was deleted before its INSERT', async () => {
    const reads: number[] = [];
    let inserts = 0;
    const deliveries = {
      insertLeased: (batch: NewDelivery[]) => {
        inserts += 1;
        if (inserts === 1) return Promise.reject(Object.assign(new Error('violates foreign key constraint'), { code: '23503' }));
        return Promise.resolve(new Map(batch.map((delivery) => [delivery.id, 'lease'])));
      },
    } as unknown as DeliveryRepository;
    const subscriptions = { activeIn: () => (reads.push(reads.length + 1), Promise.resolve([subscription])) } as unknown as SubscriptionRepository;
    const worker = { roomFor: () => 8, leaseMs: () => 60_000, leftInDatabase: () => undefined } as unknown as DeliveryWorker;
    const planner = new DeliveryPlanner(subscriptions, deliveries, worker);

    expect(await planner.plan(tagMove('10'), '{}')).toHaveLength(1);
    expect(reads).toEqual([1, 2]);
    expect(inserts).toBe(2);
  });
});
