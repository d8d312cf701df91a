import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createCloudEvent } from '@imagestreams/contracts';
import { eventually, testDatabaseUrl, testNatsUrl } from '@imagestreams/testing';
import { connect, type JetStreamManager, type NatsConnection } from 'nats';
import { DataSource } from 'typeorm';
import { publishEventBytes } from '../jetstream/event-publisher';
import { ensureEventStream } from '../jetstream/provisioning';
import { OutboxRelay } from './outbox-relay';
import { OUTBOX_TABLE_V1_SQL } from './outbox-table';

const DATABASE_URL = testDatabaseUrl();
const NATS_URL = testNatsUrl();
const REPO_ROOT = path.resolve(__dirname, '../../../../..');

function runCrashingRelay(env: Record<string, string>): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', path.join(__dirname, 'fixtures/crashing-relay.fixture.ts')], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env, TS_NODE_PROJECT: path.join(REPO_ROOT, 'tools/tsconfig.json') },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => resolve(signal));
  });
}

describe('outbox relay killed mid-flight (real Postgres, real JetStream)', () => {
  const id = randomUUID().replace(/-/g, '').slice(0, 10);
  const schema = `outbox_test_${id}`;
  const streamName = `OUTBOX_TEST_${id.toUpperCase()}`;
  const subject = `test.outbox.${id}.evt`;
  let dataSource: DataSource;
  let connection: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    dataSource = new DataSource({ type: 'postgres', url: DATABASE_URL, extra: { options: `-c search_path=${schema}` } });
    await dataSource.initialize();
    await dataSource.query(`CREATE SCHEMA ${schema}`);
    await dataSource.query(OUTBOX_TABLE_V1_SQL);
    connection = await connect({ servers: NATS_URL });
    jsm = await connection.jetstreamManager();
    await ensureEventStream(jsm, { name: streamName, subjects: [`test.outbox.${id}.>`], replicas: 1, maxAgeHours: 1 });
  });

  afterAll(async () => {
    await jsm.streams.delete(streamName);
    await connection.drain();
    await dataSource.query(`DROP SCHEMA ${schema} CASCADE`);
    await dataSource.destroy();
  });

  const relay = () => new OutboxRelay(dataSource, (s, payload, eventId) => publishEventBytes(connection.jetstream(), s, payload, eventId));
  const messagesInStream = async () => (await jsm.streams.info(streamName)).state.messages;
  const unpublishedRows = async () => Number((await dataSource.query('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL'))[0].n);

  it.each([
    ['after the business transaction committed, before publishing', 'after-commit', 0],
    ['after JetStream accepted the event, before the row was marked published', 'after-publish', 1],
  ])('publishes the event exactly once when killed %s', async (_when, crashAt, publishedBeforeCrash) => {
    const before = await messagesInStream();
    const event = createCloudEvent({ type: 'io.imagestreams.test.v1', source: '/test', data: { n: 1 } });
    const signal = await runCrashingRelay({ DATABASE_URL, NATS_URL, SCHEMA: schema, SUBJECT: subject, EVENT_JSON: JSON.stringify(event), CRASH_AT: crashAt });

    expect(signal).toBe('SIGKILL');
    expect(await unpublishedRows()).toBe(1);
    expect(await messagesInStream()).toBe(before + publishedBeforeCrash);

    // The next relay (a restarted process or another replica) finds the row and publishes it.
    expect(await relay().drain()).toBe(1);
    expect(await unpublishedRows()).toBe(0);
    expect(await messagesInStream()).toBe(before + 1);
    const stored = await jsm.streams.getMessage(streamName, { last_by_subj: subject });
    expect(stored.header.get('Nats-Msg-Id')).toBe(event.id);
    expect(JSON.parse(new TextDecoder().decode(stored.data))).toEqual(event);
  });

  const insertEvents = async (count: number) => {
    const events = Array.from({ length: count }, (_, n) => createCloudEvent({ type: 'io.imagestreams.test.v1', source: '/test', data: { n } }));
    await dataSource.query(
      `INSERT INTO outbox (id, subject, payload) SELECT id, subject, payload FROM unnest($1::uuid[], $2::text[], $3::text[]) WITH ORDINALITY AS e (id, subject, payload, n) ORDER BY n`,
      [events.map((e) => e.id), events.map(() => subject), events.map((e) => JSON.stringify(e))],
    );
    return events.map((event) => event.id);
  };

  it('publishes rows in the order they were written, across batches', async () => {
    const written = await insertEvents(250);
    const published: string[] = [];
    const recording = new OutboxRelay(dataSource, async (_subject, _payload, eventId) => published.push(eventId), { batchSize: 64 });
    expect(await recording.drain()).toBe(250);
    expect(published).toEqual(written);
  });

  it('leaves a batch unpublished when publishing fails, and the next pass publishes it', async () => {
    const written = await insertEvents(5);
    let calls = 0;
    const failing = new OutboxRelay(dataSource, async () => {
      calls += 1;
      if (calls === 3) throw new Error('nats: timeout');
    });
    expect(await failing.drain()).toBe(0);
    expect(await unpublishedRows()).toBe(5);

    const published: string[] = [];
    expect(await new OutboxRelay(dataSource, async (_subject, _payload, eventId) => published.push(eventId)).drain()).toBe(5);
    expect(published).toEqual(written);
    expect(await unpublishedRows()).toBe(0);
  });

  it('polls with one read while nothing waits, and runs a pass when a row does (one committed by a process that died)', async () => {
    const published: string[] = [];
    const polling = new OutboxRelay(dataSource, async (_subject, _payload, eventId) => void published.push(eventId), { pollIntervalMs: 3_600_000 });
    polling.start();
    try {
      await eventually(async () => (polling.idle ? true : undefined), 'the first pass to end');
      const passes = jest.spyOn(dataSource, 'transaction');
      const reads = jest.spyOn(dataSource, 'query');

      expect(await polling.poll()).toBe(false);
      expect(passes).not.toHaveBeenCalled();
      expect(reads.mock.calls.filter(([sql]) => /FROM outbox WHERE published_at IS NULL/.test(sql))).toHaveLength(1);

      const [waiting] = await insertEvents(1);
      expect(await polling.poll()).toBe(true);
      await eventually(async () => (published.includes(waiting) && polling.idle ? true : undefined), 'the waiting row to be published');
      expect(passes).toHaveBeenCalled();
      expect(await unpublishedRows()).toBe(0);
    } finally {
      jest.restoreAllMocks();
      await polling.stop();
    }
  });

  it('lets concurrent relays share the backlog without publishing any row twice', async () => {
    const before = await messagesInStream();
    const events = Array.from({ length: 250 }, (_, n) => createCloudEvent({ type: 'io.imagestreams.test.v1', source: '/test', data: { n } }));
    await dataSource.query(
      `INSERT INTO outbox (id, subject, payload) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])`,
      [events.map((e) => e.id), events.map(() => subject), events.map((e) => JSON.stringify(e))],
    );
    const published = await Promise.all([relay().drain(), relay().drain(), relay().drain()]);
    expect(published.reduce((sum, n) => sum + n, 0)).toBe(250);
    expect(await messagesInStream()).toBe(before + 250);
  });
});
