import { randomUUID } from 'node:crypto';
import { EventSubjects, StatusError, type CloudEvent, type ImageStreamDeletedV1, type NamespaceDeletedV1 } from '@imagestreams/contracts';
import { openServiceDataSource } from '@imagestreams/platform-persistence';
import { eventually, testDatabaseUrl } from '@imagestreams/testing';
import type { DataSource } from 'typeorm';
import { STREAM_MIGRATIONS } from '../migrations';
import { NamespaceRepository } from '../namespaces/namespace.repository';
import type { StreamWriter } from '../stream-writes/stream-writer';
import { WatchLogRepository } from '../watch/watch-log.repository';
import { DeleteImageStream } from './delete-image-stream';
import { DeleteNamespace } from './delete-namespace';
import { ImageStreamRepository } from './image-stream.repository';

interface OutboxRow {
  subject: string;
  payload: string;
}

/**
 * Deleting a namespace against real Postgres (a fresh schema, the service's migrations): the
 * streams' `imagestream.deleted` and then one `namespace.deleted` are in the outbox, committed with
 * the deletion, carrying what consumers need to spare a namespace re-created under the same name.
 */
describe('DeleteNamespace (Postgres)', () => {
  const schema = `stream_nsdel_int_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let dataSource: DataSource;
  let streams: ImageStreamRepository;
  let namespaces: NamespaceRepository;
  let deleteNamespace: DeleteNamespace;
  let deleteImageStream: DeleteImageStream;
  const published: (string | undefined)[] = [];

  beforeAll(async () => {
    dataSource = await openServiceDataSource({
      url: testDatabaseUrl(),
      schema,
      entities: [],
      migrations: STREAM_MIGRATIONS,
      poolSize: 4,
    });
    streams = new ImageStreamRepository(dataSource);
    namespaces = new NamespaceRepository(dataSource);
    const writer = { published: (namespace?: string) => published.push(namespace) } as unknown as StreamWriter;
    deleteNamespace = new DeleteNamespace(streams, writer, namespaces, new WatchLogRepository(dataSource));
    deleteImageStream = new DeleteImageStream(streams, writer, new WatchLogRepository(dataSource));
  });

  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  async function namespaceWithStreams(name: string, streamNames: string[]): Promise<void> {
    await namespaces.insert({ name, uid: randomUUID(), labels: {}, annotations: {} });
    await streams.transaction(async (manager) => {
      for (const stream of streamNames) await streams.insert(manager, { uid: randomUUID(), namespace: name, name: stream, labels: {}, annotations: {}, spec: {} });
    });
  }

  const outboxOf = async (namespace: string): Promise<OutboxRow[]> =>
    (await dataSource.query<OutboxRow[]>('SELECT subject, payload FROM outbox ORDER BY seq')).filter((row) => (JSON.parse(row.payload) as CloudEvent<{ namespace: string }>).data.namespace === namespace);

  it('appends namespace.deleted after the streams’ imagestream.deleted, in the deleting transaction', async () => {
    await namespaceWithStreams('gone', ['api', 'web']);
    const before = await dataSource.query<{ now: Date }[]>('SELECT clock_timestamp() AS now');
    const created = await dataSource.query<{ created_at: Date; rv: string }[]>("SELECT created_at, (SELECT last_value FROM resource_version_seq)::text AS rv FROM image_streams WHERE namespace = 'gone' ORDER BY created_at DESC LIMIT 1");

    await deleteNamespace.execute({ name: 'gone', namespace: 'gone', actor: 'alice' });

    const outbox = await outboxOf('gone');
    expect(outbox.map((row) => row.subject)).toEqual([EventSubjects.imageStreamDeleted, EventSubjects.imageStreamDeleted, EventSubjects.namespaceDeleted]);
    const event = JSON.parse(outbox[2].payload) as CloudEvent<NamespaceDeletedV1>;
    expect(event).toMatchObject({ type: 'io.imagestreams.namespace.deleted.v1', subject: 'namespaces/gone', data: { namespace: 'gone', actor: 'alice' } });
    // Every write in the namespace had a lower resourceVersion, and everything in it was created no later than `time`.
    expect(BigInt(event.data.resourceVersion)).toBeGreaterThan(BigInt(created[0].rv));
    expect(event.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const [{ ok }] = await dataSource.query<{ ok: boolean }[]>('SELECT $1::timestamptz >= $2::timestamptz AND $1::timestamptz >= $3::timestamptz AS ok', [event.time, created[0].created_at, before[0].now]);
    expect(ok).toBe(true);
    // Each stream's deletion: the same time, and a resourceVersion above its writes and below the namespace's.
    for (const row of outbox.slice(0, 2)) {
      const streamEvent = JSON.parse(row.payload) as CloudEvent<ImageStreamDeletedV1>;
      expect(streamEvent.time).toBe(event.time);
      expect(BigInt(streamEvent.data.resourceVersion as string)).toBeGreaterThan(BigInt(created[0].rv));
      expect(BigInt(streamEvent.data.resourceVersion as string)).toBeLessThan(BigInt(event.data.resourceVersion));
    }
    expect(await namespaces.find('gone')).toBeUndefined();
    expect(published).toContain('gone');
  });

  it('stamps a single stream’s imagestream.deleted with the deletion’s Postgres time and resourceVersion', async () => {
    await namespaceWithStreams('single', ['web']);
    const [{ rv }] = await dataSource.query<{ rv: string }[]>('SELECT (SELECT last_value FROM resource_version_seq)::text AS rv');
    const [{ created }] = await dataSource.query<{ created: Date }[]>("SELECT created_at AS created FROM image_streams WHERE namespace = 'single'");

    await deleteImageStream.execute({ namespace: 'single', name: 'web', actor: 'alice' });

    const [row] = await outboxOf('single');
    const event = JSON.parse(row.payload) as CloudEvent<ImageStreamDeletedV1>;
    expect(event.data).toMatchObject({ namespace: 'single', imageStream: 'web', actor: 'alice' });
    expect(BigInt(event.data.resourceVersion as string)).toBeGreaterThan(BigInt(rv));
    expect(event.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const [{ ok }] = await dataSource.query<{ ok: boolean }[]>('SELECT $1::timestamptz >= $2::timestamptz AS ok', [event.time, created]);
    expect(ok).toBe(true);
  });

  it('announces a stream whose creation was under way when the deletion started', async () => {
    await namespaceWithStreams('busy', ['api']);
    const creation = dataSource.createQueryRunner();
    await creation.connect();
    await creation.startTransaction();
    await streams.insert(creation.manager, { uid: randomUUID(), namespace: 'busy', name: 'late', labels: {}, annotations: {}, spec: {} });
    const deletion = deleteNamespace.execute({ name: 'busy', namespace: 'busy', actor: 'alice' });
    await eventually(async () => {
      const [{ waiting }]: { waiting: number }[] = await dataSource.query(`SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%namespaces%'`);
      return waiting > 0 ? true : undefined;
    }, 'the deletion to wait for the creation');
    await creation.commitTransaction();
    await creation.release();
    await deletion;

    const deleted = (await outboxOf('busy')).filter((row) => row.subject === EventSubjects.imageStreamDeleted).map((row) => (JSON.parse(row.payload) as CloudEvent<{ imageStream: string }>).data.imageStream);
    expect(deleted.sort()).toEqual(['api', 'late']);
  });

  it('announces an empty namespace too', async () => {
    await namespaceWithStreams('empty', []);
    await deleteNamespace.execute({ name: 'empty', namespace: 'empty', actor: 'bob' });
    expect((await outboxOf('empty')).map((row) => row.subject)).toEqual([EventSubjects.namespaceDeleted]);
  });

  it('answers 404 for a namespace that does not exist, and appends nothing', async () => {
    const error = await deleteNamespace.execute({ name: 'never', namespace: 'never', actor: 'carol' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StatusError);
    expect((error as StatusError).status.code).toBe(404);
    expect(await outboxOf('never')).toEqual([]);
  });
});
