import { ImageReadRequests, ImageStreamImageResource, Statuses } from '@imagestreams/contracts';
import request from 'supertest';
import { DIGEST, startTestGateway, type TestGateway } from '../testing/test-gateway';

const ISIMAGES = '/apis/image.openshift.io/v1/namespaces/demo/imagestreamimages';

describe('ImageStreamImagesController', () => {
  let gateway: TestGateway;

  beforeEach(async () => {
    gateway = await startTestGateway();
  });

  afterEach(async () => {
    await gateway.app.close();
  });

  it.each([[`web@${DIGEST}`], ['web@a1a1a1a'], ['web@sha256:a1a1a1a']])('GET %s asks getImageStreamImage once with the name as addressed', async (name) => {
    const found = { kind: 'ImageStreamImage', metadata: { name: `web@${DIGEST}` } };
    gateway.owners.answer(ImageReadRequests.getImageStreamImage, () => found as never);

    const response = await request(gateway.http).get(`${ISIMAGES}/${name}`);

    expect(response.status).toBe(200);
    expect(response.body).toEqual(found);
    expect(gateway.owners.calls).toEqual([{ subject: ImageReadRequests.getImageStreamImage.subject, payload: { namespace: 'demo', name } }]);
  });

  it('decodes an escaped @ in the path', async () => {
    gateway.owners.answer(ImageReadRequests.getImageStreamImage, () => ({}) as never);

    await request(gateway.http).get(`${ISIMAGES}/web%40a1a1a1a`);

    expect(gateway.owners.calls).toEqual([{ subject: ImageReadRequests.getImageStreamImage.subject, payload: { namespace: 'demo', name: 'web@a1a1a1a' } }]);
  });

  it.each([['web'], ['web@'], ['@a1a1a1a'], ['web@a1a1a1a@b']])('answers %p with 400 <name>@<id> without asking', async (name) => {
    const response = await request(gateway.http).get(`${ISIMAGES}/${encodeURIComponent(name)}`);

    expect(response.status).toBe(400);
    expect(response.body).toEqual(Statuses.badRequest('ImageStreamImages must be retrieved with <name>@<id>'));
    expect(gateway.owners.calls).toEqual([]);
  });

  it('answers an impossible namespace with 404 without asking', async () => {
    const response = await request(gateway.http).get(`/apis/image.openshift.io/v1/namespaces/Bad_NS/imagestreamimages/web@a1a1a1a`);

    expect(response.status).toBe(404);
    expect(response.body).toEqual(Statuses.notFound(ImageStreamImageResource, 'web@a1a1a1a'));
    expect(gateway.owners.calls).toEqual([]);
  });

  it.each([
    ['NotFound', Statuses.notFound(ImageStreamImageResource, 'web@a1a1a1a')],
    ['Conflict', Statuses.conflict(ImageStreamImageResource, 'web@a1a1a1a', `multiple images match the prefix "a1a1a1a": ${DIGEST}, sha256:${'a1'.repeat(3)}a${'0'.repeat(57)}`)],
    ['BadRequest', Statuses.badRequest('the image id "a1a1" must be a digest or at least 7 hexadecimal characters of one')],
  ])("passes the owner's %s through unchanged", async (_reason, status) => {
    gateway.owners.fail(ImageReadRequests.getImageStreamImage, status);

    const response = await request(gateway.http).get(`${ISIMAGES}/web@a1a1a1a`);

    expect(response.status).toBe(status.code);
    expect(response.body).toEqual(status);
  });
});
