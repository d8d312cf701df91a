import { ImageRequests, type GetImageStreamQuery, type ImageStream } from '@imagestreams/contracts';
import request from 'supertest';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';
import { StreamCopies } from './stream-copies';

/** A stream whose JSON is about `kib` KiB, metadata first as stream-service writes it. */
function bigStream(resourceVersion: string, kib = 100): ImageStream {
  const items = Array.from({ length: Math.ceil((kib * 1024) / 100) }, (_, i) => ({ image: `sha256:${String(i).padStart(64, '0')}` }));
  return { kind: 'ImageStream', metadata: { name: 'big', namespace: 'demo', resourceVersion }, status: { tags: [{ tag: 'latest', items }] } } as unknown as ImageStream;
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('StreamCopies', () => {
  it('keeps big streams by resourceVersion and hands a copy out only at that version', () => {
    const copies = new StreamCopies();
    copies.keep('demo', 'big', json(bigStream('7')));
    expect(copies.resourceVersionOf('demo', 'big')).toBe('7');
    expect(copies.take('demo', 'big', '7')?.length).toBeGreaterThan(64 * 1024);
    expect(copies.take('demo', 'big', '8')).toBeUndefined();
    copies.drop('demo', 'big');
    expect(copies.resourceVersionOf('demo', 'big')).toBeUndefined();
    expect(copies.keptBytes).toBe(0);
  });

  it('does not keep small streams, or JSON that does not say its resourceVersion up front', () => {
    const copies = new StreamCopies();
    copies.keep('demo', 'small', json(bigStream('1', 1)));
    copies.keep('demo', 'odd', json({ status: { tags: bigStream('1').status.tags }, metadata: { resourceVersion: '1' } }));
    expect(copies.resourceVersionOf('demo', 'small')).toBeUndefined();
    expect(copies.resourceVersionOf('demo', 'odd')).toBeUndefined();
  });

  it('forgets the least recently used copies beyond its size limit', () => {
    const copies = new StreamCopies();
    for (let i = 0; i < 8; i++) copies.keep('demo', `s${i}`, json(bigStream(String(i), 3 * 1024)));
    expect(copies.keptBytes).toBeLessThanOrEqual(16 * 1024 * 1024);
    expect(copies.resourceVersionOf('demo', 's0')).toBeUndefined();
    expect(copies.resourceVersionOf('demo', 's7')).toBe('7');
  });
});

describe('GET imagestreams/{name} through the copies', () => {
  let gateway: TestGateway;

  beforeEach(async () => {
    gateway = await startTestGateway();
  });

  afterEach(async () => {
    await gateway.app.close();
  });

  it('asks for the stream unless it is still at the copy, and answers the current stream either way', async () => {
    let current = bigStream('10');
    gateway.owners.answer(ImageRequests.getImageStream, (query: GetImageStreamQuery) => (query.unlessResourceVersion === current.metadata.resourceVersion ? null : current) as never);
    const get = () => request(gateway.app.getHttpServer()).get('/apis/image.openshift.io/v1/namespaces/demo/imagestreams/big').expect(200);

    expect((await get()).body.metadata.resourceVersion).toBe('10');
    expect((await get()).body).toEqual(JSON.parse(JSON.stringify(current)));
    current = bigStream('11');
    expect((await get()).body.metadata.resourceVersion).toBe('11');

    const asked = gateway.owners.calls.filter((call) => call.subject === ImageRequests.getImageStream.subject).map((call) => (call.payload as GetImageStreamQuery).unlessResourceVersion);
    expect(asked).toEqual([undefined, '10', '10']);
  });
});
