import {
  ImageRequests,
  ImageStreamResource,
  NamespaceResource,
  Statuses,
  successStatus,
  WebhookSubscriptionResource,
  type StatusCause,
} from '@imagestreams/contracts';
import request from 'supertest';
import { DIGEST, mappingBody, startTestGateway, type TestGateway } from '../testing/test-gateway';

const MAPPINGS = '/apis/image.openshift.io/v1/namespaces/demo/imagestreammappings';
const SUBSCRIPTIONS = '/apis/notifications.imagestreams.io/v1/namespaces/demo/webhooksubscriptions';

function fieldsOf(causes: StatusCause[]): string[] {
  return causes.map((cause) => cause.field).sort();
}

describe('edge validation', () => {
  let gateway: TestGateway;

  beforeEach(async () => {
    gateway = await startTestGateway();
  });

  afterEach(async () => {
    await gateway.app.close();
  });

  describe('ImageStreamMapping bodies', () => {
    it('reports every missing field as FieldValueRequired and does not call the owner', async () => {
      const response = await request(gateway.http).post(MAPPINGS).send({});

      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Invalid', code: 422 });
      expect(response.body.details).toMatchObject({ name: '', group: 'image.openshift.io', kind: 'ImageStreamMapping' });
      expect(fieldsOf(response.body.details.causes)).toEqual(['image', 'metadata', 'tag']);
      expect(response.body.details.causes.every((cause: StatusCause) => cause.reason === 'FieldValueRequired')).toBe(true);
      expect(gateway.owners.calls).toEqual([]);
    });

    it('reports nested missing fields with dotted paths', async () => {
      const response = await request(gateway.http)
        .post(MAPPINGS)
        .send({ metadata: {}, image: { metadata: {} }, tag: 'latest' });

      expect(response.status).toBe(422);
      expect(fieldsOf(response.body.details.causes)).toEqual(['image.metadata.name', 'metadata.name']);
      expect(gateway.owners.calls).toEqual([]);
    });

    it('rejects an invalid stream name, naming the object as sent', async () => {
      const response = await request(gateway.http)
        .post(MAPPINGS)
        .send(mappingBody({ metadata: { name: 'Bad_Name' } }));

      expect(response.status).toBe(422);
      expect(response.body.details.name).toBe('Bad_Name');
      expect(response.body.message).toMatch(/^ImageStreamMapping\.image\.openshift\.io "Bad_Name" is invalid: metadata\.name: /);
      expect(response.body.details.causes).toEqual([{ reason: 'FieldValueInvalid', field: 'metadata.name', message: expect.stringContaining('[a-z0-9]+') }]);
      expect(gateway.owners.calls).toEqual([]);
    });

    it('rejects a 300-character stream name on metadata.name', async () => {
      const name = 'a'.repeat(300);
      const response = await request(gateway.http)
        .post(MAPPINGS)
        .send(mappingBody({ metadata: { name } }));

      expect(response.status).toBe(422);
      expect(fieldsOf(response.body.details.causes)).toEqual(['metadata.name']);
      expect(response.body.details.causes[0].message).toContain('no more than 255 characters');
      expect(gateway.owners.calls).toEqual([]);
    });

    it.each([['sha256:xyz'], ['sha256:' + 'A'.repeat(64)], ['latest'], [42]])('rejects image name %p as an invalid digest on image.metadata.name', async (digest) => {
      const response = await request(gateway.http)
        .post(MAPPINGS)
        .send(mappingBody({ image: { metadata: { name: digest } } }));

      expect(response.status).toBe(422);
      expect(fieldsOf(response.body.details.causes)).toContain('image.metadata.name');
      expect(response.body.details.causes.every((cause: StatusCause) => cause.field === 'image.metadata.name')).toBe(true);
      expect(gateway.owners.calls).toEqual([]);
    });

    it.each([['-leading-dash'], ['has:colon'], ['x'.repeat(129)]])('rejects tag %p on tag', async (tag) => {
      const response = await request(gateway.http).post(MAPPINGS).send(mappingBody({ tag }));

      expect(response.status).toBe(422);
      expect(fieldsOf(response.body.details.causes)).toEqual(['tag']);
      expect(gateway.owners.calls).toEqual([]);
    });

    it('rejects a body whose namespace contradicts the path with 400, before validating it', async () => {
      const response = await request(gateway.http)
        .post(MAPPINGS)
        .send({ metadata: { name: 'Bad_Name', namespace: 'other' } });

      expect(response.status).toBe(400);
      expect(response.body).toEqual(Statuses.badRequest('the namespace of the provided object does not match the namespace sent on the request'));
      expect(gateway.owners.calls).toEqual([]);
    });

    it('sends a valid mapping to the owner as { namespace, mapping } and answers 201 with its Status', async () => {
      gateway.owners.answer(ImageRequests.createImageStreamMapping, () => successStatus(201));

      const response = await request(gateway.http)
        .post(MAPPINGS)
        .send(mappingBody({ metadata: { name: 'web', namespace: 'demo' }, unknownField: 'dropped' }));

      expect(response.status).toBe(201);
      expect(response.body).toEqual(successStatus(201));
      expect(gateway.owners.calls).toEqual([
        {
          subject: ImageRequests.createImageStreamMapping.subject,
          // Without access control (no database in this spec) nobody is authenticated: the actor is anonymous.
          payload: { namespace: 'demo', mapping: { metadata: { name: 'web', namespace: 'demo' }, image: { metadata: { name: DIGEST } }, tag: 'latest' }, actor: 'system:anonymous' },
        },
      ]);
    });

    it('answers 400 for a POST into a namespace whose name is impossible', async () => {
      const response = await request(gateway.http).post('/apis/image.openshift.io/v1/namespaces/Bad_NS/imagestreammappings').send(mappingBody());

      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ reason: 'BadRequest', code: 400 });
      expect(response.body.message).toMatch(/^invalid namespace "Bad_NS": /);
      expect(gateway.owners.calls).toEqual([]);
    });
  });

  describe('bodies that are not objects', () => {
    it.each([
      ['an array', '[]'],
      ['an array of objects', '[{"metadata":{"name":"demo"}}]'],
    ])('answers %s with 400', async (_label, body) => {
      const response = await request(gateway.http).post('/api/v1/namespaces').set('Content-Type', 'application/json').send(body);

      expect(response.status).toBe(400);
      expect(response.body).toEqual(Statuses.badRequest('the request body must be a JSON object'));
      expect(gateway.owners.calls).toEqual([]);
    });

    it('answers a POST without any body with 400', async () => {
      const response = await request(gateway.http).post(MAPPINGS);

      expect(response.status).toBe(400);
      expect(response.body).toEqual(Statuses.badRequest('the request body must be a JSON object'));
    });

    it.each([
      [{ metadata: null }],
      [{ metadata: [] }],
      [{ metadata: 'web' }],
      [{ metadata: { name: 5 } }],
      [{ metadata: { name: 'web', labels: 'x', namespace: 7 } }],
      [{ metadata: { name: 'web' }, image: { metadata: 'x' }, tag: null }],
      [{ metadata: { name: 'web' }, image: [], tag: ['latest'] }],
      [{ metadata: { name: 'web' }, image: { metadata: { name: DIGEST }, dockerImageReference: '::' }, tag: 'latest' }],
      [{ metadata: { name: 'web' }, image: { metadata: { name: DIGEST }, dockerImageMetadata: 'x' }, tag: 'latest', kind: 'Pod' }],
    ])('answers odd shape %j with 422 and never 500', async (body) => {
      const response = await request(gateway.http).post(MAPPINGS).send(body);

      expect(response.status).toBe(422);
      expect(response.body.details.causes.length).toBeGreaterThan(0);
      expect(gateway.owners.calls).toEqual([]);
    });
  });

  describe('Namespace bodies', () => {
    it('rejects an invalid namespace name on metadata.name', async () => {
      const response = await request(gateway.http).post('/api/v1/namespaces').send({ metadata: { name: 'Bad_Name' } });

      expect(response.status).toBe(422);
      expect(response.body.message).toMatch(/^Namespace "Bad_Name" is invalid: metadata\.name: /);
      expect(fieldsOf(response.body.details.causes)).toEqual(['metadata.name']);
      expect(gateway.owners.calls).toEqual([]);
    });

    it('rejects a kind that is not Namespace as FieldValueNotSupported', async () => {
      const response = await request(gateway.http).post('/api/v1/namespaces').send({ kind: 'Pod', metadata: { name: 'demo' } });

      expect(response.status).toBe(422);
      expect(response.body.details.causes).toEqual([expect.objectContaining({ field: 'kind', reason: 'FieldValueNotSupported' })]);
    });
  });

  describe('WebhookSubscription bodies', () => {
    const subscription = { metadata: { name: 'deploy-bot' }, spec: { url: 'https://ci.example.com/hooks/images' } };

    it('reports spec problems with their field paths and does not call any owner', async () => {
      const response = await request(gateway.http)
        .post(SUBSCRIPTIONS)
        .send({ metadata: { name: 'deploy-bot' }, spec: { url: 'ftp://x', events: ['tag.exploded'], retry: { maxAttempts: 0 } } });

      expect(response.status).toBe(422);
      expect(response.body.details).toMatchObject({ name: 'deploy-bot', kind: 'WebhookSubscription', group: 'notifications.imagestreams.io' });
      expect(fieldsOf(response.body.details.causes)).toEqual(['spec.events', 'spec.retry.maxAttempts', 'spec.url']);
      expect(gateway.owners.calls).toEqual([]);
    });

    it("checks the namespace first and passes the owner's 404 through without creating anything", async () => {
      const missing = Statuses.notFound(NamespaceResource, 'demo');
      gateway.owners.fail(ImageRequests.getNamespace, missing);

      const response = await request(gateway.http).post(SUBSCRIPTIONS).send(subscription);

      expect(response.status).toBe(404);
      expect(response.body).toEqual(missing);
      expect(gateway.owners.subjects()).toEqual([ImageRequests.getNamespace.subject]);
    });

    it('rejects a namespace mismatch with 400', async () => {
      const response = await request(gateway.http)
        .post(SUBSCRIPTIONS)
        .send({ ...subscription, metadata: { name: 'deploy-bot', namespace: 'team-b' } });

      expect(response.status).toBe(400);
      expect(gateway.owners.calls).toEqual([]);
    });
  });

  describe('path parameters', () => {
    it('answers a GET of a stream in an impossible namespace with 404 for that stream', async () => {
      const response = await request(gateway.http).get('/apis/image.openshift.io/v1/namespaces/Bad_NS/imagestreams/web');

      expect(response.status).toBe(404);
      expect(response.body).toEqual(Statuses.notFound(ImageStreamResource, 'web'));
      expect(gateway.owners.calls).toEqual([]);
    });

    it('answers a GET of a 300-character stream name with 404', async () => {
      const name = 'a'.repeat(300);
      const response = await request(gateway.http).get(`/apis/image.openshift.io/v1/namespaces/demo/imagestreams/${name}`);

      expect(response.status).toBe(404);
      expect(response.body).toEqual(Statuses.notFound(ImageStreamResource, name));
      expect(gateway.owners.calls).toEqual([]);
    });

    it('answers a list in an impossible namespace with 404 for that namespace', async () => {
      const response = await request(gateway.http).get('/apis/image.openshift.io/v1/namespaces/-x-/imagestreams');

      expect(response.status).toBe(404);
      expect(response.body).toEqual(Statuses.notFound(NamespaceResource, '-x-'));
    });

    it('answers a GET of an impossible namespace name with 404', async () => {
      const name = 'n'.repeat(64);
      const response = await request(gateway.http).get(`/api/v1/namespaces/${name}`);

      expect(response.status).toBe(404);
      expect(response.body).toEqual(Statuses.notFound(NamespaceResource, name));
      expect(gateway.owners.calls).toEqual([]);
    });

    it('answers GET, DELETE and deliveries of an over-long subscription name with 404', async () => {
      const name = 'b'.repeat(254);
      for (const call of [
        request(gateway.http).get(`${SUBSCRIPTIONS}/${name}`),
        request(gateway.http).delete(`${SUBSCRIPTIONS}/${name}`),
        request(gateway.http).get(`${SUBSCRIPTIONS}/${name}/deliveries`),
      ]) {
        const response = await call;
        expect(response.status).toBe(404);
        expect(response.body).toEqual(Statuses.notFound(WebhookSubscriptionResource, name));
      }
      expect(gateway.owners.calls).toEqual([]);
    });

    it('answers a webhook subscription POST into an impossible namespace with 400', async () => {
      const response = await request(gateway.http)
        .post('/apis/notifications.imagestreams.io/v1/namespaces/UPPER/webhooksubscriptions')
        .send({ metadata: { name: 'deploy-bot' }, spec: { url: 'https://ci.example.com' } });

      expect(response.status).toBe(400);
      expect(gateway.owners.calls).toEqual([]);
    });
  });
});
