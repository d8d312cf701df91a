import { Webhook } from 'standardwebhooks';
import { eventually, WebhookReceiver, type ReceivedWebhook } from '@imagestreams/testing';
import { api, controlStack, createSubscription, createTestNamespace, mapping, randomDigest } from './support/api';

/*
 * The trigger-dispatcher is SIGKILLed three times at random points of a burst of 500 tag moves
 * fanned out to three subscribers. Whatever each kill interrupted (a planning batch before its
 * INSERT committed, planned deliveries not yet acked to JetStream, webhooks in flight, queued
 * jobs), every (subscription, event) pair must reach its receiver at least once, and exactly once
 * after deduplicating by `webhook-id`, signed with that subscription's secret.
 *
 * Every move is of a distinct tag: a newer move of the same tag would supersede a pending older
 * one (recorded as `skipped`), and this test wants every event delivered.
 *
 * Recovery rests on the stack's short timers (global-setup: WEBHOOK_POLL_INTERVAL_MS=200,
 * WEBHOOK_LEASE_GRACE_MS=500) and on `timeoutSeconds: 2` here, so a delivery leased at planning time
 * comes back 2.5 s after its sender died; events the killed process had pulled but not acked come
 * back after the durable's ack_wait (30 s); a delivery the poller had claimed (an orphan or a retry)
 * comes back 60.5 s after the claim. Those two timers, not the burst, are most of the run time.
 */

const DISPATCHER = 'trigger-dispatcher';
const MOVES = 500;
const SUBSCRIBERS = 3;
const KILLS = 3;
/** Mappings in flight at once (modest: the point is a steady stream of commits, not load). */
const IN_FLIGHT = 8;
/** Tags are spread over a few streams so the moves are not all serialized on one stream's row lock. */
const STREAMS = 10;
/**
 * From the last restart: a delivery the poller had claimed when its process was killed comes back
 * only when that lease ends, 60 s + grace after the claim (the poller leases for the longest
 * timeout any subscription may set, not this one's 2 s); plus slack for a busy two-core machine.
 */
const DELIVERY_DEADLINE_MS = 110_000;

interface TagChanged {
  id: string;
  time: string;
  data: { namespace: string; imageStream: string; tag: string; current: { image: string } };
}

interface DeliveryList {
  items: { eventId: string; outcome: string; createdAt: string; nextAttemptAt?: string; attempts: unknown[] }[];
}

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/**
 * Where the kills land: kill k once `killAt[k]` posts were acknowledged, a random index in the
 * k-th third of the burst (away from its edges). Posts from `holdAt[k]` on wait until the dispatcher
 * killed before is back, so every kill lands mid-burst, and after a random 8-32 further posts, so it
 * hits a restarted dispatcher that is busy with the backlog its predecessor left.
 */
function killPlan(): { killAt: number[]; holdAt: number[] } {
  const slice = MOVES / KILLS;
  const killAt = Array.from({ length: KILLS }, (_, k) => Math.floor(k * slice + slice * (0.15 + Math.random() * 0.7)));
  // Kill points are at least 0.3 slices (50 posts) apart, so holdAt[k] stays above killAt[k - 1].
  const holdAt = killAt.map((point, k) => (k === 0 ? 0 : point - IN_FLIGHT - Math.floor(Math.random() * 25)));
  return { killAt, holdAt };
}

describe('webhooks survive the trigger-dispatcher being SIGKILLed mid-burst', () => {
  const receivers: WebhookReceiver[] = [];

  afterEach(async () => {
    // Leave the shared stack as we found it, whatever happened in the test.
    await controlStack(DISPATCHER, 'start').catch(() => undefined);
    await Promise.all(receivers.map((receiver) => receiver.stop()));
  });

  it(`delivers each of ${MOVES} tag moves to each of ${SUBSCRIBERS} subscribers at least once (exactly once after dedup by webhook-id) across ${KILLS} SIGKILLs`, async () => {
    const namespace = await createTestNamespace('dispatcher-kill');
    const subscribers: { name: string; receiver: WebhookReceiver; secret: string }[] = [];
    for (let index = 0; index < SUBSCRIBERS; index++) {
      const receiver = new WebhookReceiver();
      receivers.push(receiver);
      const url = await receiver.start();
      const name = `hook-${index}`;
      const { signingSecret } = await createSubscription(namespace, name, { url, events: ['tag.changed'], timeoutSeconds: 2 });
      subscribers.push({ name, receiver, secret: signingSecret });
    }

    const planned = Array.from({ length: MOVES }, (_, index) => ({ stream: `app-${index % STREAMS}`, tag: `t${index}`, image: randomDigest() }));
    const plannedChanges = new Set(planned.map((move) => `${move.stream}:${move.tag}@${move.image}`));

    const { killAt, holdAt } = killPlan();
    const reached = killAt.map(() => deferred());
    const restarted = killAt.map(() => deferred());
    const kills: { afterPosts: number; killedAtMs: number; downMs: number }[] = [];
    let burstStarted = Date.now();
    let acknowledged = 0;
    const chaos = (async () => {
      for (let k = 0; k < KILLS; k++) {
        await reached[k].promise;
        const killedAt = Date.now();
        const afterPosts = acknowledged;
        await controlStack(DISPATCHER, 'kill');
        await controlStack(DISPATCHER, 'start');
        kills.push({ afterPosts, killedAtMs: killedAt - burstStarted, downMs: Date.now() - killedAt });
        restarted[k].resolve();
      }
    })();
    // Should the chaos fail, the poster must not wait forever for a restart that never comes.
    chaos.catch(() => restarted.forEach((restart) => restart.resolve()));

    burstStarted = Date.now();
    let next = 0;
    const postOne = async (index: number) => {
      const move = planned[index];
      const response = await api('POST', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreammappings`, mapping(move.stream, move.tag, move.image));
      if (response.status !== 201) throw new Error(`mapping ${move.stream}:${move.tag} answered ${response.status}: ${JSON.stringify(response.body)}`);
      acknowledged += 1;
      killAt.forEach((point, k) => {
        if (acknowledged === point) reached[k].resolve();
      });
    };
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        for (;;) {
          const index = next++;
          if (index >= MOVES) return;
          for (let k = 1; k < KILLS; k++) if (index >= holdAt[k]) await restarted[k - 1].promise;
          await postOne(index);
        }
      }),
    );
    const burstMs = Date.now() - burstStarted;
    await chaos;
    const chaosDoneMs = Date.now() - burstStarted;

    const distinctIds = (receiver: WebhookReceiver) => new Set(receiver.received.map((request) => String(request.headers['webhook-id'])));
    const deliveries = async (name: string) => {
      const list = await api<DeliveryList>('GET', `/apis/notifications.imagestreams.io/v1/namespaces/${namespace}/webhooksubscriptions/${name}/deliveries?limit=1000`);
      if (list.status !== 200) throw new Error(`deliveries of ${name}: ${list.status} ${JSON.stringify(list.body)}`);
      return list.body.items;
    };
    const outcomesOf = async (name: string) => {
      const counts = { name, recorded: 0, succeeded: 0, pending: 0, skipped: 0, dead: 0 };
      for (const { outcome } of await deliveries(name)) {
        counts.recorded += 1;
        if (outcome === 'succeeded' || outcome === 'pending' || outcome === 'skipped' || outcome === 'dead') counts[outcome] += 1;
      }
      return counts;
    };

    // Settled = every receiver saw every event, and the dispatcher's log (one snapshot per
    // subscription) has a delivery for each with none pending: an interrupted send the receiver did
    // get stays pending until its lease runs out and it is sent again, and that duplicate must be
    // counted too. The log is read at most once a second (it is 500 deliveries with their attempts).
    let allSeenMs: number | undefined;
    let lastRead = 0;
    const outcomes = await eventually(
      async () => {
        if (!subscribers.every(({ receiver }) => distinctIds(receiver).size >= MOVES)) return undefined;
        allSeenMs ??= Date.now() - burstStarted;
        if (Date.now() - lastRead < 1_000) return undefined;
        lastRead = Date.now();
        const counts = await Promise.all(subscribers.map(({ name }) => outcomesOf(name)));
        return counts.every((count) => count.pending === 0 && count.recorded >= MOVES) ? counts : undefined;
      },
      'every receiver to see every event and no delivery left pending',
      DELIVERY_DEADLINE_MS,
    ).catch(async (error: Error) => {
      // Where the missing ones are: recorded but not received (in which state), or never planned.
      const stuck = await Promise.all(
        subscribers.map(async ({ name, receiver }) => {
          const received = distinctIds(receiver);
          const recorded = await deliveries(name);
          return {
            name,
            received: received.size,
            recorded: recorded.length,
            notSettled: recorded.filter((delivery) => !received.has(delivery.eventId) || delivery.outcome !== 'succeeded').slice(0, 5),
          };
        }),
      );
      throw new Error(`${error.message} (kills ${JSON.stringify(kills)}): ${JSON.stringify(stuck)}`);
    });
    const settledMs = Date.now() - burstStarted;

    const summary = subscribers.map(({ name, receiver, secret }) => {
      const ids = distinctIds(receiver);
      const idsByChange = new Map<string, Set<string>>();
      let unverified = 0;
      let slowestFirstDeliveryMs = 0;
      const webhook = new Webhook(secret);
      const seen = new Set<string>();
      for (const request of receiver.received) {
        const event = JSON.parse(request.body) as TagChanged;
        if (!seen.has(event.id)) slowestFirstDeliveryMs = Math.max(slowestFirstDeliveryMs, request.receivedAt - Date.parse(event.time));
        seen.add(event.id);
        const change = `${event.data.imageStream}:${event.data.tag}@${event.data.current.image}`;
        idsByChange.set(change, (idsByChange.get(change) ?? new Set()).add(String(request.headers['webhook-id'])));
        if (event.id !== request.headers['webhook-id'] || !verifies(webhook, request)) unverified += 1;
      }
      return {
        name,
        requests: receiver.received.length,
        distinctWebhookIds: ids.size,
        duplicatesBeforeDedup: receiver.received.length - ids.size,
        missing: [...plannedChanges].filter((change) => !idsByChange.has(change)).length,
        unexpected: [...idsByChange.keys()].filter((change) => !plannedChanges.has(change)).length,
        // The same change under two webhook-ids would get past a receiver's dedup.
        changesWithSeveralIds: [...idsByChange.values()].filter((set) => set.size > 1).length,
        unverified,
        // Commit to first arrival, worst case: shows which recovery path the slowest event took.
        slowestFirstDeliveryMs,
        ids,
      };
    });
    console.log(
      `DISPATCHER_KILL_SUMMARY ${JSON.stringify({
        moves: MOVES,
        killAt,
        holdAt,
        kills,
        burstMs,
        chaosDoneMs,
        allSeenMs,
        settledMs,
        receivers: summary.map(({ ids: _ids, ...rest }) => rest),
      })}`,
    );

    expect(kills).toHaveLength(KILLS);
    expect(outcomes).toEqual(subscribers.map(({ name }) => ({ name, recorded: MOVES, succeeded: MOVES, pending: 0, skipped: 0, dead: 0 })));
    for (const receiver of summary) {
      expect({ name: receiver.name, distinct: receiver.distinctWebhookIds, missing: receiver.missing, unexpected: receiver.unexpected, changesWithSeveralIds: receiver.changesWithSeveralIds, unverified: receiver.unverified }).toEqual({
        name: receiver.name,
        distinct: MOVES,
        missing: 0,
        unexpected: 0,
        changesWithSeveralIds: 0,
        unverified: 0,
      });
    }
    // Every subscriber got the same events (the same webhook-ids).
    expect([...summary[1].ids].sort()).toEqual([...summary[0].ids].sort());
    expect([...summary[2].ids].sort()).toEqual([...summary[0].ids].sort());
  }, 240_000);
});

function verifies(webhook: Webhook, request: ReceivedWebhook): boolean {
  try {
    webhook.verify(request.body, request.headers as Record<string, string>);
    return true;
  } catch {
    return false;
  }
}
