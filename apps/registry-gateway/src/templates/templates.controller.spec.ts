import { ImageRequests, MAX_TEMPLATE_BYTES, NamespaceResource, Statuses, TemplateRequests, TemplateResource } from '@imagestreams/contracts';
import request from 'supertest';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';
import { parameterAssignments } from './templates.controller';

const GROUP = '/apis/template.openshift.io/v1';
const TEMPLATES = `${GROUP}/namespaces/team-a/templates`;
const PROCESS = `${GROUP}/namespaces/team-a/processedtemplates`;

function template(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'template.openshift.io/v1',
    kind: 'Template',
    metadata: { name: 'web' },
    objects: [{ kind: 'Service', apiVersion: 'v1', metadata: { name: '${NAME}' } }],
    parameters: [{ name: 'NAME', value: 'web' }],
    ...overrides,
  };
}

function nested(levels: number): unknown {
  let value: unknown = {};
  for (let level = 1; level < levels; level++) value = { x: value };
  return value;
}

describe('TemplatesController', () => {
  let gateway: TestGateway;

  beforeEach(async () => {
    gateway = await startTestGateway();
    gateway.owners.answer(ImageRequests.getNamespace, ({ name }) => ({ kind: 'Namespace', apiVersion: 'v1', metadata: { name } }) as never);
  });

  afterEach(async () => {
    await gateway.app.close();
  });

  it('POST templates checks the namespace exists, then asks template-service to create the template as sent', async () => {
    gateway.owners.answer(TemplateRequests.create, ({ template: sent }) => ({ ...sent, metadata: { ...(sent['metadata'] as object), uid: 'u' } }) as never);

    const response = await request(gateway.http).post(TEMPLATES).send(template());

    expect(response.status).toBe(201);
    expect(response.body.metadata).toEqual({ name: 'web', uid: 'u' });
    expect(gateway.owners.calls).toEqual([
      { subject: ImageRequests.getNamespace.subject, payload: { name: 'team-a' } },
      { subject: TemplateRequests.create.subject, payload: { namespace: 'team-a', template: template() } },
    ]);
  });

  it('refuses a template in a missing namespace with the owner 404 and creates nothing', async () => {
    gateway.owners.fail(ImageRequests.getNamespace, Statuses.notFound(NamespaceResource, 'team-a'));

    const response = await request(gateway.http).post(TEMPLATES).send(template());

    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ kind: 'Status', reason: 'NotFound', details: { name: 'team-a', kind: 'namespaces' } });
    expect(gateway.owners.subjects()).toEqual([ImageRequests.getNamespace.subject]);
  });

  it.each([
    ['a JSON array', 400, 'BadRequest', [template()]],
    ['another namespace in metadata', 400, 'BadRequest', template({ metadata: { name: 'web', namespace: 'team-b' } })],
    ['objects nested deeper than 128 levels', 422, 'Invalid', template({ objects: [nested(200)] })],
  ])('answers %s with %d %s before asking anyone', async (_case, code, reason, body) => {
    for (const path of [TEMPLATES, PROCESS]) {
      const response = await request(gateway.http).post(path).send(body);

      expect(response.status).toBe(code);
      expect(response.body).toMatchObject({ kind: 'Status', status: 'Failure', reason, code });
    }
    expect(gateway.owners.calls).toEqual([]);
  });

  it('names where the nesting is too deep', async () => {
    const response = await request(gateway.http).post(TEMPLATES).send(template({ objects: [{ kind: 'A' }, nested(200)] }));

    expect(response.body.details).toMatchObject({ name: 'web', group: 'template.openshift.io', kind: 'Template', causes: [{ field: 'objects[1]', reason: 'FieldValueInvalid' }] });
  });

  it('answers a template over the size limit with 413, measured as compact JSON, and lets one just under it through', async () => {
    gateway.owners.answer(TemplateRequests.create, () => ({}) as never);
    const padding = (length: number) => template({ message: 'x'.repeat(length) });
    const overhead = Buffer.byteLength(JSON.stringify(padding(0)));

    const over = await request(gateway.http).post(TEMPLATES).send(padding(MAX_TEMPLATE_BYTES - overhead + 1));
    // Indentation does not count: this body is larger than the limit on the wire, not as JSON.
    const under = await request(gateway.http)
      .post(TEMPLATES)
      .set('content-type', 'application/json')
      .send(JSON.stringify(padding(MAX_TEMPLATE_BYTES - overhead), null, 40));

    expect(over.status).toBe(413);
    expect(over.body).toMatchObject({ kind: 'Status', reason: 'RequestEntityTooLarge', code: 413 });
    expect(under.status).toBe(201);
    expect(gateway.owners.subjects()).toEqual([ImageRequests.getNamespace.subject, TemplateRequests.create.subject]);
  });

  it('GET, PUT and DELETE address one template; an impossible address is a 404 without asking', async () => {
    gateway.owners.answer(TemplateRequests.get, () => template() as never);
    gateway.owners.answer(TemplateRequests.update, () => template() as never);
    gateway.owners.answer(TemplateRequests.delete, () => Statuses.notFound(TemplateResource, 'x') as never);

    expect((await request(gateway.http).get(`${TEMPLATES}/web`)).status).toBe(200);
    expect((await request(gateway.http).put(`${TEMPLATES}/web`).send(template())).status).toBe(200);
    expect((await request(gateway.http).delete(`${TEMPLATES}/web`)).status).toBe(200);
    expect((await request(gateway.http).get(`${GROUP}/namespaces/Bad_NS/templates/web`)).status).toBe(404);
    expect(gateway.owners.calls).toEqual([
      { subject: TemplateRequests.get.subject, payload: { namespace: 'team-a', name: 'web' } },
      { subject: TemplateRequests.update.subject, payload: { namespace: 'team-a', name: 'web', template: template() } },
      { subject: TemplateRequests.delete.subject, payload: { namespace: 'team-a', name: 'web' } },
    ]);
  });

  it('lists per namespace and across namespaces with limit and continue', async () => {
    gateway.owners.answer(TemplateRequests.list, () => ({ kind: 'TemplateList', apiVersion: 'template.openshift.io/v1', metadata: { resourceVersion: '3' }, items: [] }) as never);

    expect((await request(gateway.http).get(`${TEMPLATES}?limit=2&continue=abc`)).status).toBe(200);
    expect((await request(gateway.http).get(`${GROUP}/templates`)).status).toBe(200);
    expect(gateway.owners.calls.map((call) => call.payload)).toEqual([{ namespace: 'team-a', limit: 2, continue: 'abc' }, {}]);
  });

  it('forwards a label selector to template-service, which applies it', async () => {
    gateway.owners.answer(TemplateRequests.list, () => ({ kind: 'TemplateList', apiVersion: 'template.openshift.io/v1', metadata: { resourceVersion: '3' }, items: [] }) as never);

    expect((await request(gateway.http).get(`${TEMPLATES}?labelSelector=${encodeURIComponent('app=web,tier!=db')}&limit=5`)).status).toBe(200);
    expect(gateway.owners.calls).toEqual([{ subject: TemplateRequests.list.subject, payload: { namespace: 'team-a', labelSelector: 'app=web,tier!=db', limit: 5 } }]);
  });

  it.each([['limit=0'], ['watch=true&resourceVersion=abc'], ['labelSelector=a&labelSelector=b']])('answers a list or watch with %s with 400 before asking anyone', async (query) => {
    const response = await request(gateway.http).get(`${TEMPLATES}?${query}`);

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
    expect(gateway.owners.calls).toEqual([]);
  });

  it('POST processedtemplates forwards the owner JSON as it is, with 201, and the ?param values', async () => {
    gateway.owners.answer(TemplateRequests.process, () => ({ kind: 'Template', objects: [] }) as never);

    const response = await request(gateway.http).post(`${PROCESS}?param=NAME=a=b&param=OTHER=&ignoreUnknownParameters=true`).send(template());

    expect(response.status).toBe(201);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body).toEqual({ kind: 'Template', objects: [] });
    expect(gateway.owners.calls[1]).toEqual({
      subject: TemplateRequests.process.subject,
      payload: { namespace: 'team-a', template: template(), parameterValues: { NAME: 'a=b', OTHER: '' }, ignoreUnknownParameters: true },
    });
  });

  it.each([['param=NOEQUALS'], ['param=A=1&param=A=2'], ['ignoreUnknownParameters=maybe']])('answers processedtemplates?%s with 400', async (query) => {
    const response = await request(gateway.http).post(`${PROCESS}?${query}`).send(template());

    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
    expect(gateway.owners.calls).toEqual([]);
  });
});

describe('parameterAssignments', () => {
  it('reads NAME=value pairs, splitting at the first =', () => {
    expect(parameterAssignments(['A=1', 'B=x=y', 'C='])).toEqual({ A: '1', B: 'x=y', C: '' });
    expect(parameterAssignments('A=1')).toEqual({ A: '1' });
    expect(parameterAssignments(undefined)).toBeUndefined();
  });

  it('keeps a name like __proto__ as a plain key', () => {
    const values = parameterAssignments('__proto__=x') as Record<string, string>;

    expect(Object.keys(values)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
  });

  it('names every repeated parameter', () => {
    expect(() => parameterAssignments(['A=1', 'B=1', 'A=2', 'B=2'])).toThrow('The following parameters were provided more than once: A, B');
  });
});
