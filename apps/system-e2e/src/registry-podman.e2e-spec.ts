import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ImageStreamTag } from '@imagestreams/contracts';
import { api, createTestNamespace } from './support/api';
import { hexOf, removeTempDirs, sha256, tempDir, writeOciLayout } from './support/oci-layout';
import { PodmanStore, removePodmanStores } from './support/podman';
import { registryHost } from './support/skopeo';

const IMAGE_API = '/apis/image.openshift.io/v1';
const PLAIN_HTTP = '--tls-verify=false';

/**
 * Issue 4 says podman should work unchanged, as skopeo does (both are containers/image, but podman
 * adds its own storage: layers are unpacked on pull and compressed again on push).
 */
describe('the registry through podman', () => {
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
    const digestFile = path.join(await tempDir('podman-digest-'), 'digest');
    const target = `${registryHost()}/${namespace}/app:v1`;
    await pusher.run(['push', PLAIN_HTTP, ...PodmanStore.credentials(), '--digestfile', digestFile, configId, `docker://${target}`]);
    const pushedDigest = (await readFile(digestFile, 'utf8')).trim();
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
