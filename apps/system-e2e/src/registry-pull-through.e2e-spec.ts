import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { eventually, startDockerRegistry, type DockerRegistry } from '@imagestreams/testing';
import { api, authHeaders, createTestNamespace, gatewayUrl } from './support/api';
import { buildImage, buildIndex, hexOf, readDirImage, removeTempDirs, tempDir, type BuiltImage } from './support/oci-layout';
import { scrape } from './support/metrics';
import { ociErrorCode, v2 } from './support/registry-http';
import { pushImage, pushIndex, type RegistryEndpoint } from './support/registry-push';
import { PodmanStore, removePodmanStores } from './support/podman';
import { dockerRef, registryHost, skopeoCopy } from './support/skopeo';

/**
 * OpenShift's registry pull-through: an image a stream imported from another registry is pulled
 * from this registry too (what a `referencePolicy: Local` tag's pull spec promises). The origin is
 * a real docker-registry wanting a login that only the namespace's pull secret holds; the gateway
 * fetches with it, verifies, and keeps what it fetched.
 */
const IMAGE_API = '/apis/image.openshift.io/v1';
const FETCHES = 'imagestreams_registry_pull_through_fetches_total';

async function fetches(kind: 'blob' | 'manifest', outcome: 'fetched' | 'refused' | 'unavailable'): Promise<number> {
  return (await scrape('registry-gateway')).value(FETCHES, { kind, outcome });
}

interface TagStatus {
  tag: string;
  items: { image: string; dockerImageReference: string }[] | null;
  conditions?: { type: string; status: string; message: string }[];
}

describe('pulling imported images through the registry', () => {
  const login = { username: 'origin-puller', password: 'origin-secret-7' };
  const basic = `Basic ${Buffer.from(`${login.username}:${login.password}`).toString('base64')}`;
  let origin: DockerRegistry;
  let originEndpoint: RegistryEndpoint;
  let namespace: string;

  const secretBody = (name: string) => ({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths: { [origin.authority]: { auth: Buffer.from(`${login.username}:${login.password}`).toString('base64') } } })).toString('base64') },
  });

  /** A stream whose spec tag imports `<origin>/<repository>:<tag>` over plain HTTP; resolves once it is imported. */
  async function importedStream(stream: string, repository: string, tag: string, extra: Record<string, unknown> = {}): Promise<TagStatus> {
    const created = await api('POST', `${IMAGE_API}/namespaces/${namespace}/imagestreams`, {
      metadata: { name: stream },
      spec: {
        tags: [
          {
            name: tag,
            from: { kind: 'DockerImage', name: `${origin.authority}/${repository}:${tag}` },
            importPolicy: { insecure: true, ...extra },
            referencePolicy: { type: 'Local' },
          },
        ],
      },
    });
    expect(created.status).toBe(201);
    return eventually(async () => {
      const got = await api<{ status: { tags?: TagStatus[] } }>('GET', `${IMAGE_API}/namespaces/${namespace}/imagestreams/${stream}`);
      const status = got.body.status.tags?.find((candidate) => candidate.tag === tag);
      return status?.items?.[0] ? status : undefined;
    }, `${stream}:${tag} to be imported`);
  }

  async function expectPulledExactly(directory: string, image: BuiltImage): Promise<void> {
    const pulled = await readDirImage(directory);
    expect(pulled.manifestDigest).toBe(image.manifestDigest);
    expect(pulled.manifestBytes.equals(image.manifestBytes)).toBe(true);
    expect(pulled.configBytes.equals(image.configBytes)).toBe(true);
    expect(pulled.layers.map((layer) => layer.toString('base64'))).toEqual(image.layers.map((layer) => layer.bytes.toString('base64')));
  }

  beforeAll(async () => {
    origin = await startDockerRegistry({ htpasswd: login });
    originEndpoint = { baseUrl: origin.origin, authorization: basic };
    namespace = await createTestNamespace('pullthrough');
    expect((await api('POST', `/api/v1/namespaces/${namespace}/secrets`, secretBody('origin-pull'))).status).toBe(201);
  });

  afterAll(async () => {
    await origin.stop();
    await removeTempDirs();
    await removePodmanStores();
  });

  it('pulls an imported image by tag and by digest, byte for byte, and keeps what it fetched', async () => {
    const image = buildImage({ layers: 2, layerSize: 64 * 1024 });
    await pushImage(originEndpoint, 'team/app', 'v1', image);
    const imported = await importedStream('app', 'team/app', 'v1');
    expect(imported.items?.[0].image).toBe(image.manifestDigest);
    expect(imported.items?.[0].dockerImageReference).toBe(`${origin.authority}/team/app@${image.manifestDigest}`);
    // Before the first pull, the registry holds none of it.
    const anonymousLayer = await v2('GET', `${namespace}/app/blobs/${image.layers[0].digest}`, authHeaders());
    expect(anonymousLayer.status).toBe(404);
    expect(ociErrorCode(anonymousLayer)).toBe('BLOB_UNKNOWN');

    const byTag = await tempDir();
    await skopeoCopy(dockerRef(`${namespace}/app`, 'v1'), `dir:${byTag}`);
    await expectPulledExactly(byTag, image);

    const byDigest = await tempDir();
    await skopeoCopy(dockerRef(`${namespace}/app`, image.manifestDigest), `dir:${byDigest}`);
    await expectPulledExactly(byDigest, image);

    // Kept, as OpenShift's mirroring does: the blobs are in this registry's own store now.
    const dataDir = process.env['E2E_DATA_DIR'] ?? '';
    for (const blob of [image.layers[0].digest, image.configDigest]) {
      const stored = await readFile(path.join(dataDir, 'registry', 'blobs', 'sha256', hexOf(blob).slice(0, 2), hexOf(blob))).catch(() => undefined);
      expect(stored).toBeDefined();
    }
  });

  it('serves a new 8 MiB layer to several clients pulling it through at the same time, fetching it once', async () => {
    const image = buildImage({ layers: 1, layerSize: 8 * 1024 * 1024 });
    await pushImage(originEndpoint, 'team/big', 'v1', image);
    await importedStream('big', 'team/big', 'v1');
    const blobsBefore = await fetches('blob', 'fetched');
    const directories = await Promise.all([1, 2, 3].map(() => tempDir()));
    await Promise.all(directories.map((directory) => skopeoCopy(dockerRef(`${namespace}/big`, 'v1'), `dir:${directory}`, [], { timeoutMs: 60_000 })));
    for (const directory of directories) await expectPulledExactly(directory, image);
    // The layer and the config, each once: clients that ask while a fetch runs share it, later ones find it kept.
    expect((await fetches('blob', 'fetched')) - blobsBefore).toBe(2);
  });

  it('keeps a layer whose first client went away mid-transfer, fetching it only once', async () => {
    const image = buildImage({ layers: 1, layerSize: 16 * 1024 * 1024 });
    await pushImage(originEndpoint, 'team/abandoned', 'v1', image);
    await importedStream('abandoned', 'team/abandoned', 'v1');
    // The manifest first, as a client would (that is what records where the layer comes from).
    expect((await v2('GET', `${namespace}/abandoned/manifests/v1`, { ...authHeaders(), accept: image.manifest.mediaType })).status).toBe(200);
    const blobsBefore = await fetches('blob', 'fetched');

    const leaving = new AbortController();
    const response = await fetch(`${gatewayUrl()}/v2/${namespace}/abandoned/blobs/${image.layers[0].digest}`, { headers: authHeaders(), signal: leaving.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(image.layers[0].size));
    const reader = response.body?.getReader();
    expect((await reader?.read())?.value?.length).toBeGreaterThan(0);
    leaving.abort();

    await eventually(async () => ((await fetches('blob', 'fetched')) > blobsBefore ? true : undefined), 'the abandoned layer to be kept');
    const layer = await v2('GET', `${namespace}/abandoned/blobs/${image.layers[0].digest}`, authHeaders());
    expect(layer.status).toBe(200);
    expect(await fetches('blob', 'fetched')).toBe(blobsBefore + 1);
  });

  it('does not let a first client that stops reading hold the layer back, and still sends it every byte', async () => {
    const image = buildImage({ layers: 1, layerSize: 24 * 1024 * 1024 });
    const layer = image.layers[0];
    await pushImage(originEndpoint, 'team/slow', 'v1', image);
    await importedStream('slow', 'team/slow', 'v1');
    expect((await v2('GET', `${namespace}/slow/manifests/v1`, { ...authHeaders(), accept: image.manifest.mediaType })).status).toBe(200);
    const blobsBefore = await fetches('blob', 'fetched');

    const response = await fetch(`${gatewayUrl()}/v2/${namespace}/slow/blobs/${layer.digest}`, { headers: authHeaders() });
    expect(response.status).toBe(200);
    const reader = response.body?.getReader();
    if (!reader) throw new Error('no body');
    const chunks: Uint8Array[] = [];
    const first = await reader.read();
    if (first.value) chunks.push(first.value);
    // The client reads nothing more until the layer is kept: the fetch must not wait for it.
    await eventually(async () => ((await fetches('blob', 'fetched')) > blobsBefore ? true : undefined), 'the layer to be kept while its first client is not reading');
    for (let next = await reader.read(); !next.done; next = await reader.read()) chunks.push(next.value);
    expect(Buffer.concat(chunks).equals(layer.bytes)).toBe(true);
  });

  it('serves podman, which unpacks what it pulls through into its own storage', async () => {
    const image = buildImage({ layers: 2, layerSize: 4096, labels: { 'io.imagestreams.e2e': 'podman-through' } });
    await pushImage(originEndpoint, 'team/podman', 'v1', image);
    await importedStream('podman', 'team/podman', 'v1');
    const puller = await PodmanStore.create();
    const target = `${registryHost()}/${namespace}/podman:v1`;
    await puller.run(['pull', '--quiet', '--tls-verify=false', ...PodmanStore.credentials(), target]);
    expect(await puller.imageId(target)).toBe(hexOf(image.configDigest));
  });

  it('serves a platform of an imported multi-arch index (PreserveOriginal) that the client picks', async () => {
    const amd64 = buildImage({ layers: 1, layerSize: 2048, architecture: 'amd64' });
    const arm64 = buildImage({ layers: 1, layerSize: 2048, architecture: 'arm64' });
    const index = buildIndex([amd64, arm64]);
    await pushIndex(originEndpoint, 'team/multi', 'v1', index);
    const imported = await importedStream('multi', 'team/multi', 'v1', { importMode: 'PreserveOriginal' });
    expect(imported.items?.[0].image).toBe(index.digest);

    const directory = await tempDir();
    await skopeoCopy(dockerRef(`${namespace}/multi`, 'v1'), `dir:${directory}`, [], { global: ['--override-arch', 'arm64'] });
    await expectPulledExactly(directory, arm64);
  });

  it('answers MANIFEST_UNKNOWN (404, saying why) when the origin refuses: the namespace no longer has the login', async () => {
    const image = buildImage({ layers: 1, layerSize: 1024 });
    await pushImage(originEndpoint, 'team/locked', 'v1', image);
    await importedStream('locked', 'team/locked', 'v1');
    expect((await api('DELETE', `/api/v1/namespaces/${namespace}/secrets/origin-pull`)).status).toBe(200);
    try {
      const refusalsBefore = await fetches('manifest', 'refused');
      const refused = await v2('GET', `${namespace}/locked/manifests/v1`, { ...authHeaders(), accept: image.manifest.mediaType });
      expect(await fetches('manifest', 'refused')).toBe(refusalsBefore + 1);
      expect(refused.status).toBe(404);
      expect(ociErrorCode(refused)).toBe('MANIFEST_UNKNOWN');
      expect(refused.body).toContain(`${origin.authority}/team/locked`);
    } finally {
      expect((await api('POST', `/api/v1/namespaces/${namespace}/secrets`, secretBody('origin-pull'))).status).toBe(201);
    }
    const allowed = await v2('GET', `${namespace}/locked/manifests/v1`, { ...authHeaders(), accept: image.manifest.mediaType });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('docker-content-digest')).toBe(image.manifestDigest);
  });

  it('never pulls through what no tag of the stream imported', async () => {
    const unknown = `sha256:${'0'.repeat(64)}`;
    const manifest = await v2('GET', `${namespace}/app/manifests/${unknown}`, authHeaders());
    expect(manifest.status).toBe(404);
    expect(ociErrorCode(manifest)).toBe('MANIFEST_UNKNOWN');
    const blob = await v2('GET', `${namespace}/app/blobs/${unknown}`, authHeaders());
    expect(blob.status).toBe(404);
    expect(ociErrorCode(blob)).toBe('BLOB_UNKNOWN');
  });

  it('keeps serving what it fetched after the origin is gone, and answers 503 for what it never fetched', async () => {
    const late = buildImage({ layers: 1, layerSize: 1024 });
    await pushImage(originEndpoint, 'team/late', 'v1', late);
    await importedStream('late', 'team/late', 'v1');
    const app = await api<{ image: { metadata: { name: string } } }>('GET', `${IMAGE_API}/namespaces/${namespace}/imagestreamtags/app:v1`);
    expect(app.status).toBe(200);

    await origin.stop();

    const directory = await tempDir();
    await skopeoCopy(dockerRef(`${namespace}/app`, 'v1'), `dir:${directory}`);
    expect((await readDirImage(directory)).manifestDigest).toBe(app.body.image.metadata.name);

    const unreachable = await v2('GET', `${namespace}/late/manifests/v1`, { ...authHeaders(), accept: late.manifest.mediaType });
    expect(unreachable.status).toBe(503);
    expect(ociErrorCode(unreachable)).toBe('MANIFEST_UNKNOWN');
  });
});
