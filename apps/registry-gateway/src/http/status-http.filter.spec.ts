import type { ArgumentsHost, HttpServer } from '@nestjs/common';
import { ImageRequests, ImageStreamResource, NamespaceResource, Statuses, StatusError, successStatus } from '@imagestreams/contracts';
import request from 'supertest';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';
import type { RouteCatalog } from './route-catalog';
import { StatusHttpFilter } from './status-http.filter';

const STATUS_ENVELOPE = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure' };

describe('StatusHttpFilter over HTTP', () => {
  let gateway: TestGateway;

  beforeEach(async () => {
    gateway = await startTestGateway({ MAX_BODY_BYTES: '256' });
  });

  afterEach(async () => {
    await gateway.app.close();
  });

  it('answers malformed JSON with a 400 BadRequest Status and never asks an owner', async () => {
    const response = await request(gateway.http).post('/api/v1/namespaces').set('Content-Type', 'application/json').send('{"metadata": {"name": ');

    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body).toMatchObject({ ...STATUS_ENVELOPE, reason: 'BadRequest', code: 400 });
    expect(response.body.message).toEqual(expect.any(String));
    expect(gateway.owners.calls).toEqual([]);
  });

  it('answers a JSON scalar (not an object or array) with 400, as the strict parser refuses it', async () => {
    const response = await request(gateway.http).post('/api/v1/namespaces').set('Content-Type', 'application/json').send('"demo"');

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ reason: 'BadRequest', code: 400 });
  });

  it('answers a body over MAX_BODY_BYTES with 413 RequestEntityTooLarge', async () => {
    const response = await request(gateway.http)
      .post('/api/v1/namespaces')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ metadata: { name: 'demo', labels: { filler: 'x'.repeat(400) } } }));

    expect(response.status).toBe(413);
    expect(response.body).toEqual({ ...STATUS_ENVELOPE, reason: 'RequestEntityTooLarge', message: 'Request entity too large: limit is 256', code: 413 });
    expect(gateway.owners.calls).toEqual([]);
  });

  it.each([
    ['text/plain', 'metadata=demo'],
    ['application/x-www-form-urlencoded', 'metadata[name]=demo'],
    ['application/yaml', 'metadata: {name: demo}'],
  ])('answers a POST body of type %s with 415 UnsupportedMediaType', async (contentType, body) => {
    const response = await request(gateway.http).post('/api/v1/namespaces').set('Content-Type', contentType).send(body);

    expect(response.status).toBe(415);
    expect(response.body).toMatchObject({ ...STATUS_ENVELOPE, reason: 'UnsupportedMediaType', code: 415 });
    expect(response.body.message).toContain('application/json');
    expect(gateway.owners.calls).toEqual([]);
  });

  it('answers a JSON body in an unsupported charset with 415 (body-parser error passed through by Nest)', async () => {
    const response = await request(gateway.http).post('/api/v1/namespaces').set('Content-Type', 'application/json; charset=koi8-r').send('{}');

    expect(response.status).toBe(415);
    expect(response.body).toMatchObject({ reason: 'UnsupportedMediaType', code: 415 });
  });

  it('answers an unknown route with the Kubernetes 404 NotFound Status', async () => {
    const response = await request(gateway.http).get('/apis/image.openshift.io/v1/namespaces/demo/imagestreams/web/nonsense');

    expect(response.status).toBe(404);
    expect(response.body).toEqual({
      ...STATUS_ENVELOPE,
      message: 'the server could not find the requested resource',
      reason: 'NotFound',
      details: {},
      code: 404,
    });
  });

  it('answers 404 for an unknown POST too, before looking at the body', async () => {
    const response = await request(gateway.http).post('/apis/nothing.example.com/v1/things').set('Content-Type', 'application/json').send('{}');

    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ reason: 'NotFound', code: 404 });
  });

  it('answers a known path with an unsupported verb with 405 MethodNotAllowed and an Allow header', async () => {
    const response = await request(gateway.http).put('/api/v1/namespaces/demo').set('Content-Type', 'application/json').send('{}');

    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('DELETE, GET, HEAD');
    expect(response.body).toMatchObject({ ...STATUS_ENVELOPE, reason: 'MethodNotAllowed', code: 405 });
  });

  it('lists every verb of a collection in Allow', async () => {
    const response = await request(gateway.http).patch('/apis/notifications.imagestreams.io/v1/namespaces/demo/webhooksubscriptions');

    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('GET, HEAD, POST');
  });

  it('answers a NUL character (which Postgres cannot store) in the path, the query or a JSON string with 400, never asking an owner', async () => {
    const inPath = await request(gateway.http).get('/apis/image.openshift.io/v1/namespaces/demo/imagestreams/web%00');
    const inQuery = await request(gateway.http).get('/apis/image.openshift.io/v1/namespaces/demo/imagestreams?labelSelector=app%3D%00');
    const inBody = await request(gateway.http).post('/api/v1/namespaces').set('Content-Type', 'application/json').send('{"metadata":{"name":"demo","labels":{"a":"b\\u0000"}}}');
    const inEscapedBody = await request(gateway.http).post('/api/v1/namespaces').set('Content-Type', 'application/json').send('{"metadata":{"name":"demo","annotations":{"a":"\\\\\\u0000"}}}');
    for (const response of [inPath, inQuery, inBody, inEscapedBody]) {
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ ...STATUS_ENVELOPE, reason: 'BadRequest', code: 400 });
      expect(response.body.message).toMatch(/NUL character/);
    }
    expect(gateway.owners.calls).toEqual([]);
  });

  it('lets an escaped backslash followed by the text u0000 through: that string holds no NUL', async () => {
    const response = await request(gateway.http).post('/api/v1/namespaces').set('Content-Type', 'application/json').send('{"metadata":{"name":"demo","annotations":{"a":"\\\\u0000"}}}');
    expect(response.body.message ?? '').not.toMatch(/NUL character/);
    expect(gateway.owners.calls).toHaveLength(1);
  });

  it('answers a path parameter with broken percent-encoding with 400, not 500', async () => {
    const response = await request(gateway.http).get('/api/v1/namespaces/%E0%A4%A');

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ reason: 'BadRequest', code: 400 });
  });

  it("passes an owner's 404 Status through with the same code and body", async () => {
    const notFound = Statuses.notFound(ImageStreamResource, 'web');
    gateway.owners.fail(ImageRequests.getImageStream, notFound);

    const response = await request(gateway.http).get('/apis/image.openshift.io/v1/namespaces/demo/imagestreams/web');

    expect(response.status).toBe(404);
    expect(response.body).toEqual(notFound);
  });

  it("passes an owner's 409 Status through with the same code and body", async () => {
    const exists = Statuses.alreadyExists(NamespaceResource, 'demo');
    gateway.owners.fail(ImageRequests.createNamespace, exists);

    const response = await request(gateway.http).post('/api/v1/namespaces').send({ metadata: { name: 'demo' } });

    expect(response.status).toBe(409);
    expect(response.body).toEqual(exists);
  });

  it('passes 503 (no owner answering) and 504 (owner timeout) through', async () => {
    const unavailable = await request(gateway.http).get('/api/v1/namespaces');
    expect(unavailable.status).toBe(503);
    expect(unavailable.body).toMatchObject({ reason: 'ServiceUnavailable', code: 503, details: { retryAfterSeconds: 1 } });

    const timeout = Statuses.timeout('the request imagestreams.req.image.namespace.list.v1 did not complete within 10000 ms');
    gateway.owners.fail(ImageRequests.listNamespaces, timeout);
    const timedOut = await request(gateway.http).get('/api/v1/namespaces');
    expect(timedOut.status).toBe(504);
    expect(timedOut.body).toEqual(timeout);
  });

  it('answers an unexpected error with a bare 500 InternalError that reveals nothing', async () => {
    gateway.owners.crash(ImageRequests.listNamespaces, new Error('password=hunter2 at /srv/secret.ts:12'));

    const response = await request(gateway.http).get('/api/v1/namespaces');

    expect(response.status).toBe(500);
    expect(response.body).toEqual(Statuses.internal());
    expect(JSON.stringify(response.body)).not.toContain('hunter2');
  });
});

describe('StatusHttpFilter in isolation', () => {
  function harness(options: { headersSent?: boolean; url?: string; allowed?: string[] } = {}) {
    const replies: { body: unknown; code?: number }[] = [];
    const headers: Record<string, string> = {};
    let ended = false;
    const adapter = {
      isHeadersSent: () => options.headersSent ?? false,
      end: () => {
        ended = true;
      },
      setHeader: (_response: unknown, name: string, value: string) => {
        headers[name] = value;
      },
      reply: (_response: unknown, body: unknown, code?: number) => {
        replies.push({ body, code });
      },
      getRequestUrl: () => options.url ?? '/',
    } as unknown as HttpServer;
    const routes = { methodsAt: () => options.allowed ?? [] } as unknown as RouteCatalog;
    const host = { switchToHttp: () => ({ getRequest: () => ({}), getResponse: () => ({}) }) } as unknown as ArgumentsHost;
    const filter = new StatusHttpFilter(adapter, routes);
    return { catch: (exception: unknown) => filter.catch(exception, host), replies, headers, ended: () => ended };
  }

  it('maps an http-errors 413 from body-parser without a limit to its own message', () => {
    const h = harness();
    h.catch(Object.assign(new Error('request entity too large'), { status: 413, expose: true }));
    expect(h.replies).toEqual([{ body: Statuses.tooLarge('request entity too large'), code: 413 }]);
  });

  it('keeps the code of another exposed 4xx', () => {
    const h = harness();
    h.catch(Object.assign(new Error('request aborted'), { status: 408, expose: true }));
    expect(h.replies[0]).toEqual({ body: { ...Statuses.badRequest('request aborted'), code: 408 }, code: 408 });
  });

  it('treats an http-error that is not exposed (5xx, internal message) as unexpected', () => {
    const h = harness();
    h.catch(Object.assign(new Error('stream encoding should not be set'), { status: 500, expose: false }));
    expect(h.replies).toEqual([{ body: Statuses.internal(), code: 500 }]);
  });

  it('treats a StatusError without a failure code as a bug, not as an answer', () => {
    const h = harness();
    h.catch(new StatusError(successStatus(201)));
    expect(h.replies).toEqual([{ body: Statuses.internal(), code: 500 }]);
  });

  it('answers thrown non-errors with 500', () => {
    const h = harness();
    h.catch('a string');
    expect(h.replies).toEqual([{ body: Statuses.internal(), code: 500 }]);
  });

  it('only closes the exchange when the response has already started', () => {
    const h = harness({ headersSent: true });
    h.catch(new Error('late failure'));
    expect(h.replies).toEqual([]);
    expect(h.ended()).toBe(true);
  });
});
