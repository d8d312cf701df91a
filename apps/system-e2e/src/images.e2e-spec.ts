import { randomBytes } from 'node:crypto';
import type { Image, ImageList, ImageStream, ImageStreamImage, Status } from '@imagestreams/contracts';
import { api, createTestNamespace, randomDigest } from './support/api';

const IMAGE_API = '/apis/image.openshift.io/v1';
const LAYER_TYPE = 'application/vnd.oci.image.layer.v1.tar+gzip';
const MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';
const INDEX_TYPE = 'application/vnd.oci.image.index.v1+json';

function hex(length: number): string {
  return randomBytes(Math.ceil(length / 2))
    .toString('hex')
    .slice(0, length);
}

/** Images as a registry records them: the image's fields travel with the mapping. */
function mappingOf(stream: string, tag: string, digest: string, image: Record<string, unknown> = {}) {
  return { apiVersion: 'image.openshift.io/v1', kind: 'ImageStreamMapping', metadata: { name: stream }, image: { metadata: { name: digest }, ...image }, tag };
}

describe('images and imagestreamimages', () => {
  let namespace: string;

  // `app` references: `single` (v1), `twinA` then `twinB` (v2 history; they share a 7-hex prefix),
  // and the manifest list `list` (multi), whose platform manifests are recorded through `platforms`.
  // `elsewhere` is recorded only through `other`.
  const single = randomDigest();
  const twinPrefix = hex(7);
  const twinA = `sha256:${twinPrefix}0${hex(56)}`;
  const twinB = `sha256:${twinPrefix}1${hex(56)}`;
  const amd64 = randomDigest();
  const arm64 = randomDigest();
  const list = randomDigest();
  const elsewhere = randomDigest();
  const layers = [
    { name: randomDigest(), size: 2_811_478, mediaType: LAYER_TYPE },
    { name: randomDigest(), size: 0, mediaType: LAYER_TYPE },
  ];

  const isimage = (name: string) => `${IMAGE_API}/namespaces/${namespace}/imagestreamimages/${name}`;

  async function map(body: ReturnType<typeof mappingOf>): Promise<void> {
    const response = await api('POST', `${IMAGE_API}/namespaces/${namespace}/imagestreammappings`, body);
    if (response.status !== 201) throw new Error(`mapping failed: ${response.status} ${JSON.stringify(response.body)}`);
  }

  beforeAll(async () => {
    namespace = await createTestNamespace('images');
    await map(mappingOf('app', 'v1', single, { dockerImageManifestMediaType: MANIFEST_TYPE, dockerImageMetadata: { Architecture: 'amd64', Size: 2_811_478 }, dockerImageLayers: layers }));
    await map(mappingOf('app', 'v2', twinA));
    await map(mappingOf('app', 'v2', twinB));
    await map(mappingOf('platforms', 'amd64', amd64, { dockerImageLayers: [layers[0]] }));
    await map(mappingOf('platforms', 'arm64', arm64));
    await map(
      mappingOf('app', 'multi', list, {
        dockerImageManifestMediaType: INDEX_TYPE,
        dockerImageManifests: [
          { digest: amd64, mediaType: MANIFEST_TYPE, manifestSize: 1024, architecture: 'amd64', os: 'linux' },
          { digest: arm64, mediaType: MANIFEST_TYPE, manifestSize: 1025, architecture: 'arm64', os: 'linux', variant: 'v8' },
        ],
      }),
    );
    await map(mappingOf('other', 'latest', elsewhere));
  });

  describe('images (cluster scoped)', () => {
    it('answers an image with its layers, media type and metadata', async () => {
      const response = await api<Image>('GET', `${IMAGE_API}/images/${single}`);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        kind: 'Image',
        apiVersion: 'image.openshift.io/v1',
        metadata: { name: single },
        dockerImageManifestMediaType: MANIFEST_TYPE,
        dockerImageMetadata: { kind: 'DockerImage', apiVersion: 'image.openshift.io/1.0', Architecture: 'amd64', Size: 2_811_478 },
        dockerImageMetadataVersion: '1.0',
        dockerImageLayers: layers,
      });
      expect(response.body.dockerImageReference).toMatch(new RegExp(`/${namespace}/app@${single}$`));
      expect(Date.parse(response.body.metadata.creationTimestamp)).not.toBeNaN();
      expect(response.body.dockerImageManifests).toBeUndefined();
    });

    it('answers a manifest list with its platform manifests and no layers', async () => {
      const response = await api<Image>('GET', `${IMAGE_API}/images/${list}`);
      expect(response.status).toBe(200);
      expect(response.body.dockerImageLayers).toEqual([]);
      expect(response.body.dockerImageManifests).toEqual([
        { digest: amd64, mediaType: MANIFEST_TYPE, manifestSize: 1024, architecture: 'amd64', os: 'linux' },
        { digest: arm64, mediaType: MANIFEST_TYPE, manifestSize: 1025, architecture: 'arm64', os: 'linux', variant: 'v8' },
      ]);
    });

    it('lists images', async () => {
      const response = await api<ImageList>('GET', `${IMAGE_API}/images`);
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ kind: 'ImageList', apiVersion: 'image.openshift.io/v1' });
      expect(response.body.metadata.resourceVersion).toMatch(/^\d+$/);
      const names = response.body.items.map((image) => image.metadata.name);
      expect(names).toEqual(expect.arrayContaining([single, twinA, twinB, amd64, arm64, list, elsewhere]));
    });

    it.each([['latest'], ['sha256:1234'], [`sha256:${'A'.repeat(64)}`]])('answers the name %p, which is no digest, with 404', async (name) => {
      const response = await api<Status>('GET', `${IMAGE_API}/images/${name}`);
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ kind: 'Status', reason: 'NotFound', message: `images.image.openshift.io "${name}" not found` });
    });

    it('answers a digest nobody recorded with 404', async () => {
      const unknown = randomDigest();
      const response = await api<Status>('GET', `${IMAGE_API}/images/${unknown}`);
      expect(response.status).toBe(404);
      expect(response.body.message).toBe(`images.image.openshift.io "${unknown}" not found`);
    });

    it('rejects layers that break the rules with 422 and records nothing', async () => {
      const digest = randomDigest();
      const response = await api<Status>(
        'POST',
        `${IMAGE_API}/namespaces/${namespace}/imagestreammappings`,
        mappingOf('app', 'broken', digest, { dockerImageLayers: [{ name: 'sha256:abc', size: -1, mediaType: LAYER_TYPE }] }),
      );
      expect(response.status).toBe(422);
      expect(response.body.details?.causes?.map((cause) => cause.field)).toEqual(
        expect.arrayContaining(['image.dockerImageLayers[0].name', 'image.dockerImageLayers[0].size']),
      );
      expect((await api('GET', `${IMAGE_API}/images/${digest}`)).status).toBe(404);
    });
  });

  describe('imagestreamimages', () => {
    it("answers <stream>@<full digest> with the stream's identity and the image", async () => {
      const stream = await api<ImageStream>('GET', `${IMAGE_API}/namespaces/${namespace}/imagestreams/app`);
      const response = await api<ImageStreamImage>('GET', isimage(`app@${single}`));
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        kind: 'ImageStreamImage',
        apiVersion: 'image.openshift.io/v1',
        metadata: { name: `app@${single}`, namespace, uid: stream.body.metadata.uid, creationTimestamp: stream.body.metadata.creationTimestamp },
        image: { kind: 'Image', metadata: { name: single }, dockerImageLayers: layers, dockerImageManifestMediaType: MANIFEST_TYPE },
      });
      expect(response.body.metadata.resourceVersion).toMatch(/^\d+$/);
    });

    it('finds an image by a 7-hex prefix and names it by its full digest', async () => {
      const response = await api<ImageStreamImage>('GET', isimage(`app@${single.slice(7, 14)}`));
      expect(response.status).toBe(200);
      expect(response.body.metadata.name).toBe(`app@${single}`);
      expect(response.body.image.metadata.name).toBe(single);
    });

    it('finds an image by sha256: and a prefix', async () => {
      const response = await api<ImageStreamImage>('GET', isimage(`app@${single.slice(0, 19)}`));
      expect(response.status).toBe(200);
      expect(response.body.image.metadata.name).toBe(single);
    });

    it('finds an image that is only in the history of a tag', async () => {
      const response = await api<ImageStreamImage>('GET', isimage(`app@${twinA}`));
      expect(response.status).toBe(200);
      expect(response.body.image.metadata.name).toBe(twinA);
    });

    it('answers a prefix two images share with 409 naming both', async () => {
      const response = await api<Status>('GET', isimage(`app@${twinPrefix}`));
      expect(response.status).toBe(409);
      expect(response.body).toMatchObject({ kind: 'Status', reason: 'Conflict', code: 409, details: { name: `app@${twinPrefix}`, kind: 'imagestreamimages' } });
      expect(response.body.message).toContain(twinA);
      expect(response.body.message).toContain(twinB);
      const longer = await api<ImageStreamImage>('GET', isimage(`app@${twinPrefix}1`));
      expect(longer.status).toBe(200);
      expect(longer.body.image.metadata.name).toBe(twinB);
    });

    it('answers a prefix shorter than 7 hex characters with 400', async () => {
      const response = await api<Status>('GET', isimage(`app@${single.slice(7, 13)}`));
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 });
    });

    it('shows only images the stream references', async () => {
      const response = await api<Status>('GET', isimage(`app@${elsewhere}`));
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ reason: 'NotFound', message: `imagestreamimages.image.openshift.io "app@${elsewhere}" not found` });
      expect((await api('GET', isimage(`other@${elsewhere}`))).status).toBe(200);
    });

    it('answers a stream that does not exist with 404', async () => {
      const response = await api<Status>('GET', isimage(`ghost@${single}`));
      expect(response.status).toBe(404);
      expect(response.body.message).toBe(`imagestreamimages.image.openshift.io "ghost@${single}" not found`);
    });

    it.each([['app'], ['app@'], ['@abcdef1234']])('answers %p, which is not <name>@<id>, with 400', async (name) => {
      const response = await api<Status>('GET', isimage(encodeURIComponent(name)));
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', message: 'ImageStreamImages must be retrieved with <name>@<id>' });
    });

    it('makes the platform manifests of a referenced manifest list addressable', async () => {
      const full = await api<ImageStreamImage>('GET', isimage(`app@${arm64}`));
      expect(full.status).toBe(200);
      expect(full.body.metadata.name).toBe(`app@${arm64}`);
      const byPrefix = await api<ImageStreamImage>('GET', isimage(`app@${amd64.slice(7, 17)}`));
      expect(byPrefix.status).toBe(200);
      expect(byPrefix.body.image).toMatchObject({ metadata: { name: amd64 }, dockerImageLayers: [layers[0]] });
    });
  });
});
