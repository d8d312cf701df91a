import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { WebhookReceiver, eventually } from '@imagestreams/testing';
import { api, createSubscription, createTestNamespace, mapping, randomDigest } from './support/api';

interface TagEvent {
  image: string;
  dockerImageReference: string;
  generation: number;
}
interface ImageStream {
  metadata: { name: string; resourceVersion: string; generation: number; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: { lookupPolicy: { local: boolean }; tags?: { name: string; generation: number | null; from?: { kind: string; name: string }; annotations: Record<string, string> | null; referencePolicy?: { type: string } }[] };
  status: { dockerImageRepository: string; tags?: { tag: string; items: TagEvent[] }[] };
}
interface Status {
  kind: string;
  reason: string;
  code: number;
  message: string;
  details?: { causes?: { field: string; message: string }[] };
}

const base = (namespace: string) => `/apis/image.openshift.io/v1/namespaces/${namespace}`;
const items = (stream: ImageStream, tag: string) => stream.status.tags?.find((t) => t.tag === tag)?.items ?? [];

async function push(namespace: string, stream: string, tag: string, digest = randomDigest()): Promise<string> {
  const response = await api('POST', `${base(namespace)}/imagestreammappings`, mapping(stream, tag, digest));
  if (response.status !== 201) throw new Error(`mapping failed: ${response.status} ${JSON.stringify(response.body)}`);
  return digest;
}

async function getStream(namespace: string, name: string): Promise<ImageStream> {
  const response = await api<ImageStream>('GET', `${base(namespace)}/imagestreams/${name}`);
  expect(response.status).toBe(200);
  return response.body;
}

describe('ImageStream CRUD with Kubernetes conventions', () => {
  let namespace: string;
  beforeAll(async () => {
    namespace = await createTestNamespace('streams');
  });

  it('creates a stream with generation 1, defaults applied and reference tags resolved at once', async () => {
    const created = await api<ImageStream>('POST', `${base(namespace)}/imagestreams`, {
      apiVersion: 'image.openshift.io/v1',
      kind: 'ImageStream',
      metadata: { name: 'tools', labels: { team: 'a' } },
      spec: { tags: [{ name: 'pinned', from: { kind: 'DockerImage', name: 'quay.io/example/tool:1.0' }, reference: true }] },
    });
    expect(created.status).toBe(201);
    expect(created.body.metadata.generation).toBe(1);
    expect(created.body.spec.tags?.[0]).toMatchObject({ name: 'pinned', generation: 1, referencePolicy: { type: 'Source' } });
    expect(items(created.body, 'pinned')).toEqual([expect.objectContaining({ dockerImageReference: 'quay.io/example/tool:1.0', image: '', generation: 1 })]);
    // A reference-only tag has no image, so it is not an ImageStreamTag (§4.4).
    expect((await api('GET', `${base(namespace)}/imagestreamtags/tools:pinned`)).status).toBe(404);
  });

  it('answers 409 AlreadyExists to one of two creators, and 404 for a missing namespace', async () => {
    const body = { metadata: { name: 'dup' } };
    const [first, second] = await Promise.all([api('POST', `${base(namespace)}/imagestreams`, body), api('POST', `${base(namespace)}/imagestreams`, body)]);
    expect([first.status, second.status].sort()).toEqual([201, 409]);
    const missing = await api<Status>('POST', `${base('no-such-ns')}/imagestreams`, body);
    expect(missing.status).toBe(404);
  });

  it('lets exactly one of 50 concurrent creators of the same stream win', async () => {
    const responses = await Promise.all(Array.from({ length: 50 }, () => api<Status>('POST', `${base(namespace)}/imagestreams`, { metadata: { name: 'race' } })));
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    const conflicts = responses.filter((r) => r.status === 409);
    expect(conflicts).toHaveLength(49);
    expect(conflicts.every((r) => r.body.reason === 'AlreadyExists')).toBe(true);
  });

  it('updates with optimistic concurrency: a stale resourceVersion gets 409 Conflict and changes nothing', async () => {
    const current = await getStream(namespace, 'tools');
    const ok = await api<ImageStream>('PUT', `${base(namespace)}/imagestreams/tools`, { ...current, metadata: { ...current.metadata, labels: { team: 'b' } } });
    expect(ok.status).toBe(200);
    expect(ok.body.metadata.labels).toEqual({ team: 'b' });
    expect(Number(ok.body.metadata.resourceVersion)).toBeGreaterThan(Number(current.metadata.resourceVersion));
    // A metadata-only change leaves the generation alone.
    expect(ok.body.metadata.generation).toBe(1);
    const stale = await api<Status>('PUT', `${base(namespace)}/imagestreams/tools`, { ...current, metadata: { ...current.metadata, labels: { team: 'c' } } });
    expect(stale.status).toBe(409);
    expect(stale.body.reason).toBe('Conflict');
    expect((await getStream(namespace, 'tools')).metadata.labels).toEqual({ team: 'b' });
  });

  it('bumps the generation on a spec change and gives new tags that generation; client-set generations are ignored', async () => {
    const current = await getStream(namespace, 'tools');
    const tags = [...(current.spec.tags ?? []).map((t) => ({ ...t, generation: 99 })), { name: 'extra', from: { kind: 'DockerImage', name: 'quay.io/example/extra:2' }, reference: true }];
    const updated = await api<ImageStream>('PUT', `${base(namespace)}/imagestreams/tools`, { ...current, spec: { ...current.spec, tags } });
    expect(updated.status).toBe(200);
    expect(updated.body.metadata.generation).toBe(2);
    expect(updated.body.spec.tags?.find((t) => t.name === 'pinned')?.generation).toBe(1);
    expect(updated.body.spec.tags?.find((t) => t.name === 'extra')?.generation).toBe(2);
  });

  it('applies a JSON merge patch under the row lock', async () => {
    const patched = await api<ImageStream>('PATCH', `${base(namespace)}/imagestreams/tools`, { metadata: { annotations: { owner: 'team-b' } } }, { contentType: 'application/merge-patch+json' });
    expect(patched.status).toBe(200);
    expect(patched.body.metadata.annotations).toEqual({ owner: 'team-b' });
    expect(patched.body.metadata.labels).toEqual({ team: 'b' });
    const stale = await api<Status>('PATCH', `${base(namespace)}/imagestreams/tools`, { metadata: { resourceVersion: '1', labels: { x: 'y' } } }, { contentType: 'application/merge-patch+json' });
    expect(stale.status).toBe(409);
    const unsupported = await api<Status>('PATCH', `${base(namespace)}/imagestreams/tools`, [{ op: 'add' }], { contentType: 'application/json-patch+json' });
    expect(unsupported.status).toBe(415);
  });

  it('rejects invalid spec tags with 422 naming each field, writing nothing', async () => {
    const response = await api<Status>('POST', `${base(namespace)}/imagestreams`, {
      metadata: { name: 'broken' },
      spec: {
        tags: [
          { name: 'a', from: { kind: 'Nope', name: 'x' } },
          { name: 'b', from: { kind: 'DockerImage', name: 'UPPER/case' } },
          { name: 'c', from: { kind: 'ImageStreamTag', name: 'missing:tag', namespace: 'nowhere' } },
        ],
      },
    });
    expect(response.status).toBe(422);
    expect(response.body.details?.causes?.map((c) => c.field)).toEqual(expect.arrayContaining(['spec.tags[a].from.kind', 'spec.tags[b].from.name']));
    expect((await api('GET', `${base(namespace)}/imagestreams/broken`)).status).toBe(404);
  });

  it('deletes a stream with its history', async () => {
    await push(namespace, 'gone', 'latest');
    const deleted = await api<Status>('DELETE', `${base(namespace)}/imagestreams/gone`);
    expect(deleted.status).toBe(200);
    expect((await api('GET', `${base(namespace)}/imagestreams/gone`)).status).toBe(404);
    expect((await api('GET', `${base(namespace)}/imagestreamtags/gone:latest`)).status).toBe(404);
  });
});

describe('tags: aliases, cross-namespace sources, rollback and deletion', () => {
  const receiver = new WebhookReceiver();
  let namespace: string;

  beforeAll(async () => {
    namespace = await createTestNamespace('tags');
    const url = await receiver.start();
    await createSubscription(namespace, 'all-tag-events', { url, events: ['tag.changed', 'tag.deleted'], filter: { imageStreams: ['web'] } });
  });
  afterAll(() => receiver.stop());

  type ReceivedTagEvent = { id: string; type: string; data: { tag: string; cause: string; reason?: string; current?: TagEvent; previous: TagEvent | null } };
  /** The tag's events in arrival order, each once: delivery is at least once, so a receiver dedupes by webhook-id. */
  const eventsFor = (tag: string): ReceivedTagEvent[] => {
    const seen = new Map<string, ReceivedTagEvent>();
    for (const request of receiver.received) {
      const event = JSON.parse(request.body) as ReceivedTagEvent;
      if (event.data.tag === tag && !seen.has(event.id)) seen.set(event.id, event);
    }
    return [...seen.values()];
  };
  /** Waits until `count` events of the tag arrived; on timeout the error lists the ones that did. */
  const waitForEvents = (tag: string, count: number) =>
    eventually(async () => (eventsFor(tag).length >= count ? true : undefined), `${count} event(s) for web:${tag}`).catch((error: Error) => {
      const arrived = eventsFor(tag).map((e) => ({ type: e.type, cause: e.data.cause, previous: e.data.previous?.image, current: e.data.current?.image }));
      throw new Error(`${error.message}; arrived: ${JSON.stringify(arrived)}`);
    });

  it('makes an alias follow its target, each move its own event with cause alias', async () => {
    const first = await push(namespace, 'web', 'v1');
    const alias = await api<{ image: { metadata: { name: string } } }>('PUT', `${base(namespace)}/imagestreamtags/web:latest`, {
      metadata: { name: 'web:latest' },
      tag: { from: { kind: 'ImageStreamTag', name: 'v1' } },
    });
    expect(alias.status).toBe(200);
    expect(alias.body.image.metadata.name).toBe(first);
    // Heard before the target moves again, as in the rollback test below: two moves of one tag that
    // reach the dispatcher out of order (a redelivery under load) deliver only the newer.
    await waitForEvents('latest', 1);
    const second = await push(namespace, 'web', 'v1');
    const stream = await getStream(namespace, 'web');
    expect(items(stream, 'latest').map((e) => e.image)).toEqual([second, first]);
    await waitForEvents('latest', 2);
    expect(eventsFor('latest').map((e) => [e.data.cause, e.data.current?.image])).toEqual([
      ['alias', first],
      ['alias', second],
    ]);
  });

  it('tags from another namespace once, without following later moves', async () => {
    const other = await createTestNamespace('tags-src');
    const digest = await push(other, 'base', 'stable');
    const tagged = await api<{ image: { metadata: { name: string } } }>('PUT', `${base(namespace)}/imagestreamtags/web:base`, {
      metadata: { name: 'web:base' },
      tag: { from: { kind: 'ImageStreamTag', namespace: other, name: 'base:stable' } },
    });
    expect(tagged.status).toBe(200);
    expect(tagged.body.image.metadata.name).toBe(digest);
    await push(other, 'base', 'stable');
    expect(items(await getStream(namespace, 'web'), 'base').map((e) => e.image)).toEqual([digest]);
  });

  it('tags an image of the stream by digest prefix (ImageStreamImage source)', async () => {
    const digest = await push(namespace, 'web', 'candidate');
    const tagged = await api<{ image: { metadata: { name: string } } }>('PUT', `${base(namespace)}/imagestreamtags/web:prod`, {
      metadata: { name: 'web:prod' },
      tag: { from: { kind: 'ImageStreamImage', name: `web@${digest.slice('sha256:'.length, 'sha256:'.length + 12)}` } },
    });
    expect(tagged.status).toBe(200);
    expect(tagged.body.image.metadata.name).toBe(digest);
  });

  it('rolls a tag back in one call: a new entry on top, cause rollback with the reason', async () => {
    // Each move is heard before the next is made: moves of one tag that reach the dispatcher out of
    // order (a redelivery under load) deliver only the newest, and this test is about rollback.
    const one = await push(namespace, 'web', 'rel');
    await waitForEvents('rel', 1);
    const two = await push(namespace, 'web', 'rel');
    await waitForEvents('rel', 2);
    const rolled = await api<{ image: { metadata: { name: string } } }>('POST', `${base(namespace)}/imagestreamtags/web:rel/rollback`, { revisionsBack: 1, reason: 'bad release' });
    expect(rolled.status).toBe(201);
    expect(rolled.body.image.metadata.name).toBe(one);
    expect(items(await getStream(namespace, 'web'), 'rel').map((e) => e.image)).toEqual([one, two, one]);
    await waitForEvents('rel', 3);
    expect(eventsFor('rel')).toHaveLength(3);
    expect(eventsFor('rel')[2].data).toMatchObject({ cause: 'rollback', reason: 'bad release', previous: { image: two }, current: { image: one } });
    const byPrefix = await api('POST', `${base(namespace)}/imagestreamtags/web:rel/rollback`, { image: two.slice(7, 17) });
    expect(byPrefix.status).toBe(201);
    const unknown = await api<Status>('POST', `${base(namespace)}/imagestreamtags/web:rel/rollback`, { image: randomDigest() });
    expect(unknown.status).toBe(404);
  });

  it('deletes a tag with spec and history and publishes tag.deleted', async () => {
    const digest = await push(namespace, 'web', 'temp');
    const deleted = await api<Status>('DELETE', `${base(namespace)}/imagestreamtags/web:temp`);
    expect(deleted.status).toBe(200);
    expect((await api('GET', `${base(namespace)}/imagestreamtags/web:temp`)).status).toBe(404);
    expect(items(await getStream(namespace, 'web'), 'temp')).toEqual([]);
    await eventually(async () => (eventsFor('temp').some((e) => e.type === 'io.imagestreams.tag.deleted.v1') ? true : undefined), 'tag.deleted for web:temp');
    expect(eventsFor('temp').find((e) => e.type === 'io.imagestreams.tag.deleted.v1')?.data.previous?.image).toBe(digest);
  });

  it('answers bad ImageStreamTag names with 400', async () => {
    expect((await api('GET', `${base(namespace)}/imagestreamtags/web`)).status).toBe(400);
    expect((await api('GET', `${base(namespace)}/imagestreamtags/web:a:b`)).status).toBe(400);
  });
});

describe('20 concurrent writers moving the same tag', () => {
  it('keeps every acknowledged write exactly once; stale writers get 409; one event per move', async () => {
    const namespace = await createTestNamespace('contention');
    const receiver = new WebhookReceiver();
    const url = await receiver.start();
    try {
      await createSubscription(namespace, 'prod-moves', { url, events: ['tag.changed'], filter: { tags: ['prod'] } });
      const digests = [];
      for (let i = 0; i < 20; i++) digests.push(await push(namespace, 'app', `build-${i}`));
      let conflicts = 0;
      const acknowledged: string[] = [];
      await Promise.all(
        digests.map(async (digest) => {
          for (;;) {
            const rv = (await getStream(namespace, 'app')).metadata.resourceVersion;
            const response = await api('PUT', `${base(namespace)}/imagestreamtags/app:prod`, {
              metadata: { name: 'app:prod', resourceVersion: rv },
              tag: { from: { kind: 'ImageStreamImage', name: `app@${digest}` } },
            });
            if (response.status === 409) {
              conflicts++;
              continue;
            }
            expect(response.status).toBe(200);
            acknowledged.push(digest);
            return;
          }
        }),
      );
      expect(conflicts).toBeGreaterThan(0);
      const history = items(await getStream(namespace, 'app'), 'prod').map((e) => e.image);
      // Each acknowledged write is in the history exactly once, and nothing else is.
      expect(history).toHaveLength(20);
      expect([...history].sort()).toEqual([...acknowledged].sort());
      await receiver.waitForCount(20);
      // A later move elsewhere arrives after anything still queued for app:prod, so when it is here
      // an extra event for the contended tag would be too.
      const sentinel = randomDigest();
      expect((await api('POST', `${base(namespace)}/imagestreammappings`, mapping('sentinel', 'prod', sentinel))).status).toBe(201);
      await eventually(async () => (receiver.received.some((r) => r.body.includes(sentinel)) ? true : undefined), 'the sentinel move');
      const appMoves = receiver.received.filter((r) => (JSON.parse(r.body) as { data: { imageStream: string } }).data.imageStream === 'app');
      expect(appMoves).toHaveLength(20);
    } finally {
      await receiver.stop();
    }
  });
});

const FIXTURES = path.resolve(__dirname, '../../../../shared/fixtures/openshift-library/imagestreams');
if (!existsSync(FIXTURES)) console.warn(`OpenShift fixtures not found at ${FIXTURES}: the fixture import tests are skipped`);

(existsSync(FIXTURES) ? describe : describe.skip)('OpenShift sample image streams load unchanged', () => {
  it.each(existsSync(FIXTURES) ? readdirSync(FIXTURES).filter((f) => f.endsWith('.json')) : [])('%s', async (file) => {
    const namespace = await createTestNamespace('fixtures');
    const fixture = JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')) as ImageStream;
    const created = await api<ImageStream>('POST', `${base(namespace)}/imagestreams`, fixture);
    expect(created.status).toBe(201);
    const read = await getStream(namespace, fixture.metadata.name);
    expect(read.metadata.annotations).toEqual(fixture.metadata.annotations);
    expect(read.spec.tags?.map((t) => ({ ...t, generation: null }))).toEqual(
      fixture.spec.tags?.map((t) => ({ ...t, generation: null, importPolicy: { importMode: 'Legacy', ...(t as { importPolicy?: object }).importPolicy } })),
    );
  });
});
