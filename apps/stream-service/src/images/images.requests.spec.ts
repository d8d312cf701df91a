import { StatusError, type Status } from '@imagestreams/contracts';
import type { ImageRow, ImagesRepository, StreamOfImageRow } from './images.repository';
import { ImagesRequests } from './images.requests';

const HEX_A = `abcdef1${'0'.repeat(57)}`;
const HEX_B = `abcdef1${'1'.repeat(57)}`;
const HEX_C = `1234567${'2'.repeat(57)}`;
const A = `sha256:${HEX_A}`;
const B = `sha256:${HEX_B}`;
const C = `sha256:${HEX_C}`;
/** A platform manifest of the list C, recorded as an image but in no history of the stream. */
const PLATFORM = `sha256:${'9'.repeat(64)}`;

const stream: StreamOfImageRow = {
  uid: '00000000-0000-4000-8000-000000000001',
  namespace: 'team-a',
  name: 'web',
  resource_version: '7',
  annotations: {},
  created_at: new Date('2026-11-27T10:00:00Z'),
};

function imageRow(name: string): ImageRow {
  return { name, docker_image_reference: `r/team-a/web@${name}`, manifest_media_type: null, metadata: null, layers: null, manifests: null, created_at: new Date('2026-11-27T11:00:00Z') };
}

/** Stands in for the SQL: the stream `web` references A, B, C and (through C's list) PLATFORM. */
class FakeImages {
  readonly images = new Map([A, B, C, PLATFORM, `sha256:${'f'.repeat(64)}`].map((name) => [name, imageRow(name)]));
  referenced = [A, B, C, PLATFORM];

  async find(name: string) {
    return this.images.get(name);
  }
  async list() {
    return [...this.images.values()];
  }
  async findStream(namespace: string, name: string) {
    return namespace === stream.namespace && name === stream.name ? stream : undefined;
  }
  async referencedImages(uid: string) {
    return uid === stream.uid ? this.referenced : [];
  }
  async currentResourceVersion() {
    return '99';
  }
}

async function statusOf(promise: Promise<unknown>): Promise<Status> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof StatusError)) throw new Error(`expected a StatusError, got ${String(error)}`);
  return error.status;
}

describe('ImagesRequests', () => {
  let fake: FakeImages;
  let requests: ImagesRequests;

  beforeEach(() => {
    fake = new FakeImages();
    requests = new ImagesRequests(fake as unknown as ImagesRepository);
  });

  describe('images', () => {
    it('answers an image by digest', async () => {
      await expect(requests.get({ name: A })).resolves.toMatchObject({ kind: 'Image', metadata: { name: A } });
    });

    it('answers an unknown image with NotFound on images', async () => {
      const status = await statusOf(requests.get({ name: `sha256:${'e'.repeat(64)}` }));
      expect(status).toMatchObject({ code: 404, reason: 'NotFound', message: `images.image.openshift.io "sha256:${'e'.repeat(64)}" not found` });
    });

    it('lists every image with the current resourceVersion', async () => {
      const list = await requests.list({});
      expect(list).toMatchObject({ kind: 'ImageList', apiVersion: 'image.openshift.io/v1', metadata: { resourceVersion: '99' } });
      expect(list.items).toHaveLength(5);
    });
  });

  describe('imagestreamimages', () => {
    const get = (name: string, namespace = 'team-a') => requests.getImageStreamImage({ namespace, name });

    it.each([
      ['the full digest', `web@${C}`],
      ['a 7-hex prefix', `web@${HEX_C.slice(0, 7)}`],
      ['sha256: and a prefix', `web@sha256:${HEX_C.slice(0, 10)}`],
    ])('finds an image by %s and names it <stream>@<full digest>', async (_how, name) => {
      const found = await get(name);
      expect(found.metadata).toMatchObject({ name: `web@${C}`, namespace: 'team-a', uid: stream.uid, resourceVersion: '7' });
      expect(found.image.metadata.name).toBe(C);
    });

    it('finds a platform manifest of a list the stream references', async () => {
      const found = await get(`web@${PLATFORM}`);
      expect(found.image.metadata.name).toBe(PLATFORM);
    });

    it('answers an ambiguous prefix with Conflict naming every candidate', async () => {
      const status = await statusOf(get('web@abcdef1'));
      expect(status).toMatchObject({ code: 409, reason: 'Conflict', details: { name: 'web@abcdef1', kind: 'imagestreamimages' } });
      expect(status.message).toContain(A);
      expect(status.message).toContain(B);
    });

    it('answers a prefix shorter than 7 hex characters with BadRequest', async () => {
      const status = await statusOf(get('web@abcdef'));
      expect(status).toMatchObject({ code: 400, reason: 'BadRequest' });
    });

    it.each([['web'], ['web@'], ['@abcdef1'], ['web@abcdef1@x']])('answers %p with BadRequest <name>@<id>', async (name) => {
      const status = await statusOf(get(name));
      expect(status).toMatchObject({ code: 400, reason: 'BadRequest', message: 'ImageStreamImages must be retrieved with <name>@<id>' });
    });

    it.each([
      ['an image the stream does not reference', `web@sha256:${'f'.repeat(64)}`, 'team-a'],
      ['a missing stream', `ghost@${A}`, 'team-a'],
      ['a stream in another namespace', `web@${A}`, 'team-b'],
    ])('answers %s with NotFound on imagestreamimages', async (_case, name, namespace) => {
      const status = await statusOf(get(name, namespace));
      expect(status).toMatchObject({ code: 404, reason: 'NotFound', message: `imagestreamimages.image.openshift.io "${name}" not found` });
    });

    it('answers NotFound when a referenced platform manifest was never recorded as an image', async () => {
      fake.images.delete(PLATFORM);
      const status = await statusOf(get(`web@${PLATFORM}`));
      expect(status).toMatchObject({ code: 404, reason: 'NotFound' });
    });
  });
});
