import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Image, ImageStreamImage, ImageStreamTag } from '@imagestreams/contracts';
import { eventually, WebhookReceiver } from '@imagestreams/testing';
import { api, authHeaders, createSubscription, createTestNamespace, gatewayUrl } from './support/api';
import {
  DOCKER_CONFIG,
  DOCKER_LAYER,
  DOCKER_MANIFEST,
  hexOf,
  OCI_INDEX,
  OCI_LAYER,
  OCI_MANIFEST,
  randomLayer,
  readDirImage,
  readOciLayoutImage,
  removeTempDirs,
  sha256,
  tempDir,
  writeOciLayout,
  type OciLayout,
  type ReadImage,
} from './support/oci-layout';
import { dockerRef, skopeoCopy, SkopeoError, skopeoDelete, skopeoInspect, skopeoInspectConfig, skopeoInspectRaw, skopeoListTags } from './support/skopeo';

const IMAGE_API = '/apis/image.openshift.io/v1';

interface TagChangedEvent {
  type: string;
  data: { namespace: string; imageStream: string; tag: string; cause: string; previous: { image: string } | null; current: { image: string } };
}

/** Byte equality with a readable failure: digests, not kilobytes of buffer diff. */
function expectSameBytes(actual: Buffer, expected: Buffer, what: string): void {
  expect({ what, digest: sha256(actual), size: actual.length }).toEqual({ what, digest: sha256(expected), size: expected.length });
}

function expectSameImage(pulled: ReadImage, pushed: OciLayout): void {
  expectSameBytes(pulled.configBytes, pushed.image.configBytes, 'config');
  expect(pulled.layers).toHaveLength(pushed.image.layers.length);
  pulled.layers.forEach((layer, i) => expectSameBytes(layer, pushed.image.layers[i].bytes, `layer ${i}`));
}

describe('the registry through skopeo', () => {
  const receiver = new WebhookReceiver();
  let namespace: string;
  const repo = (stream: string) => `${namespace}/${stream}`;

  beforeAll(async () => {
    namespace = await createTestNamespace('skopeo');
    await createSubscription(namespace, 'pushes', { url: await receiver.start(), events: ['tag.changed'] });
  });

  afterAll(async () => {
    await receiver.stop();
    await removeTempDirs();
  });

  const tagChanged = (stream: string, tag: string) =>
    receiver.received
      .map((request) => JSON.parse(request.body) as TagChangedEvent)
      .filter((event) => event.type === 'io.imagestreams.tag.changed.v1' && event.data.imageStream === stream && event.data.tag === tag);

  async function push(stream: string, tag: string, options: Parameters<typeof writeOciLayout>[0] = {}, flags: string[] = []): Promise<OciLayout> {
    const layout = await writeOciLayout({ layerSize: 2048, ...options });
    await skopeoCopy(layout.reference, dockerRef(repo(stream), tag), flags);
    return layout;
  }

  describe('an OCI image pushed with --preserve-digests', () => {
    let layout: OciLayout;
    let pushedDigest: string;

    beforeAll(async () => {
      layout = await writeOciLayout({ layers: 3, layerSize: 48 * 1024, labels: { 'org.opencontainers.image.title': 'app' }, env: ['PATH=/bin', 'MODE=oci'], exposedPorts: ['8080/tcp', '9090/udp'], entrypoint: ['/bin/app', '--verbose'], cmd: ['serve'] });
      const digestFile = path.join(await tempDir(), 'digest');
      await skopeoCopy(layout.reference, dockerRef(repo('app'), 'v1'), ['--preserve-digests', '--digestfile', digestFile]);
      pushedDigest = (await readFile(digestFile, 'utf8')).trim();
    });

    it('keeps the manifest digest and serves the manifest bytes unchanged', async () => {
      expect(pushedDigest).toBe(layout.digest);
      expectSameBytes(await skopeoInspectRaw(dockerRef(repo('app'), 'v1')), layout.manifestBytes, 'manifest by tag');
      expectSameBytes(await skopeoInspectRaw(dockerRef(repo('app'), layout.digest)), layout.manifestBytes, 'manifest by digest');
      expectSameBytes(await skopeoInspectConfig(dockerRef(repo('app'), 'v1')), layout.image.configBytes, 'config');
    });

    it('pulls back (oci: and dir:) the same config and layer bytes', async () => {
      const ociDir = await tempDir();
      await skopeoCopy(dockerRef(repo('app'), 'v1'), `oci:${ociDir}:pulled`);
      const pulled = await readOciLayoutImage(ociDir, 'pulled');
      expect(pulled.manifestDigest).toBe(layout.digest);
      expectSameImage(pulled, layout);

      const dir = await tempDir();
      await skopeoCopy(dockerRef(repo('app'), layout.digest), `dir:${dir}`);
      const byDigest = await readDirImage(dir);
      expectSameBytes(byDigest.manifestBytes, layout.manifestBytes, 'manifest');
      expectSameImage(byDigest, layout);
    });

    it('answers skopeo inspect with the image config and the tag', async () => {
      const inspected = await skopeoInspect(dockerRef(repo('app'), 'v1'));
      expect(inspected).toMatchObject({
        Digest: layout.digest,
        Architecture: 'amd64',
        Os: 'linux',
        Labels: layout.image.config.config.Labels,
        Env: ['PATH=/bin', 'MODE=oci'],
        Layers: layout.image.layers.map((layer) => layer.digest),
      });
      expect(inspected.RepoTags).toEqual(['v1']);
    });

    it('moves the ImageStreamTag to the manifest digest with the image metadata', async () => {
      const tag = await api<ImageStreamTag>('GET', `${IMAGE_API}/namespaces/${namespace}/imagestreamtags/app:v1`);
      expect(tag.status).toBe(200);
      expect(tag.body.image?.metadata.name).toBe(layout.digest);
      expect(tag.body.image?.dockerImageManifestMediaType).toBe(OCI_MANIFEST);
      expect(tag.body.image?.dockerImageMetadata).toMatchObject({
        Architecture: 'amd64',
        Config: {
          Labels: layout.image.config.config.Labels,
          Env: ['PATH=/bin', 'MODE=oci'],
          ExposedPorts: { '8080/tcp': {}, '9090/udp': {} },
          Entrypoint: ['/bin/app', '--verbose'],
          Cmd: ['serve'],
        },
      });
      // The ImageStreamTag view carries no layers; the stream's image (ImageStreamImage) does.
      const image = await api<ImageStreamImage>('GET', `${IMAGE_API}/namespaces/${namespace}/imagestreamimages/app@${layout.digest}`);
      expect(image.status).toBe(200);
      expect(image.body.image.dockerImageLayers).toEqual(layout.image.layers.map((layer) => ({ name: layer.digest, size: layer.size, mediaType: OCI_LAYER })));
    });

    it('delivers tag.changed (cause push) to the namespace webhook subscription', async () => {
      const [event] = await eventually(async () => (tagChanged('app', 'v1').length > 0 ? tagChanged('app', 'v1') : undefined), 'tag.changed for app:v1');
      expect(event.data).toMatchObject({ namespace, imageStream: 'app', tag: 'v1', cause: 'push', previous: null, current: { image: layout.digest } });
    });
  });

  it('pushes a Docker schema 2 image (--format v2s2) and pulls it back byte-identical', async () => {
    const layout = await push('legacy', 'v1', { layers: 2, layerSize: 16 * 1024 }, ['--format', 'v2s2']);
    const raw = await skopeoInspectRaw(dockerRef(repo('legacy'), 'v1'));
    const manifest = JSON.parse(raw.toString('utf8')) as { mediaType: string; config: { mediaType: string; digest: string }; layers: { mediaType: string; digest: string; size: number }[] };
    expect(manifest.mediaType).toBe(DOCKER_MANIFEST);
    expect(manifest.config).toMatchObject({ mediaType: DOCKER_CONFIG, digest: layout.image.configDigest });
    expect(manifest.layers).toEqual(layout.image.layers.map((layer) => ({ mediaType: DOCKER_LAYER, digest: layer.digest, size: layer.size })));

    const dir = await tempDir();
    await skopeoCopy(dockerRef(repo('legacy'), 'v1'), `dir:${dir}`);
    const pulled = await readDirImage(dir);
    expectSameBytes(pulled.manifestBytes, raw, 'manifest');
    expectSameImage(pulled, layout);

    const tag = await api<ImageStreamTag>('GET', `${IMAGE_API}/namespaces/${namespace}/imagestreamtags/legacy:v1`);
    expect(tag.status).toBe(200);
    expect(tag.body.image).toMatchObject({ metadata: { name: sha256(raw) }, dockerImageManifestMediaType: DOCKER_MANIFEST, dockerImageMetadata: { Architecture: 'amd64' } });
  });

  it('copies between two repositories of the registry, into a namespace the push creates; both pull', async () => {
    const source = await push('copy-src', 'v1', { layers: 2 });
    const otherNamespace = `skopeo-new-${randomBytes(4).toString('hex')}`;
    const target = `${otherNamespace}/copy-dst`;
    expect((await api('GET', `/api/v1/namespaces/${otherNamespace}`)).status).toBe(404);

    await skopeoCopy(dockerRef(repo('copy-src'), 'v1'), dockerRef(target, 'v2'));

    expect((await api('GET', `/api/v1/namespaces/${otherNamespace}`)).status).toBe(200);
    for (const [repository, tag] of [[repo('copy-src'), 'v1'], [target, 'v2']]) {
      const dir = await tempDir();
      await skopeoCopy(dockerRef(repository, tag), `oci:${dir}:x`);
      const pulled = await readOciLayoutImage(dir, 'x');
      expect(pulled.manifestDigest).toBe(source.digest);
      expectSameImage(pulled, source);
    }
    const copied = await api<ImageStreamTag>('GET', `${IMAGE_API}/namespaces/${otherNamespace}/imagestreamtags/copy-dst:v2`);
    expect(copied.body.image?.metadata.name).toBe(source.digest);
  });

  it('deletes a manifest with skopeo delete; inspect then fails', async () => {
    const layout = await push('doomed', 'v1', { layers: 1 });
    await skopeoInspectRaw(dockerRef(repo('doomed'), 'v1'));
    await skopeoDelete(dockerRef(repo('doomed'), 'v1'));
    await expect(skopeoInspectRaw(dockerRef(repo('doomed'), layout.digest))).rejects.toThrow(SkopeoError);
    await expect(skopeoInspectRaw(dockerRef(repo('doomed'), 'v1'))).rejects.toThrow(SkopeoError);
  });

  it('pushes a multi-arch index with --all; --override-arch resolves each platform', async () => {
    const layout = await push('multi', 'v1', { multiArch: true, layers: 1 }, ['--all', '--preserve-digests']);
    const [amd64, arm64] = layout.images;

    const raw = await skopeoInspectRaw(dockerRef(repo('multi'), 'v1'));
    expectSameBytes(raw, layout.manifestBytes, 'index');
    expect(JSON.parse(raw.toString('utf8'))).toMatchObject({ mediaType: OCI_INDEX, manifests: [{ digest: amd64.manifestDigest }, { digest: arm64.manifestDigest }] });

    const onArm = await skopeoInspect(dockerRef(repo('multi'), 'v1'), [], { global: ['--override-arch', 'arm64'] });
    expect(onArm.Architecture).toBe('arm64');
    expect(onArm.Layers).toEqual(arm64.layers.map((layer) => layer.digest));
    const onAmd = await skopeoInspect(dockerRef(repo('multi'), 'v1'), [], { global: ['--override-arch', 'amd64'] });
    expect(onAmd.Architecture).toBe('amd64');
    expect(onAmd.Layers).toEqual(amd64.layers.map((layer) => layer.digest));
    expectSameBytes(await skopeoInspectRaw(dockerRef(repo('multi'), arm64.manifestDigest)), arm64.manifestBytes, 'arm64 manifest by digest');

    const image = await api<Image>('GET', `${IMAGE_API}/images/${layout.digest}`);
    expect(image.status).toBe(200);
    expect(image.body.dockerImageManifestMediaType).toBe(OCI_INDEX);
    expect(image.body.dockerImageManifests).toEqual([
      expect.objectContaining({ digest: amd64.manifestDigest, architecture: 'amd64', os: 'linux' }),
      expect.objectContaining({ digest: arm64.manifestDigest, architecture: 'arm64', os: 'linux', variant: 'v8' }),
    ]);
  });

  it('serves what the REST API moved a tag to (rollback, ImageStreamImage tag) and lists the tags', async () => {
    const first = await push('moving', 'rel', { layers: 1 });
    const second = await push('moving', 'rel', { layers: 1 });
    expectSameBytes(await skopeoInspectRaw(dockerRef(repo('moving'), 'rel')), second.manifestBytes, 'rel after two pushes');

    const rolled = await api<ImageStreamTag>('POST', `${IMAGE_API}/namespaces/${namespace}/imagestreamtags/moving:rel/rollback`, { revisionsBack: 1, reason: 'e2e' });
    expect(rolled.status).toBe(201);
    expect(rolled.body.image?.metadata.name).toBe(first.digest);
    expect((await skopeoInspect(dockerRef(repo('moving'), 'rel'))).Digest).toBe(first.digest);

    const tagged = await api<ImageStreamTag>('PUT', `${IMAGE_API}/namespaces/${namespace}/imagestreamtags/moving:prod`, {
      metadata: { name: 'moving:prod' },
      tag: { from: { kind: 'ImageStreamImage', name: `moving@${second.digest}` } },
    });
    expect(tagged.status).toBe(200);
    expectSameBytes(await skopeoInspectRaw(dockerRef(repo('moving'), 'prod')), second.manifestBytes, 'prod');
    const dir = await tempDir();
    await skopeoCopy(dockerRef(repo('moving'), 'prod'), `oci:${dir}:prod`);
    expectSameImage(await readOciLayoutImage(dir, 'prod'), second);

    expect(await skopeoListTags(dockerRef(repo('moving')))).toMatchObject({ Tags: ['prod', 'rel'] });
  });

  it('takes 20 parallel pushes of images sharing layers into 20 repositories, storing each shared blob once', async () => {
    const dataDir = process.env['E2E_DATA_DIR'];
    if (!dataDir) throw new Error('E2E_DATA_DIR is not set: the global setup exports the stack data dir');
    const shared = [randomLayer(32 * 1024), randomLayer(8 * 1024)];
    const layouts = await Promise.all(Array.from({ length: 20 }, () => writeOciLayout({ sharedLayers: shared, layers: 1, layerSize: 512, tag: 'v1' })));
    const results = await Promise.allSettled(layouts.map((layout, i) => skopeoCopy(layout.reference, dockerRef(repo(`fleet-${i}`), 'v1'), [], { timeoutMs: 50_000 })));
    const failures = results.flatMap((result, i) => (result.status === 'rejected' ? [`fleet-${i}: ${(result.reason as Error).message}`] : []));
    expect(failures).toEqual([]);

    await Promise.all(
      layouts.map(async (layout, i) => {
        const response = await fetch(`${gatewayUrl()}/v2/${repo(`fleet-${i}`)}/manifests/v1`, { headers: { ...authHeaders(), accept: OCI_MANIFEST } });
        expect(response.status).toBe(200);
        expect(response.headers.get('docker-content-digest')).toBe(layout.digest);
        for (const layer of shared) {
          const blob = await fetch(`${gatewayUrl()}/v2/${repo(`fleet-${i}`)}/blobs/${layer.digest}`, { method: 'HEAD', headers: authHeaders() });
          expect(blob.status).toBe(200);
        }
      }),
    );

    // Content addressed: however many repositories link a blob, one file holds it.
    const blobRoot = path.join(dataDir, 'registry', 'blobs', 'sha256');
    const stored = (await readdir(blobRoot, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
    for (const layer of shared) {
      const copies = stored.filter((entry) => entry.name === hexOf(layer.digest));
      expect(copies.map((entry) => path.relative(blobRoot, path.join(entry.parentPath, entry.name)))).toEqual([path.join(hexOf(layer.digest).slice(0, 2), hexOf(layer.digest))]);
      expectSameBytes(await readFile(path.join(blobRoot, hexOf(layer.digest).slice(0, 2), hexOf(layer.digest))), layer.bytes, 'stored shared layer');
    }
  });
});
