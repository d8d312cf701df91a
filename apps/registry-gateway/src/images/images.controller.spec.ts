import { ImageReadRequests, ImageResource, Statuses } from '@imagestreams/contracts';
import request from 'supertest';
import { DIGEST, startTestGateway, type TestGateway } from '../testing/test-gateway';

const IMAGES = '/apis/image.openshift.io/v1/images';

describe('ImagesController', () => {
  let gateway: TestGateway;

  beforeEach(async () => {
    gateway = await startTestGateway();
  });

  afterEach(async () => {
    await gateway.app.close();
  });

  it('GET images asks listImages once and answers 200 with the list', async () => {
    const list = { kind: 'ImageList', apiVersion: 'image.openshift.io/v1', metadata: { resourceVersion: '5' }, items: [] };
    gateway.owners.answer(ImageReadRequests.listImages, () => list as never);

    const response = await request(gateway.http).get(IMAGES);

    expect(response.status).toBe(200);
    expect(response.body).toEqual(list);
    expect(gateway.owners.calls).toEqual([{ subject: ImageReadRequests.listImages.subject, payload: {} }]);
  });

  it('GET images/{digest} asks getImage with the digest and answers 200 with the Image', async () => {
    const image = { kind: 'Image', apiVersion: 'image.openshift.io/v1', metadata: { name: DIGEST } };
    gateway.owners.answer(ImageReadRequests.getImage, () => image as never);

    const response = await request(gateway.http).get(`${IMAGES}/${DIGEST}`);

    expect(response.status).toBe(200);
    expect(response.body).toEqual(image);
    expect(gateway.owners.calls).toEqual([{ subject: ImageReadRequests.getImage.subject, payload: { name: DIGEST } }]);
  });

  it('passes the owner NotFound through', async () => {
    gateway.owners.fail(ImageReadRequests.getImage, Statuses.notFound(ImageResource, DIGEST));

    const response = await request(gateway.http).get(`${IMAGES}/${DIGEST}`);

    expect(response.status).toBe(404);
    expect(response.body).toEqual(Statuses.notFound(ImageResource, DIGEST));
  });

  it.each([['latest'], ['sha256:abc'], [`sha256:${'A'.repeat(64)}`], ['x'.repeat(300)]])('answers a name that is no digest (%p) with 404 without asking', async (name) => {
    const response = await request(gateway.http).get(`${IMAGES}/${name}`);

    expect(response.status).toBe(404);
    expect(response.body).toEqual(Statuses.notFound(ImageResource, name));
    expect(response.body.message).toBe(`images.image.openshift.io "${name}" not found`);
    expect(gateway.owners.calls).toEqual([]);
  });

  it('answers a write to an image with 405', async () => {
    const response = await request(gateway.http).delete(`${IMAGES}/${DIGEST}`);

    expect(response.status).toBe(405);
    expect(gateway.owners.calls).toEqual([]);
  });
});
