import { randomBytes, randomUUID } from 'node:crypto';
import type { CloudEvent, TagChangedV1 } from '@imagestreams/contracts';
import type { OutboxRelay } from '@imagestreams/platform-messaging';
import { openServiceDataSource } from '@imagestreams/platform-persistence';
import { testDatabaseUrl } from '@imagestreams/testing';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { STREAM_MIGRATIONS } from '../migrations';
import { NamespaceRepository } from '../namespaces/namespace.repository';
import { StreamWriter } from '../stream-writes/stream-writer';
import * as writeCommit from '../stream-writes/write-commit';
import { commitWrite } from '../stream-writes/write-commit';
import { CreateImageStreamMapping } from './create-image-stream-mapping';
import { ImageStreamRepository, type ImageStreamRow } from './image-stream.repository';

const HOSTS = { internal: 'registry.local:5000' };

function digest(): string {
  return `sha256:${randomBytes(32).toString('hex')}`;
}

/**
 * Pushes against real Postgres (a fresh schema, the service's migrations): the optimistic path
 * (read, then one conditional statement) must behave exactly like the locking one, also when many
 * pushes race for one tag.
 */
describe('CreateImageStreamMapping (Postgres)', () => {
  const schema = `stream_mapping_int_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const namespace = 'pushes';
  let dataSource: DataSource;
  let streams: ImageStreamRepository;
  /** Two instances, as in two replicas: only pushes of different instances can race for a stream. */
  let replicas: CreateImageStreamMapping[];
  let writer: StreamWriter;

  beforeAll(async () => {
    dataSource = await openServiceDataSource({ url: testDatabaseUrl(), schema, entities: [], migrations: STREAM_MIGRATIONS, poolSize: 8 });
    streams = new ImageStreamRepository(dataSource);
    const relay = { kick: () => undefined } as unknown as OutboxRelay;
    const connection = { isClosed: () => true } as unknown as NatsConnection;
    writer = new StreamWriter(streams, relay, connection, { hosts: HOSTS, historyLimit: 0, watchRetentionMs: 60_000 });
    replicas = [new CreateImageStreamMapping(streams, writer, HOSTS), new CreateImageStreamMapping(streams, writer, HOSTS)];
    await new NamespaceRepository(dataSource).insert({ name: namespace, uid: randomUUID(), labels: {}, annotations: {} });
  });

  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  const push = (stream: string, tag: string, image: string, replica = 0) =>
    replicas[replica].execute({ namespace, mapping: { metadata: { name: stream }, image: { metadata: { name: image } }, tag }, actor: 'alice' });

  async function streamNamed(name: string): Promise<ImageStreamRow> {
    const stream = await streams.find(namespace, name);
    if (!stream) throw new Error(`stream ${name} is missing`);
    return stream;
  }

  async function tagChanges(stream: string): Promise<TagChangedV1[]> {
    const rows: { payload: string }[] = await dataSource.query(`SELECT payload FROM outbox WHERE subject LIKE '%tag.changed%' ORDER BY seq`);
    return rows.map((row) => (JSON.parse(row.payload) as CloudEvent<TagChangedV1>).data).filter((data) => data.imageStream === stream);
  }

  it('moves a tag of an existing stream: history, image, change log and an event stamped with the new resourceVersion', async () => {
    const first = digest();
    const second = digest();
    await push('web', 'latest', first);
    await push('web', 'latest', second);

    const stream = await streamNamed('web');
    const history: { image: string }[] = await dataSource.query('SELECT image FROM tag_events WHERE image_stream_uid = $1 ORDER BY id DESC', [stream.uid]);
    expect(history.map((row) => row.image)).toEqual([second, first]);
    expect(await streams.imageRow(dataSource.manager, second)).toMatchObject({ name: second, docker_image_reference: `${HOSTS.internal}/${namespace}/web@${second}` });

    const [, moved] = await tagChanges('web');
    expect(moved).toMatchObject({ tag: 'latest', previous: { image: first }, current: { image: second }, cause: 'push', actor: 'alice' });
    expect(moved.resourceVersion).toBe(String(stream.resource_version));
    const logged: { type: string }[] = await dataSource.query('SELECT type FROM watch_log WHERE resource_version = $1', [stream.resource_version]);
    expect(logged).toEqual([{ type: 'MODIFIED' }]);
  });

  it('writes nothing when the stream moved on since it was read', async () => {
    await push('stale', 'latest', digest());
    const before = await streamNamed('stale');
    const counts = () =>
      dataSource.query(`SELECT (SELECT count(*)::int FROM tag_events) AS history, (SELECT count(*)::int FROM outbox) AS events,
                               (SELECT count(*)::int FROM watch_log) AS changes, (SELECT count(*)::int FROM images) AS images`);
    const counted = await counts();
    const image = digest();

    const written = await commitWrite(dataSource.manager, {
      uid: before.uid,
      namespace,
      name: 'stale',
      watchType: 'MODIFIED',
      expectedResourceVersion: String(BigInt(before.resource_version) - 1n),
      image: { name: image, dockerImageReference: `elsewhere/x@${image}` },
      prepended: [{ tag: 'latest', event: { created: new Date().toISOString(), image, dockerImageReference: `elsewhere/x@${image}`, generation: 1 } }],
      replaced: [],
      outbox: [{ id: randomUUID(), subject: 'x', payload: '{}' }],
    });

    expect(written).toBeUndefined();
    expect(await counts()).toEqual(counted);
    expect((await streamNamed('stale')).resource_version).toBe(before.resource_version);
  });

  it('loses no push when many race for one tag from two replicas: every image is in the history and each event follows the one before', async () => {
    await push('busy', 'latest', digest());
    const images = Array.from({ length: 24 }, digest);

    await Promise.all(images.map((image, index) => push('busy', 'latest', image, index % 2)));

    const stream = await streamNamed('busy');
    const history: { image: string }[] = await dataSource.query('SELECT image FROM tag_events WHERE image_stream_uid = $1 ORDER BY id', [stream.uid]);
    expect(history.slice(1).map((row) => row.image).sort()).toEqual([...images].sort());
    const changes = (await tagChanges('busy')).slice(1);
    expect(changes).toHaveLength(images.length);
    // A lost update would show as two events with the same previous image.
    changes.forEach((change, index) => {
      expect(change.previous?.image).toBe(history[index].image);
      expect(change.current.image).toBe(history[index + 1].image);
    });
    const versions = changes.map((change) => BigInt(change.resourceVersion));
    expect(versions).toEqual([...versions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(new Set(versions).size).toBe(images.length);
  });

  async function historyOf(stream: string, tag = 'latest'): Promise<string[]> {
    const { uid } = await streamNamed(stream);
    const rows: { image: string }[] = await dataSource.query('SELECT image FROM tag_events WHERE image_stream_uid = $1 AND tag = $2 ORDER BY id DESC', [uid, tag]);
    return rows.map((row) => row.image);
  }

  describe('what a replica remembers of its last push', () => {
    afterEach(() => jest.restoreAllMocks());

    it('starts the next push to the stream from there, without reading the stream, and writes the same history and events', async () => {
      const [first, second, third] = [digest(), digest(), digest()];
      await push('remembered', 'latest', first);
      await push('remembered', 'latest', second);
      const reads = jest.spyOn(streams, 'readWithCurrentTag');

      await push('remembered', 'latest', third);

      expect(reads).not.toHaveBeenCalled();
      expect(await historyOf('remembered')).toEqual([third, second, first]);
      const moved = (await tagChanges('remembered')).at(-1);
      expect(moved).toMatchObject({ previous: { image: second }, current: { image: third } });
      expect(moved?.resourceVersion).toBe(String((await streamNamed('remembered')).resource_version));
    });

    it('reads the stream again when another replica moved it on, and puts the push on top of the other one', async () => {
      const [mine, mineAgain, theirs, mineLast] = [digest(), digest(), digest(), digest()];
      await push('shared', 'latest', mine);
      await push('shared', 'latest', mineAgain);
      await push('shared', 'latest', theirs, 1);

      await push('shared', 'latest', mineLast);

      expect(await historyOf('shared')).toEqual([mineLast, theirs, mineAgain, mine]);
      expect((await tagChanges('shared')).at(-1)).toMatchObject({ previous: { image: theirs }, current: { image: mineLast } });
    });

    it('moves the tag back when the image it remembers as current is pushed again after another replica moved the tag', async () => {
      const [older, remembered, theirs] = [digest(), digest(), digest()];
      await push('back', 'latest', older);
      await push('back', 'latest', remembered);
      await push('back', 'latest', theirs, 1);

      await push('back', 'latest', remembered);

      expect(await historyOf('back')).toEqual([remembered, theirs, remembered, older]);
      expect((await tagChanges('back')).at(-1)).toMatchObject({ previous: { image: theirs }, current: { image: remembered } });
    });

    it('pushes into the new stream when the remembered one was deleted and created again under its name', async () => {
      const [old, oldAgain, recreated, next] = [digest(), digest(), digest(), digest()];
      await push('reborn', 'latest', old);
      await push('reborn', 'latest', oldAgain);
      await streams.deleteStream(dataSource.manager, (await streamNamed('reborn')).uid);
      await push('reborn', 'latest', recreated, 1);

      await push('reborn', 'latest', next);

      expect(await historyOf('reborn')).toEqual([next, recreated]);
    });

    it('keeps other tags it remembers across a push to one tag, so pushes to several tags of a stream skip the read too', async () => {
      for (const tag of ['a', 'b']) {
        await push('tags', tag, digest());
        await push('tags', tag, digest());
      }
      const reads = jest.spyOn(streams, 'readWithCurrentTag');
      const [a, b] = [digest(), digest()];

      await push('tags', 'a', a);
      await push('tags', 'b', b);

      expect(reads).not.toHaveBeenCalled();
      expect((await historyOf('tags', 'a'))[0]).toBe(a);
      expect((await historyOf('tags', 'b'))[0]).toBe(b);
    });
  });

  describe('group commit of optimistic writes', () => {
    afterEach(() => jest.restoreAllMocks());

    const pushEvent = (image: string, generation = 1) => ({ created: new Date().toISOString(), image, dockerImageReference: `elsewhere/x@${image}`, generation });

    it('answers each write of a batch on its own terms: a fresh one lands, a stale one writes nothing', async () => {
      await push('fresh', 'latest', digest());
      await push('behind', 'latest', digest());
      const [fresh, behind] = [await streamNamed('fresh'), await streamNamed('behind')];
      const [landing, stale] = [digest(), digest()];
      const write = (stream: ImageStreamRow, image: string, expectedResourceVersion: string) => ({
        uid: stream.uid,
        namespace,
        name: stream.name,
        watchType: 'MODIFIED' as const,
        expectedResourceVersion,
        image: { name: image, dockerImageReference: `elsewhere/x@${image}` },
        prepended: [{ tag: 'latest', event: pushEvent(image) }],
        replaced: [],
        outbox: [],
      });

      const results = await writeCommit.commitWrites(dataSource.manager, [
        write(fresh, landing, fresh.resource_version),
        write(behind, stale, String(BigInt(behind.resource_version) - 1n)),
      ]);

      expect(results[0]).toEqual({ resourceVersion: expect.any(String), prependedIds: [expect.any(String)] });
      expect(results[1]).toBeUndefined();
      expect((await historyOf('fresh'))[0]).toBe(landing);
      expect(await historyOf('behind')).not.toContain(stale);
      expect(await streams.imageRow(dataSource.manager, stale)).toBeUndefined();
      expect((await streamNamed('fresh')).resource_version).toBe(results[0]?.resourceVersion);
    });

    it('puts concurrent pushes to different streams into shared statements, and every one lands with its event', async () => {
      const names = Array.from({ length: 16 }, (_, index) => `group-${index}`);
      for (const name of names) {
        await push(name, 'latest', digest());
        await push(name, 'latest', digest());
      }
      const statements = jest.spyOn(writeCommit, 'commitWrites');
      const images = names.map(() => digest());

      await Promise.all(names.map((name, index) => push(name, 'latest', images[index])));

      expect(Math.max(...statements.mock.calls.map(([, commits]) => commits.length))).toBeGreaterThan(1);
      for (const [index, name] of names.entries()) {
        expect((await historyOf(name))[0]).toBe(images[index]);
        const moved = (await tagChanges(name)).at(-1);
        expect(moved).toMatchObject({ current: { image: images[index] } });
        expect(moved?.resourceVersion).toBe(String((await streamNamed(name)).resource_version));
      }
    });

    it('does not let one failing write fail the others batched with it', async () => {
      await push('good', 'latest', digest());
      await push('poison', 'latest', digest());
      const statements = jest.spyOn(writeCommit, 'commitWrites');
      const begin = async (name: string, image: string, generation: number) => {
        const stream = await streamNamed(name);
        const write = writer.begin(streams.manager(), stream, 'alice');
        write.expectedResourceVersion = stream.resource_version;
        await writer.record(write, 'latest', pushEvent(image, generation), 'push');
        return write;
      };
      const [goodImage, poisonImage] = [digest(), digest()];
      // A generation beyond bigint makes Postgres reject the statement it is in.
      const writes = [await begin('good', goodImage, 1), await begin('poison', poisonImage, 1e30)];

      const outcomes = await Promise.allSettled(writes.map((write) => writer.finish(write)));

      expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected']);
      expect(statements.mock.calls.some(([, commits]) => commits.length === 2)).toBe(true);
      expect((await historyOf('good'))[0]).toBe(goodImage);
      expect(await historyOf('poison')).not.toContain(poisonImage);
    });
  });

  it('creates a missing stream, and with createNamespace (a registry push) its namespace too; without it a missing namespace is NotFound', async () => {
    const image = digest();
    await replicas[0].execute({ namespace: 'pushed-here', createNamespace: true, mapping: { metadata: { name: 'app' }, image: { metadata: { name: image } }, tag: 'v1' }, actor: 'bob' });
    const created = await streams.find('pushed-here', 'app');
    expect(created).toMatchObject({ namespace: 'pushed-here', name: 'app' });
    const [namespaceRow]: { name: string }[] = await dataSource.query(`SELECT name FROM namespaces WHERE name = 'pushed-here'`);
    expect(namespaceRow).toEqual({ name: 'pushed-here' });
    const events: { payload: string }[] = await dataSource.query(`SELECT payload FROM outbox WHERE payload LIKE '%pushed-here%' ORDER BY seq`);
    expect(events.map((row) => (JSON.parse(row.payload) as CloudEvent).type)).toEqual([expect.stringContaining('imagestream.created'), expect.stringContaining('tag.changed')]);

    await expect(replicas[0].execute({ namespace: 'nowhere', mapping: { metadata: { name: 'app' }, image: { metadata: { name: digest() } }, tag: 'v1' }, actor: 'bob' })).rejects.toMatchObject({
      status: { reason: 'NotFound' },
    });
    expect(await streams.find('nowhere', 'app')).toBeUndefined();
  });

  it('creates the stream anew when it is deleted between the create-or-lock INSERT and the lock', async () => {
    await push('flicker', 'latest', digest());
    const created = await dataSource.transaction(async (manager) => {
      // The INSERT finds the stream (ON CONFLICT DO NOTHING); a delete then commits before the lock.
      let deleted = false;
      const racing = new Proxy(manager, {
        get(target, property, receiver) {
          if (property !== 'query') return Reflect.get(target, property, receiver) as unknown;
          return async (sql: string, parameters?: unknown[]) => {
            const rows = (await target.query(sql, parameters)) as unknown[];
            if (!deleted && sql.includes('INSERT INTO image_streams')) {
              deleted = true;
              await dataSource.query('DELETE FROM image_streams WHERE namespace = $1 AND name = $2', [namespace, 'flicker']);
            }
            return rows;
          };
        },
      });
      return streams.lockOrCreate(racing, namespace, 'flicker', randomUUID(), { likelyNew: true });
    });
    expect(created?.created).toBe(true);
    expect((await streamNamed('flicker')).uid).toBe(created?.stream.uid);
  });
});
