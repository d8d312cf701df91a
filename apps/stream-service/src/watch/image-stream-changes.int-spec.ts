import { randomBytes, randomUUID } from 'node:crypto';
import type { ImageStreamChangesQuery } from '@imagestreams/contracts';
import type { OutboxRelay } from '@imagestreams/platform-messaging';
import { openServiceDataSource } from '@imagestreams/platform-persistence';
import { testDatabaseUrl } from '@imagestreams/testing';
import type { NatsConnection } from 'nats';
import type { DataSource, QueryRunner } from 'typeorm';
import { STREAM_MIGRATIONS } from '../migrations';
import { NamespaceRepository } from '../namespaces/namespace.repository';
import { CreateImageStreamMapping } from '../image-streams/create-image-stream-mapping';
import { ImageStreamRepository } from '../image-streams/image-stream.repository';
import { StreamWriter } from '../stream-writes/stream-writer';
import { ImageStreamChangesQueryHandler } from './image-stream-changes';
import { WatchLogRepository } from './watch-log.repository';

const HOSTS = { internal: 'registry.local:5000' };

/**
 * Watches against real Postgres when writes commit in another order than their resourceVersions:
 * a watcher must never be moved past a write that is still in flight, or it would never hear of it.
 */
describe('ImageStreamChangesQueryHandler (Postgres)', () => {
  const schema = `stream_changes_int_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const namespace = 'watched';
  let dataSource: DataSource;
  let streams: ImageStreamRepository;
  let pushes: CreateImageStreamMapping;
  let changes: ImageStreamChangesQueryHandler;

  beforeAll(async () => {
    dataSource = await openServiceDataSource({ url: testDatabaseUrl(), schema, entities: [], migrations: STREAM_MIGRATIONS, poolSize: 4 });
    streams = new ImageStreamRepository(dataSource);
    const relay = { kick: () => undefined } as unknown as OutboxRelay;
    const connection = { isClosed: () => true } as unknown as NatsConnection;
    const settings = { hosts: HOSTS, historyLimit: 0, watchRetentionMs: 60_000 };
    pushes = new CreateImageStreamMapping(streams, new StreamWriter(streams, relay, connection, settings), HOSTS);
    changes = new ImageStreamChangesQueryHandler(new WatchLogRepository(dataSource), streams, settings);
    await new NamespaceRepository(dataSource).insert({ name: namespace, uid: randomUUID(), labels: {}, annotations: {} });
  });

  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  const push = (stream: string) =>
    pushes.execute({ namespace, mapping: { metadata: { name: stream }, image: { metadata: { name: `sha256:${randomBytes(32).toString('hex')}` } }, tag: 'latest' }, actor: 'alice' });
  const changesSince = (sinceResourceVersion: string) => changes.execute({ namespace, sinceResourceVersion } as ImageStreamChangesQuery);
  const summary = (events: { type: string; object: { metadata: { name: string } } }[]) => events.map((event) => [event.type, event.object.metadata.name]);

  it('holds a watcher below a write still in flight, then delivers it and the later write in order once it commits', async () => {
    await push('slow');
    const since = await streams.listResourceVersion();

    // A write to `slow` takes its resourceVersion and logs its change, but has not committed yet...
    const inFlight: QueryRunner = dataSource.createQueryRunner();
    await inFlight.connect();
    await inFlight.startTransaction();
    try {
      const [{ rv }]: { rv: string }[] = await inFlight.query('SELECT next_resource_version()::text AS rv');
      const slow = await streams.find(namespace, 'slow');
      await inFlight.query(`UPDATE image_streams SET resource_version = $1 WHERE uid = $2`, [rv, slow?.uid]);
      await inFlight.query(`INSERT INTO watch_log (resource_version, namespace, name, uid, type, labels) VALUES ($1, $2, 'slow', $3, 'MODIFIED', '{}')`, [rv, namespace, slow?.uid]);
      // ...when a later write (a higher resourceVersion) commits.
      await push('fast');

      const early = await changesSince(since);
      expect(early).toEqual({ resourceVersion: since, events: [] });

      await inFlight.commitTransaction();
    } finally {
      if (inFlight.isTransactionActive) await inFlight.rollbackTransaction();
      await inFlight.release();
    }

    const late = await changesSince(since);
    expect(summary(late.events)).toEqual([
      ['MODIFIED', 'slow'],
      ['ADDED', 'fast'],
    ]);
    expect(BigInt(late.resourceVersion)).toBeGreaterThanOrEqual(BigInt((await streams.find(namespace, 'fast'))?.resource_version ?? Infinity));
    // Caught up: nothing is delivered twice.
    expect((await changesSince(late.resourceVersion)).events).toEqual([]);
  });

  it('moves a quiet watcher up to the settled position, past changes it does not watch', async () => {
    const since = await streams.listResourceVersion();
    await new NamespaceRepository(dataSource).insert({ name: 'elsewhere', uid: randomUUID(), labels: {}, annotations: {} });
    await pushes.execute({ namespace: 'elsewhere', mapping: { metadata: { name: 'other' }, image: { metadata: { name: `sha256:${randomBytes(32).toString('hex')}` } }, tag: 'latest' }, actor: 'bob' });

    const read = await changesSince(since);

    expect(read.events).toEqual([]);
    expect(read.resourceVersion).toBe(await streams.listResourceVersion());
    expect(BigInt(read.resourceVersion)).toBeGreaterThan(BigInt(since));
  });
});
