import { startDockerRegistry, WebhookReceiver, eventually, type DockerRegistry } from '@imagestreams/testing';
import { Client } from 'pg';
import { api, createSubscription, createTestNamespace, gatewayUrl } from './support/api';
import { buildImage, buildIndex } from './support/oci-layout';
import { createGatewayPullSecret } from './support/pull-secrets';
import { gatewayEndpoint, pushImage, pushIndex } from './support/registry-push';

/**
 * Imports from a real registry on loopback: this stack's own `/v2` stands in for an external
 * registry (the importer reaches it over HTTP like any other; loopback is allowed in this stack),
 * with the credentials a private registry wants: the importing namespace has a pull secret for it.
 */
const IMAGE_API = '/apis/image.openshift.io/v1';

interface TagStatus {
  tag: string;
  items: { image: string; dockerImageReference: string }[] | null;
  conditions?: { type: string; status: string; reason: string; message: string }[];
}
interface StreamBody {
  metadata: { resourceVersion: string };
  spec: { tags?: { name: string; from?: { kind: string; name: string }; importPolicy?: { scheduled?: boolean } }[] };
  status: { tags?: TagStatus[] };
}

const registry = () => new URL(gatewayUrl()).host;
const endpoint = gatewayEndpoint;

async function stream(namespace: string, name: string): Promise<StreamBody> {
  const got = await api<StreamBody>('GET', `${IMAGE_API}/namespaces/${namespace}/imagestreams/${name}`);
  expect(got.status).toBe(200);
  return got.body;
}

function tagOf(body: StreamBody, tag: string): TagStatus | undefined {
  return body.status.tags?.find((candidate) => candidate.tag === tag);
}

describe('imports from an external registry', () => {
  let namespace: string;
  let upstream: string;

  beforeAll(async () => {
    namespace = await createTestNamespace('imports');
    upstream = await createTestNamespace('upstream');
    await createGatewayPullSecret(namespace);
  });

  it('imports a tag with ImageStreamImport (import: true): the tag points at the source digest with its metadata', async () => {
    const image = buildImage({ layers: 2, layerSize: 512, labels: { team: 'a' } });
    await pushImage(endpoint(), `${upstream}/app`, 'v1', image);
    const imported = await api<{ status: { images: { status: { status: string }; image?: { metadata: { name: string }; dockerImageMetadata: { Config: { Labels: Record<string, string> } } }; tag?: string }[]; import?: StreamBody } }>(
      'POST',
      `${IMAGE_API}/namespaces/${namespace}/imagestreamimports`,
      {
        kind: 'ImageStreamImport',
        apiVersion: 'image.openshift.io/v1',
        metadata: { name: 'mirror' },
        spec: { import: true, images: [{ from: { kind: 'DockerImage', name: `${registry()}/${upstream}/app:v1` }, to: { name: 'v1' }, importPolicy: { insecure: true } }] },
      },
    );
    expect(imported.status).toBe(201);
    const [result] = imported.body.status.images;
    expect(result.status.status).toBe('Success');
    expect(result.image?.metadata.name).toBe(image.manifestDigest);
    expect(result.image?.dockerImageMetadata.Config.Labels).toEqual(expect.objectContaining({ team: 'a' }));
    const tag = tagOf(imported.body.status.import as StreamBody, 'v1');
    expect(tag?.items?.[0]).toEqual(expect.objectContaining({ image: image.manifestDigest, dockerImageReference: `${registry()}/${upstream}/app@${image.manifestDigest}` }));
  });

  it('previews without writing anything (import: false)', async () => {
    const image = buildImage({ layers: 1, layerSize: 256 });
    await pushImage(endpoint(), `${upstream}/preview`, 'v1', image);
    const previewed = await api<{ status: { images: { image?: { metadata: { name: string } } }[]; import?: unknown } }>('POST', `${IMAGE_API}/namespaces/${namespace}/imagestreamimports`, {
      metadata: { name: 'preview-only' },
      spec: { import: false, images: [{ from: { kind: 'DockerImage', name: `${registry()}/${upstream}/preview:v1` }, to: { name: 'v1' }, importPolicy: { insecure: true } }] },
    });
    expect(previewed.status).toBe(201);
    expect(previewed.body.status.images[0].image?.metadata.name).toBe(image.manifestDigest);
    expect(previewed.body.status.import).toBeUndefined();
    expect((await api('GET', `${IMAGE_API}/namespaces/${namespace}/imagestreams/preview-only`)).status).toBe(404);
  });

  it('refuses a repository import whose source is not a repository reference with 422 on spec.repository.from.name', async () => {
    for (const name of ['🙂', 'UPPER/case', `${registry()}/${upstream}/preview:v1`]) {
      const refused = await api<{ reason: string; details: { causes: { field: string }[] } }>('POST', `${IMAGE_API}/namespaces/${namespace}/imagestreamimports`, {
        metadata: { name: 'bad-repository' },
        spec: { import: false, repository: { from: { kind: 'DockerImage', name } } },
      });
      expect(refused.status).toBe(422);
      expect(refused.body.reason).toBe('Invalid');
      expect(refused.body.details.causes.map((cause) => cause.field)).toEqual(['spec.repository.from.name']);
    }
  });

  it('records a failed import as an ImportSuccess=False condition, once', async () => {
    const body = {
      metadata: { name: 'broken' },
      spec: { import: true, images: [{ from: { kind: 'DockerImage', name: `${registry()}/${upstream}/missing:v1` }, to: { name: 'v1' }, importPolicy: { insecure: true } }] },
    };
    const first = await api<{ status: { images: { status: { status: string; reason: string; code: number } }[]; import: StreamBody } }>('POST', `${IMAGE_API}/namespaces/${namespace}/imagestreamimports`, body);
    expect(first.status).toBe(201);
    expect(first.body.status.images[0].status).toEqual(expect.objectContaining({ status: 'Failure', reason: 'NotFound', code: 404 }));
    const condition = tagOf(first.body.status.import, 'v1')?.conditions?.[0];
    expect(condition).toEqual(expect.objectContaining({ type: 'ImportSuccess', status: 'False', reason: 'NotFound' }));
    const again = await api<{ status: { import: StreamBody } }>('POST', `${IMAGE_API}/namespaces/${namespace}/imagestreamimports`, body);
    // The identical failure rewrote nothing: same resourceVersion, same condition timestamp.
    expect(again.body.status.import.metadata.resourceVersion).toBe(first.body.status.import.metadata.resourceVersion);
    expect(tagOf(again.body.status.import, 'v1')?.conditions).toEqual(tagOf(first.body.status.import, 'v1')?.conditions);
  });

  it('imports a spec tag from DockerImage as soon as the stream is created', async () => {
    const image = buildImage({ layers: 1, layerSize: 300 });
    await pushImage(endpoint(), `${upstream}/spec`, 'v2', image);
    const created = await api('POST', `${IMAGE_API}/namespaces/${namespace}/imagestreams`, {
      metadata: { name: 'from-spec' },
      spec: { tags: [{ name: 'stable', from: { kind: 'DockerImage', name: `${registry()}/${upstream}/spec:v2` }, importPolicy: { insecure: true } }] },
    });
    expect(created.status).toBe(201);
    const imported = await eventually(async () => tagOf(await stream(namespace, 'from-spec'), 'stable')?.items?.[0], 'the spec tag to be imported');
    expect(imported.image).toBe(image.manifestDigest);
  });

  it('keeps a manifest list whole with PreserveOriginal, and picks linux/amd64 in Legacy mode', async () => {
    const amd64 = buildImage({ layers: 1, layerSize: 200, architecture: 'amd64' });
    const arm64 = buildImage({ layers: 1, layerSize: 200, architecture: 'arm64' });
    const index = buildIndex([arm64, amd64]);
    await pushIndex(endpoint(), `${upstream}/multi`, 'v1', index);
    const source = `${registry()}/${upstream}/multi:v1`;
    const imported = await api<{ status: { images: { image?: { metadata: { name: string }; dockerImageManifests?: unknown[] }; manifests?: unknown[] }[] } }>('POST', `${IMAGE_API}/namespaces/${namespace}/imagestreamimports`, {
      metadata: { name: 'multi' },
      spec: {
        import: true,
        images: [
          { from: { kind: 'DockerImage', name: source }, to: { name: 'all' }, importPolicy: { insecure: true, importMode: 'PreserveOriginal' } },
          { from: { kind: 'DockerImage', name: source }, to: { name: 'one' }, importPolicy: { insecure: true, importMode: 'Legacy' } },
        ],
      },
    });
    expect(imported.status).toBe(201);
    const [preserved, legacy] = imported.body.status.images;
    expect(preserved.image?.metadata.name).toBe(index.digest);
    expect(preserved.image?.dockerImageManifests).toHaveLength(2);
    expect(preserved.manifests).toHaveLength(2);
    expect(legacy.image?.metadata.name).toBe(amd64.manifestDigest);
  });

  it('moves a scheduled tag when the source changes, with exactly one tag.changed, and writes nothing while it stays', async () => {
    const receiver = new WebhookReceiver();
    const url = await receiver.start();
    const database = new Client({ connectionString: process.env['E2E_DATABASE_URL'] });
    await database.connect();
    try {
      await createSubscription(namespace, 'scheduled-hook', { url, events: ['tag.changed'], filter: { imageStreams: ['scheduled'] } });
      const first = buildImage({ layers: 1, layerSize: 128 });
      await pushImage(endpoint(), `${upstream}/sched`, 'latest', first);
      const created = await api('POST', `${IMAGE_API}/namespaces/${namespace}/imagestreams`, {
        metadata: { name: 'scheduled' },
        spec: { tags: [{ name: 'latest', from: { kind: 'DockerImage', name: `${registry()}/${upstream}/sched:latest` }, importPolicy: { insecure: true, scheduled: true } }] },
      });
      expect(created.status).toBe(201);
      await eventually(async () => (tagOf(await stream(namespace, 'scheduled'), 'latest')?.items?.[0]?.image === first.manifestDigest ? true : undefined), 'the first import');

      const second = buildImage({ layers: 1, layerSize: 128 });
      await pushImage(endpoint(), `${upstream}/sched`, 'latest', second);
      await eventually(async () => (tagOf(await stream(namespace, 'scheduled'), 'latest')?.items?.[0]?.image === second.manifestDigest ? true : undefined), 'the scheduled import of the new digest', 30_000);
      const version = (await stream(namespace, 'scheduled')).metadata.resourceVersion;

      // Two more scheduled checks of the unchanged source: they must write nothing and send nothing.
      const checkedAt = async () =>
        ((await database.query('SELECT last_checked_at FROM importer.scheduled_tags WHERE namespace = $1 AND stream = $2', [namespace, 'scheduled'])).rows[0] as { last_checked_at: Date | null } | undefined)?.last_checked_at?.getTime() ?? 0;
      const since = await checkedAt();
      await eventually(async () => ((await checkedAt()) > since ? true : undefined), 'another scheduled check', 30_000);
      const next = await checkedAt();
      await eventually(async () => ((await checkedAt()) > next ? true : undefined), 'a second scheduled check', 30_000);

      expect((await stream(namespace, 'scheduled')).metadata.resourceVersion).toBe(version);
      const moves = receiver.received.map((delivery) => JSON.parse(delivery.body) as { data: { tag: string; current: { image: string } } });
      expect(moves.filter((move) => move.data.current.image === second.manifestDigest)).toHaveLength(1);
      expect(moves.filter((move) => move.data.current.image === first.manifestDigest)).toHaveLength(1);
    } finally {
      await database.end();
      await receiver.stop();
    }
  });

  it('checks scheduled tags at once when the registry notifies a push', async () => {
    const first = buildImage({ layers: 1, layerSize: 100 });
    await pushImage(endpoint(), `${upstream}/notified`, 'latest', first);
    await api('POST', `${IMAGE_API}/namespaces/${namespace}/imagestreams`, {
      metadata: { name: 'notified' },
      spec: { tags: [{ name: 'latest', from: { kind: 'DockerImage', name: `${registry()}/${upstream}/notified:latest` }, importPolicy: { insecure: true, scheduled: true } }] },
    });
    await eventually(async () => (tagOf(await stream(namespace, 'notified'), 'latest')?.items?.[0]?.image === first.manifestDigest ? true : undefined), 'the first import');

    const wrongSecret = await api('POST', '/apis/imagestreams.io/v1/registrynotifications/e2e/wrong', { events: [] });
    expect(wrongSecret.status).toBe(404);
    const envelope = { events: [{ action: 'push', target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', repository: `${upstream}/notified`, tag: 'latest' }, request: { host: registry() } }] };
    const accepted = await api<{ tagsScheduled: number }>('POST', '/apis/imagestreams.io/v1/registrynotifications/e2e/e2e-notification-secret', envelope);
    expect(accepted.status).toBe(202);
    expect(accepted.body.tagsScheduled).toBe(1);
  });
});

describe('imports from a registry that wants credentials (Debian docker-registry, htpasswd)', () => {
  const login = { username: 'puller', password: 'pull-secret-1' };
  let upstream: DockerRegistry;
  let namespace: string;
  const basic = `Basic ${Buffer.from(`${login.username}:${login.password}`).toString('base64')}`;

  beforeAll(async () => {
    upstream = await startDockerRegistry({ htpasswd: login });
    namespace = await createTestNamespace('creds');
  });

  afterAll(async () => {
    await upstream.stop();
  });

  const importRequest = (stream: string, source: string) => ({
    metadata: { name: stream },
    spec: { import: true, images: [{ from: { kind: 'DockerImage', name: source }, to: { name: 'v1' }, importPolicy: { insecure: true } }] },
  });

  it('fails with Unauthorized without a pull secret, and imports once the namespace has one', async () => {
    const image = buildImage({ layers: 1, layerSize: 400 });
    await pushImage({ baseUrl: upstream.origin, authorization: basic }, 'team/app', 'v1', image);
    const source = `${upstream.authority}/team/app:v1`;

    const denied = await api<{ status: { images: { status: { status: string; reason: string; code: number } }[] } }>('POST', `${IMAGE_API}/namespaces/${namespace}/imagestreamimports`, importRequest('private', source));
    expect(denied.status).toBe(201);
    expect(denied.body.status.images[0].status).toEqual(expect.objectContaining({ status: 'Failure', reason: 'Unauthorized', code: 401 }));

    const dockerconfig = { auths: { [upstream.authority]: { auth: Buffer.from(`${login.username}:${login.password}`).toString('base64') } } };
    const secret = await api<{ data: Record<string, string>; metadata: { name: string } }>('POST', `/api/v1/namespaces/${namespace}/secrets`, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'upstream-pull' },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Buffer.from(JSON.stringify(dockerconfig)).toString('base64') },
    });
    expect(secret.status).toBe(201);

    const imported = await api<{ status: { images: { status: { status: string }; image?: { metadata: { name: string } } }[] } }>('POST', `${IMAGE_API}/namespaces/${namespace}/imagestreamimports`, importRequest('private', source));
    expect(imported.body.status.images[0].status.status).toBe('Success');
    expect(imported.body.status.images[0].image?.metadata.name).toBe(image.manifestDigest);
    // The earlier failure's condition is cleared by the success.
    const tag = tagOf(await stream(namespace, 'private'), 'v1');
    expect(tag?.conditions).toBeUndefined();
    expect(tag?.items?.[0].image).toBe(image.manifestDigest);
  });

  it('lists registry secrets for imports, leaving out excluded ones, and refuses other secret types', async () => {
    const config = (host: string) => Buffer.from(JSON.stringify({ auths: { [host]: { username: 'u', password: 'p' } } })).toString('base64');
    await api('POST', `/api/v1/namespaces/${namespace}/secrets`, { metadata: { name: 'offered' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': config('quay.io') } });
    await api('POST', `/api/v1/namespaces/${namespace}/secrets`, {
      metadata: { name: 'hidden', annotations: { 'openshift.io/image.excludeSecret': 'true' } },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': config('ghcr.io') },
    });
    const forImports = await api<{ items: { metadata: { name: string } }[] }>('GET', `${IMAGE_API}/namespaces/${namespace}/imagestreams/anything/secrets`);
    const names = forImports.body.items.map((item) => item.metadata.name);
    expect(names).toEqual(expect.arrayContaining(['offered', 'upstream-pull']));
    expect(names).not.toContain('hidden');

    const opaque = await api<{ reason: string }>('POST', `/api/v1/namespaces/${namespace}/secrets`, { metadata: { name: 'opaque' }, type: 'Opaque', data: { a: 'Yg==' } });
    expect(opaque.status).toBe(422);
    const garbage = await api<{ reason: string; details: { causes: { field: string }[] } }>('POST', `/api/v1/namespaces/${namespace}/secrets`, {
      metadata: { name: 'garbage' },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Buffer.from('not json').toString('base64') },
    });
    expect(garbage.status).toBe(422);
    expect(garbage.body.details.causes[0].field).toBe('data[.dockerconfigjson]');
    expect((await api('GET', `/api/v1/namespaces/${namespace}/secrets/garbage`)).status).toBe(404);
  });
});
