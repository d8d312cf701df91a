import { api, createTestNamespace, mapping, randomDigest } from './support/api';
import { WatchReader } from './support/watch-reader';

const streams = (namespace: string) => `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams`;

describe('watching image streams', () => {
  it('streams ADDED, MODIFIED and DELETED in order, and resumes from a resourceVersion', async () => {
    const namespace = await createTestNamespace('watch');
    await api('POST', streams(namespace), { metadata: { name: 'before' } });
    const watch = new WatchReader(`${streams(namespace)}?watch=true`);
    try {
      expect(await watch.status).toBe(200);
      // Without a resourceVersion, the watch starts with the current state.
      expect((await watch.waitFor(1)).map((e) => [e.type, e.object.metadata.name])).toEqual([['ADDED', 'before']]);
      await api('POST', streams(namespace), { metadata: { name: 'web' } });
      // Seen before the next change, or both could arrive as one event carrying the latest state.
      await watch.waitFor(2);
      await api('POST', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreammappings`, mapping('web', 'latest', randomDigest()));
      const events = await watch.waitFor(3);
      expect(events.slice(1).map((e) => [e.type, e.object.metadata.name])).toEqual([
        ['ADDED', 'web'],
        ['MODIFIED', 'web'],
      ]);
      const resumeFrom = events[2].object.metadata.resourceVersion;
      await api('DELETE', `${streams(namespace)}/web`);
      expect((await watch.waitFor(4))[3]).toMatchObject({ type: 'DELETED', object: { metadata: { name: 'web' } } });
      watch.close();

      // A new watch from the MODIFIED event's resourceVersion hears only what came after it.
      const resumed = new WatchReader(`${streams(namespace)}?watch=true&resourceVersion=${resumeFrom}`);
      try {
        expect(await resumed.status).toBe(200);
        expect((await resumed.waitFor(1)).map((e) => [e.type, e.object.metadata.name])).toEqual([['DELETED', 'web']]);
        // A later change arrives next, with nothing from before the resourceVersion in between.
        await api('POST', streams(namespace), { metadata: { name: 'after' } });
        expect((await resumed.waitFor(2)).map((e) => [e.type, e.object.metadata.name])).toEqual([
          ['DELETED', 'web'],
          ['ADDED', 'after'],
        ]);
      } finally {
        resumed.close();
      }
    } finally {
      watch.close();
    }
  });

  it('filters a watch by label selector and rejects a bad resourceVersion with 400', async () => {
    const namespace = await createTestNamespace('watch-labels');
    const watch = new WatchReader(`${streams(namespace)}?watch=true&labelSelector=${encodeURIComponent('app=web')}`);
    try {
      expect(await watch.status).toBe(200);
      await api('POST', streams(namespace), { metadata: { name: 'other', labels: { app: 'db' } } });
      await api('POST', streams(namespace), { metadata: { name: 'front', labels: { app: 'web' } } });
      expect((await watch.waitFor(1)).map((e) => e.object.metadata.name)).toEqual(['front']);
    } finally {
      watch.close();
    }
    expect((await api('GET', `${streams(namespace)}?watch=true&resourceVersion=abc`)).status).toBe(400);
  });
});

describe('lists: label selectors and pagination', () => {
  it('pages through 1,000 streams with limit/continue without repeats or gaps, and filters by label', async () => {
    const namespace = await createTestNamespace('pages');
    const names = Array.from({ length: 1000 }, (_, i) => `s-${String(i).padStart(4, '0')}`);
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < names.length) {
          const i = next++;
          const created = await api('POST', streams(namespace), { metadata: { name: names[i], labels: { tier: `t${i % 4}` } } });
          if (created.status !== 201) throw new Error(`create ${names[i]}: ${created.status}`);
        }
      }),
    );
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await api<{ items: { metadata: { name: string } }[]; metadata: { continue?: string } }>(
        'GET',
        `${streams(namespace)}?limit=100${token ? `&continue=${encodeURIComponent(token)}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(100);
      seen.push(...page.body.items.map((item) => item.metadata.name));
      token = page.body.metadata.continue;
      pages++;
    } while (token);
    expect(pages).toBe(10);
    expect(seen).toEqual(names);

    const tier1 = await api<{ items: { metadata: { name: string } }[] }>('GET', `${streams(namespace)}?labelSelector=${encodeURIComponent('tier in (t1),tier!=t2')}`);
    expect(tier1.body.items).toHaveLength(250);
    const bad = await api<{ reason: string }>('GET', `${streams(namespace)}?labelSelector=${encodeURIComponent('tier in (')}`);
    expect(bad.status).toBe(400);
    expect((await api('GET', `${streams(namespace)}?continue=not-a-token`)).status).toBe(400);
    expect((await api('GET', `${streams(namespace)}?limit=-1`)).status).toBe(400);
  });
});

describe('namespace deletion', () => {
  it('deletes the namespace with its streams', async () => {
    const namespace = await createTestNamespace('doomed');
    await api('POST', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreammappings`, mapping('web', 'latest', randomDigest()));
    expect((await api('DELETE', `/api/v1/namespaces/${namespace}`)).status).toBe(200);
    expect((await api('GET', `/api/v1/namespaces/${namespace}`)).status).toBe(404);
    expect((await api('GET', `${streams(namespace)}/web`)).status).toBe(404);
    expect((await api('DELETE', `/api/v1/namespaces/${namespace}`)).status).toBe(404);
  });
});

describe('tag history limit (TAG_HISTORY_LIMIT=50 in this stack)', () => {
  it('prunes the oldest entries and never the current one', async () => {
    const namespace = await createTestNamespace('history');
    const digests: string[] = [];
    for (let i = 0; i < 55; i++) {
      const digest = randomDigest();
      digests.push(digest);
      await api('POST', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreammappings`, mapping('app', 'latest', digest));
    }
    const stream = await api<{ status: { tags: { items: { image: string }[] }[] } }>('GET', `${streams(namespace)}/app`);
    const history = stream.body.status.tags[0].items.map((item) => item.image);
    expect(history).toHaveLength(50);
    expect(history[0]).toBe(digests[54]);
    expect(history[49]).toBe(digests[5]);
  });
});
