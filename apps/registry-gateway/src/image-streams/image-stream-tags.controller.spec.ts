import { ImageRequests, ImageStreamRequests, ImageStreamTagResource, Statuses, StatusError, type ImageStream, type ImageStreamList } from '@imagestreams/contracts';
import request from 'supertest';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';

const TAGS = '/apis/image.openshift.io/v1/namespaces/demo/imagestreamtags';

function stream(name: string, tags: { tag: string; images: number }[]): ImageStream {
  return {
    kind: 'ImageStream',
    metadata: { name, namespace: 'demo' },
    status: { tags: tags.map(({ tag, images }) => ({ tag, items: Array.from({ length: images }, (_, i) => ({ image: `sha256:${i}` })) })) },
  } as unknown as ImageStream;
}

function streamList(resourceVersion: string, items: ImageStream[]): ImageStreamList {
  return { kind: 'ImageStreamList', apiVersion: 'image.openshift.io/v1', metadata: { resourceVersion }, items };
}

describe('GET imagestreamtags (list)', () => {
  let gateway: TestGateway;

  beforeEach(async () => {
    gateway = await startTestGateway();
  });

  afterEach(async () => {
    await gateway.app.close();
  });

  it('reads every tag with an image of every stream in the namespace, as GET would', async () => {
    gateway.owners.answer(ImageRequests.listImageStreams, () =>
      streamList('42', [
        stream('web', [
          { tag: 'latest', images: 2 },
          { tag: 'pending', images: 0 },
        ]),
        stream('api', [{ tag: '1.0', images: 1 }]),
      ]),
    );
    gateway.owners.answer(ImageStreamRequests.getTag, ({ name }) => ({ kind: 'ImageStreamTag', metadata: { name } }) as never);

    const response = await request(gateway.http).get(`${TAGS}?labelSelector=team%3Da&limit=500`);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      kind: 'ImageStreamTagList',
      apiVersion: 'image.openshift.io/v1',
      metadata: { resourceVersion: '42' },
      items: [
        { kind: 'ImageStreamTag', metadata: { name: 'web:latest' } },
        { kind: 'ImageStreamTag', metadata: { name: 'api:1.0' } },
      ],
    });
    expect(gateway.owners.calls[0]).toEqual({ subject: ImageRequests.listImageStreams.subject, payload: { namespace: 'demo', labelSelector: 'team=a' } });
    expect(gateway.owners.subjects().slice(1)).toEqual([ImageStreamRequests.getTag.subject, ImageStreamRequests.getTag.subject]);
  });

  it('skips a tag deleted between the list and its read, and passes other failures on', async () => {
    gateway.owners.answer(ImageRequests.listImageStreams, () => streamList('7', [stream('web', [{ tag: 'gone', images: 1 }])]));
    gateway.owners.fail(ImageStreamRequests.getTag, Statuses.notFound(ImageStreamTagResource, 'web:gone'));

    const skipped = await request(gateway.http).get(TAGS);

    expect(skipped.status).toBe(200);
    expect(skipped.body.items).toEqual([]);

    gateway.owners.answer(ImageStreamRequests.getTag, () => {
      throw new StatusError(Statuses.timeout('the owner did not answer'));
    });
    const failed = await request(gateway.http).get(TAGS);

    expect(failed.status).toBe(504);
  });

  it('refuses to watch (imagestreamtags advertise no watch verb)', async () => {
    const response = await request(gateway.http).get(`${TAGS}?watch=true`);

    expect(response.status).toBe(405);
    expect(gateway.owners.calls).toEqual([]);
  });

  it('answers 404 for an impossible namespace without asking anyone', async () => {
    const response = await request(gateway.http).get('/apis/image.openshift.io/v1/namespaces/Not_A_Namespace/imagestreamtags');

    expect(response.status).toBe(404);
    expect(gateway.owners.calls).toEqual([]);
  });
});
