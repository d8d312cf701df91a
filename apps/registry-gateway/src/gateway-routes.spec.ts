import { ImageRequests, NamespaceResource, Statuses, successStatus, TriggerRequests, type RequestDefinition } from '@imagestreams/contracts';
import request from 'supertest';
import { startTestGateway, type TestGateway } from './testing/test-gateway';

const IMAGE = '/apis/image.openshift.io/v1';
const SUBSCRIPTIONS = '/apis/notifications.imagestreams.io/v1/namespaces/demo/webhooksubscriptions';

/** Each route sends exactly one request, with the payload the owner's contract expects. */
describe('gateway routes', () => {
  let gateway: TestGateway;

  beforeEach(async () => {
    gateway = await startTestGateway();
  });

  afterEach(async () => {
    await gateway.app.close();
  });

  function echo<TRequest extends object>(definition: RequestDefinition<TRequest, unknown>, reply: object): void {
    gateway.owners.answer(definition, () => reply);
  }

  it.each([
    ['GET', '/api/v1/namespaces', ImageRequests.listNamespaces, {}],
    ['GET', '/api/v1/namespaces/demo', ImageRequests.getNamespace, { name: 'demo' }],
    ['GET', `${IMAGE}/imagestreams`, ImageRequests.listImageStreams, {}],
    ['GET', `${IMAGE}/namespaces/demo/imagestreams`, ImageRequests.listImageStreams, { namespace: 'demo' }],
    ['GET', `${IMAGE}/namespaces/demo/imagestreams/web`, ImageRequests.getImageStream, { namespace: 'demo', name: 'web' }],
    ['GET', SUBSCRIPTIONS, TriggerRequests.listWebhookSubscriptions, { namespace: 'demo' }],
    ['GET', `${SUBSCRIPTIONS}/deploy-bot`, TriggerRequests.getWebhookSubscription, { namespace: 'demo', name: 'deploy-bot' }],
    ['DELETE', `${SUBSCRIPTIONS}/deploy-bot`, TriggerRequests.deleteWebhookSubscription, { namespace: 'demo', name: 'deploy-bot' }],
    ['GET', `${SUBSCRIPTIONS}/deploy-bot/deliveries`, TriggerRequests.listWebhookDeliveries, { namespace: 'demo', name: 'deploy-bot' }],
  ] as const)('%s %s asks %s with the path as payload and answers 200 with the reply', async (method, path, definition, payload) => {
    const reply = { kind: 'Anything', from: definition.subject };
    echo(definition as RequestDefinition<object, unknown>, reply);

    const response = await (method === 'GET' ? request(gateway.http).get(path) : request(gateway.http).delete(path));

    expect(response.status).toBe(200);
    expect(response.body).toEqual(reply);
    expect(gateway.owners.calls).toEqual([{ subject: definition.subject, payload }]);
  });

  it('POST /api/v1/namespaces sends { namespace: body } and answers 201 with the Namespace', async () => {
    const created = { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'demo' } };
    echo(ImageRequests.createNamespace, created);

    const response = await request(gateway.http)
      .post('/api/v1/namespaces')
      .send({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo', labels: { team: 'a' } } });

    expect(response.status).toBe(201);
    expect(response.body).toEqual(created);
    expect(gateway.owners.calls).toEqual([
      { subject: ImageRequests.createNamespace.subject, payload: { namespace: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'demo', labels: { team: 'a' } } } } },
    ]);
  });

  it('POST webhooksubscriptions checks the namespace, then creates, and answers 201', async () => {
    const created = { kind: 'WebhookSubscription', metadata: { name: 'deploy-bot' } };
    echo(ImageRequests.getNamespace, { kind: 'Namespace', metadata: { name: 'demo' } });
    echo(TriggerRequests.createWebhookSubscription, created);
    const body = { metadata: { name: 'deploy-bot' }, spec: { url: 'https://ci.example.com/hooks/images', events: ['tag.changed'], filter: { tags: ['v*'] } } };

    const response = await request(gateway.http).post(SUBSCRIPTIONS).send(body);

    expect(response.status).toBe(201);
    expect(response.body).toEqual(created);
    expect(gateway.owners.calls).toEqual([
      { subject: ImageRequests.getNamespace.subject, payload: { name: 'demo' } },
      { subject: TriggerRequests.createWebhookSubscription.subject, payload: { namespace: 'demo', subscription: body } },
    ]);
  });

  it('answers a DELETE with 200 and the Status the owner returned', async () => {
    echo(TriggerRequests.deleteWebhookSubscription, successStatus(200, { name: 'deploy-bot', group: 'notifications.imagestreams.io', kind: 'webhooksubscriptions' }));

    const response = await request(gateway.http).delete(`${SUBSCRIPTIONS}/deploy-bot`);

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ kind: 'Status', status: 'Success' });
  });

  it('serves HEAD from GET routes', async () => {
    echo(ImageRequests.getNamespace, { kind: 'Namespace', metadata: { name: 'demo' } });

    const response = await request(gateway.http).head('/api/v1/namespaces/demo');

    expect(response.status).toBe(200);
  });

  it('does not confuse a missing namespace with a missing route', async () => {
    gateway.owners.fail(ImageRequests.getNamespace, Statuses.notFound(NamespaceResource, 'ghost'));

    const response = await request(gateway.http).get('/api/v1/namespaces/ghost');

    expect(response.status).toBe(404);
    expect(response.body).toEqual(Statuses.notFound(NamespaceResource, 'ghost'));
    expect(response.body.message).toBe('namespaces "ghost" not found');
  });
});
