import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { Image, ImageStreamTag } from '@imagestreams/contracts';
import { api, createTestNamespace } from './support/api';
import { hexOf, removeTempDirs, sha256, writeOciLayout } from './support/oci-layout';
import { PodmanStore, removePodmanStores } from './support/podman';
import { registryHost } from './support/skopeo';

const IMAGE_API = '/apis/image.openshift.io/v1';
const run = promisify(execFile);
const PLAIN_HTTP = '--tls-verify=false';

/**
 * Issue 4 says podman and buildah should work unchanged, as skopeo does (all three are
 * containers/image, but podman and buildah add their own storage: layers are unpacked on pull and
 * compressed again on push).
 */
describe('the registry through podman and buildah', () => {
  afterAll(async () => {
    await removeTempDirs();
    await removePodmanStores();
  });

  it('takes a podman push (the tag moves to the digest podman wrote) and serves it to a fresh podman by tag and by digest', async () => {
    const namespace = await createTestNamespace('podman');
    const layout = await writeOciLayout({ labels: { 'io.imagestreams.e2e': 'podman' } });
    const configId = hexOf(sha256(layout.image.configBytes));

    const pusher = await PodmanStore.create();
    expect(await pusher.load(layout.dir, layout.tag)).toBe(configId);
    const target = `${registryHost()}/${namespace}/app:v1`;
    const pushedDigest = await pusher.push('podman', ['push'], configId, target);
    expect(pushedDigest).toMatch(/^sha256:[0-9a-f]{64}$/);

    const tag = await api<ImageStreamTag>('GET', `${IMAGE_API}/namespaces/${namespace}/imagestreamtags/app:v1`);
    expect(tag.status).toBe(200);
    expect(tag.body.image).toMatchObject({ metadata: { name: pushedDigest }, dockerImageMetadata: { Config: { Labels: { 'io.imagestreams.e2e': 'podman' } } } });

    const puller = await PodmanStore.create();
    await puller.run(['pull', '--quiet', PLAIN_HTTP, ...PodmanStore.credentials(), target]);
    expect(await puller.imageId(target)).toBe(configId);
    const byDigest = `${registryHost()}/${namespace}/app@${pushedDigest}`;
    await puller.run(['pull', '--quiet', PLAIN_HTTP, ...PodmanStore.credentials(), byDigest]);
    expect(await puller.imageId(byDigest)).toBe(configId);
  });

  it('takes an image built and pushed by buildah (from scratch, a file, labels, an entrypoint), which podman then pulls', async () => {
    const namespace = await createTestNamespace('buildah');
    const builder = await PodmanStore.create();
    const content = `built by buildah ${randomBytes(8).toString('hex')}\n`;
    await writeFile(builder.file('greeting.txt'), content);
    const container = await builder.buildah(['from', '--quiet', 'scratch']);
    await builder.buildah(['copy', '--quiet', container, builder.file('greeting.txt'), '/greeting.txt']);
    await builder.buildah(['config', '--label', 'io.imagestreams.e2e=buildah', '--entrypoint', '["/greeting"]', '--env', 'GREETING=/greeting.txt', container]);
    const imageId = await builder.buildah(['commit', '--quiet', container, 'localhost/greeter:built']);
    const target = `${registryHost()}/${namespace}/greeter:v1`;
    const pushedDigest = await builder.push('buildah', ['push'], 'localhost/greeter:built', target);

    const tag = await api<ImageStreamTag>('GET', `${IMAGE_API}/namespaces/${namespace}/imagestreamtags/greeter:v1`);
    expect(tag.status).toBe(200);
    expect(tag.body.image).toMatchObject({
      metadata: { name: pushedDigest },
      dockerImageMetadata: { Config: { Labels: { 'io.imagestreams.e2e': 'buildah' }, Entrypoint: ['/greeting'], Env: expect.arrayContaining(['GREETING=/greeting.txt']) } },
    });
    const image = await api<Image>('GET', `${IMAGE_API}/images/${pushedDigest}`);
    expect(image.body.dockerImageLayers).toHaveLength(1);

    const puller = await PodmanStore.create();
    await puller.run(['pull', '--quiet', PLAIN_HTTP, ...PodmanStore.credentials(), target]);
    expect(await puller.imageId(target)).toBe(imageId);
    // The file is in the pulled image: export its filesystem and look.
    const created = await puller.run(['create', target]);
    await puller.run(['export', '--output', puller.file('rootfs.tar'), created]);
    const { stdout } = await run('tar', ['-xOf', puller.file('rootfs.tar'), 'greeting.txt']);
    expect(stdout).toBe(content);
  });

  it('takes a manifest list made and pushed with podman manifest (amd64 and arm64); podman pulls the image of the platform it asks for', async () => {
    const namespace = await createTestNamespace('podman-list');
    const builder = await PodmanStore.create();
    await writeFile(builder.file('rootfs.tar'), '');
    const nonce = randomBytes(8).toString('hex');
    const idOf: Record<string, string> = {};
    for (const arch of ['amd64', 'arm64']) {
      // An empty root filesystem is enough: what differs is the config (platform and label).
      idOf[arch] = hexOf(await builder.run(['import', '--quiet', '--arch', arch, '--change', `LABEL io.imagestreams.e2e=${nonce}-${arch}`, builder.file('rootfs.tar'), `localhost/one:${arch}`]));
    }
    await builder.run(['manifest', 'create', 'localhost/multi:v1']);
    for (const arch of ['amd64', 'arm64']) await builder.run(['manifest', 'add', 'localhost/multi:v1', `containers-storage:localhost/one:${arch}`]);
    const target = `${registryHost()}/${namespace}/multi:v1`;
    const listDigest = await builder.push('podman', ['manifest', 'push', '--all'], 'localhost/multi:v1', target);

    const tag = await api<ImageStreamTag>('GET', `${IMAGE_API}/namespaces/${namespace}/imagestreamtags/multi:v1`);
    expect(tag.status).toBe(200);
    expect(tag.body.image?.metadata.name).toBe(listDigest);
    const image = await api<Image>('GET', `${IMAGE_API}/images/${listDigest}`);
    expect(image.body.dockerImageManifestMediaType).toMatch(/manifest\.list\.v2\+json|image\.index\.v1\+json/);
    expect(image.body.dockerImageManifests?.map((manifest) => manifest.architecture).sort()).toEqual(['amd64', 'arm64']);

    for (const arch of ['arm64', 'amd64']) {
      const puller = await PodmanStore.create();
      await puller.run(['pull', '--quiet', '--arch', arch, PLAIN_HTTP, ...PodmanStore.credentials(), target]);
      expect(await puller.imageId(target)).toBe(idOf[arch]);
    }
  });

  it('refuses podman without credentials and with a wrong token', async () => {
    const namespace = await createTestNamespace('podman-auth');
    const layout = await writeOciLayout();
    const store = await PodmanStore.create();
    const configId = await store.load(layout.dir, layout.tag);
    const target = `docker://${registryHost()}/${namespace}/app:v1`;

    await expect(store.run(['push', PLAIN_HTTP, ...PodmanStore.credentials(null), configId, target])).rejects.toThrow(/unauthorized|authentication required/i);
    await expect(store.run(['push', PLAIN_HTTP, ...PodmanStore.credentials('ist_not-a-real-token-at-all-xxxxxxxxxxxxxxxxxxxx'), configId, target])).rejects.toThrow(/unauthorized|invalid username\/password|authentication required/i);
    const tag = await api('GET', `${IMAGE_API}/namespaces/${namespace}/imagestreamtags/app:v1`);
    expect(tag.status).toBe(404);
  });
});
