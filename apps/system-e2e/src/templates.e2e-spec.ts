import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { MAX_TEMPLATE_BYTES } from '@imagestreams/contracts';
import { api, createTestNamespace, type ApiResponse } from './support/api';
import { WatchReader } from './support/watch-reader';

/**
 * Templates end to end: CRUD through the gateway to template-service and Postgres, and
 * `processedtemplates` on OpenShift's own catalog templates. The catalog fixtures are read where
 * they are kept (shared/fixtures next to the repository; E2E_FIXTURES_DIR overrides), never copied
 * into the repository; without them those tests are skipped.
 */
const FIXTURES_DIR = process.env['E2E_FIXTURES_DIR'] ?? path.resolve(__dirname, '../../../../shared/fixtures');
const CATALOG_DIR = path.join(FIXTURES_DIR, 'openshift-library', 'templates');
const HAVE_CATALOG = existsSync(CATALOG_DIR);
if (!HAVE_CATALOG) console.warn(`templates.e2e-spec: no catalog fixtures at ${CATALOG_DIR}: the processing tests on catalog templates are skipped`);
const withCatalog = HAVE_CATALOG ? describe : describe.skip;

const GROUP = '/apis/template.openshift.io/v1';

interface Status {
  kind: string;
  apiVersion: string;
  status: string;
  reason: string;
  message: string;
  code: number;
  details?: { name?: string; group?: string; kind?: string; causes?: { field: string; reason: string; message: string }[] };
}

interface KubeObject {
  apiVersion?: string;
  kind: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; uid?: string; resourceVersion?: string };
  [field: string]: unknown;
}

interface Template extends KubeObject {
  metadata: NonNullable<KubeObject['metadata']>;
  message?: string;
  objects: KubeObject[] | null;
  parameters?: { name: string; value?: string; generate?: string; from?: string; required?: boolean }[];
  labels?: Record<string, string>;
}

interface TemplateList {
  kind: string;
  apiVersion: string;
  metadata: { resourceVersion: string; continue?: string };
  items: Template[];
}

function catalogTemplate(name: string): Template {
  return JSON.parse(readFileSync(path.join(CATALOG_DIR, `${name}.json`), 'utf8')) as Template;
}

/** The template with these parameters' values set in the body, as `oc process -p` does before posting. */
function withValues(template: Template, values: Record<string, string>): Template {
  return { ...template, parameters: template.parameters?.map((parameter) => (parameter.name in values ? { name: parameter.name, value: values[parameter.name] } : parameter)) };
}

function expectStatus(response: ApiResponse<unknown>, code: number, reason: string): Status {
  const status = response.body as Status;
  expect(response.status).toBe(code);
  expect(status).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, code });
  return status;
}

function value(template: Template, name: string): string | undefined {
  return template.parameters?.find((parameter) => parameter.name === name)?.value;
}

function objectOf(template: Template, kind: string): KubeObject {
  return template.objects?.find((object) => object.kind === kind) as KubeObject;
}

/** The value at a path of member names inside a JSON value. */
function at(value: unknown, ...path: string[]): unknown {
  return path.reduce<unknown>((current, key) => (current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined), value);
}

function nestedObject(levels: number): KubeObject {
  let value: Record<string, unknown> = { leaf: true };
  for (let level = 1; level < levels; level++) value = { x: value };
  return { kind: 'ConfigMap', apiVersion: 'v1', data: value };
}

describe('templates', () => {
  let namespace: string;
  const templates = () => `${GROUP}/namespaces/${namespace}/templates`;
  const processed = (query = '') => `${GROUP}/namespaces/${namespace}/processedtemplates${query}`;

  function simple(name: string, extra: Partial<Template> = {}): Template {
    return {
      apiVersion: 'template.openshift.io/v1',
      kind: 'Template',
      metadata: { name, labels: { team: 'a' } },
      objects: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: '${NAME}' } }],
      parameters: [{ name: 'NAME', value: 'web', required: true }],
      ...extra,
    };
  }

  async function storedNames(): Promise<string[]> {
    const list = await api<TemplateList>('GET', templates());
    expect(list.status).toBe(200);
    return list.body.items.map((item) => item.metadata.name as string).sort();
  }

  beforeAll(async () => {
    namespace = await createTestNamespace('templates');
  });

  describe('CRUD', () => {
    it('creates (201), reads, and refuses the same name again with 409 AlreadyExists', async () => {
      const created = await api<Template>('POST', templates(), simple('web'));
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        kind: 'Template',
        apiVersion: 'template.openshift.io/v1',
        metadata: { name: 'web', namespace, uid: expect.any(String), resourceVersion: expect.stringMatching(/^\d+$/), labels: { team: 'a' } },
        objects: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: '${NAME}' } }],
        parameters: [{ name: 'NAME', value: 'web', required: true }],
      });

      const read = await api<Template>('GET', `${templates()}/web`);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(created.body);

      const again = expectStatus(await api('POST', templates(), simple('web', { message: 'second' })), 409, 'AlreadyExists');
      expect(again.message).toBe('templates.template.openshift.io "web" already exists');
      expect((await api<Template>('GET', `${templates()}/web`)).body).toEqual(created.body);
    });

    it('lists per namespace and across namespaces as a Kubernetes List', async () => {
      await api('POST', templates(), simple('list-a'));
      const list = await api<TemplateList>('GET', templates());
      const everywhere = await api<TemplateList>('GET', `${GROUP}/templates`);
      const paged = await api<TemplateList>('GET', `${templates()}?limit=1`);

      expect(list.status).toBe(200);
      expect(list.body).toMatchObject({ kind: 'TemplateList', apiVersion: 'template.openshift.io/v1', metadata: { resourceVersion: expect.stringMatching(/^\d+$/) } });
      expect(list.body.items.map((item) => item.metadata.name)).toEqual(expect.arrayContaining(['list-a', 'web']));
      expect(everywhere.body.items.filter((item) => item.metadata.namespace === namespace).length).toBe(list.body.items.length);
      expect(paged.body.items).toHaveLength(1);
      expect(paged.body.metadata.continue).toEqual(expect.any(String));
      const next = await api<TemplateList>('GET', `${templates()}?limit=1&continue=${encodeURIComponent(paged.body.metadata.continue as string)}`);
      expect(next.body.items[0].metadata.name).not.toBe(paged.body.items[0].metadata.name);
    });

    it('replaces with PUT when metadata.resourceVersion is current, and refuses a stale one with 409 Conflict', async () => {
      const current = (await api<Template>('GET', `${templates()}/web`)).body;

      const updated = await api<Template>('PUT', `${templates()}/web`, { ...current, message: 'v2' });
      expect(updated.status).toBe(200);
      expect(updated.body.message).toBe('v2');
      expect(updated.body.metadata.uid).toBe(current.metadata.uid);
      expect(Number(updated.body.metadata.resourceVersion)).toBeGreaterThan(Number(current.metadata.resourceVersion));

      const stale = expectStatus(await api('PUT', `${templates()}/web`, { ...current, message: 'stale' }), 409, 'Conflict');
      expect(stale.message).toMatch(/^Operation cannot be fulfilled on templates\.template\.openshift\.io "web": the object has been modified/);
      expect((await api<Template>('GET', `${templates()}/web`)).body).toEqual(updated.body);
    });

    it('answers 404 NotFound for a missing template on GET, PUT and DELETE', async () => {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const status = expectStatus(await api(method, `${templates()}/missing`, method === 'PUT' ? simple('missing') : undefined), 404, 'NotFound');
        expect(status.message).toBe('templates.template.openshift.io "missing" not found');
      }
    });

    it('deletes with a Status, after which the template is gone', async () => {
      await api('POST', templates(), simple('doomed'));

      const deleted = await api<Status>('DELETE', `${templates()}/doomed`);
      expect(deleted.status).toBe(200);
      expect(deleted.body).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'doomed', group: 'template.openshift.io', kind: 'templates' } });
      expectStatus(await api('GET', `${templates()}/doomed`), 404, 'NotFound');
      expectStatus(await api('DELETE', `${templates()}/doomed`), 404, 'NotFound');
    });

    it('refuses invalid names and parameter names with 422 naming the field, and stores nothing', async () => {
      const before = await storedNames();
      for (const [body, field] of [
        [simple('Bad_Name'), 'metadata.name'],
        [simple('x'.repeat(254)), 'metadata.name'],
        [{ ...simple('no-name'), metadata: {} }, 'metadata.name'],
        [simple('bad-param', { parameters: [{ name: 'a-b' }] }), 'parameters[0].name'],
      ] as const) {
        const status = expectStatus(await api('POST', templates(), body), 422, 'Invalid');
        expect(status.details).toMatchObject({ group: 'template.openshift.io', kind: 'Template' });
        expect(status.details?.causes?.map((cause) => cause.field)).toContain(field);
        expect(status.message).toMatch(/^Template\.template\.openshift\.io ".*" is invalid: /);
      }
      expect(await storedNames()).toEqual(before);
    });

    it('refuses a template in a namespace that does not exist (404) or cannot exist (400), or naming another namespace (400)', async () => {
      expectStatus(await api('POST', `${GROUP}/namespaces/no-such-namespace-x1/templates`, simple('web')), 404, 'NotFound');
      expectStatus(await api('POST', `${GROUP}/namespaces/Bad_NS/templates`, simple('web')), 400, 'BadRequest');
      expectStatus(await api('POST', templates(), { ...simple('other-ns'), metadata: { name: 'other-ns', namespace: 'elsewhere' } }), 400, 'BadRequest');
      expect((await api<TemplateList>('GET', `${GROUP}/namespaces/no-such-namespace-x1/templates`)).body.items).toEqual([]);
      expect(await storedNames()).not.toContain('other-ns');
    });
  });

  withCatalog('processing catalog templates (shared/fixtures/openshift-library)', () => {
    it('processes rails-postgresql-example with values from the body and generated values of the declared shapes, creating nothing', async () => {
      const template = withValues(catalogTemplate('rails-postgresql-example'), { NAME: 'blog', APPLICATION_DOMAIN: 'blog.example.com' });

      const response = await api<Template>('POST', processed(), template);

      expect(response.status).toBe(201);
      const result = response.body;
      expect(result).toMatchObject({ kind: 'Template', apiVersion: 'template.openshift.io/v1', metadata: { name: 'rails-postgresql-example', namespace } });
      expect(result.objects).toHaveLength(template.objects?.length as number);
      expect(result.message).toContain('have been created in your project: blog, postgresql.');

      const secret = objectOf(result, 'Secret');
      expect(secret.metadata).toEqual({ name: 'blog', labels: { app: 'rails-postgresql-example', template: 'rails-postgresql-example' } });
      expect(at(secret, 'stringData', 'database-user')).toMatch(/^user[A-Z0-9]{3}$/);
      expect(at(secret, 'stringData', 'database-password')).toMatch(/^[a-zA-Z0-9]{8}$/);
      expect(at(secret, 'stringData', 'keybase')).toMatch(/^[a-z0-9]{127}$/);
      expect(at(secret, 'stringData', 'application-user')).toBe('openshift');
      expect(objectOf(result, 'Route').spec).toEqual({ host: 'blog.example.com', to: { kind: 'Service', name: 'blog' } });
      const github = (at(objectOf(result, 'BuildConfig'), 'spec', 'triggers') as { type: string; github?: { secret: string } }[]).find((trigger) => trigger.type === 'GitHub');
      expect(github?.github?.secret).toMatch(/^[a-zA-Z0-9]{40}$/);
      // The answer lists every value used, generated ones included, and they are the ones substituted.
      expect(value(result, 'DATABASE_USER')).toBe(at(secret, 'stringData', 'database-user'));
      expect(value(result, 'SECRET_KEY_BASE')).toBe(at(secret, 'stringData', 'keybase'));
      expect(value(result, 'NAME')).toBe('blog');
      for (const object of result.objects ?? []) expect(object.metadata?.labels).toMatchObject({ template: 'rails-postgresql-example' });

      // Creates nothing: no template, no image stream (the template holds one).
      expect(await storedNames()).not.toContain('rails-postgresql-example');
      expect((await api<{ items: unknown[] }>('GET', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams`)).body.items).toEqual([]);
    });

    it('generates fresh values on every call', async () => {
      const first = await api<Template>('POST', processed(), catalogTemplate('postgresql-ephemeral'));
      const second = await api<Template>('POST', processed(), catalogTemplate('postgresql-ephemeral'));

      expect(first.status).toBe(201);
      expect(value(first.body, 'POSTGRESQL_USER')).toMatch(/^user[A-Z0-9]{3}$/);
      expect(value(first.body, 'POSTGRESQL_PASSWORD')).toMatch(/^[a-zA-Z0-9]{16}$/);
      expect(value(second.body, 'POSTGRESQL_PASSWORD')).not.toBe(value(first.body, 'POSTGRESQL_PASSWORD'));
    });

    it('processes jenkins-ephemeral deterministically and gives legacy kinds their API group', async () => {
      const first = await api<Template>('POST', processed(), catalogTemplate('jenkins-ephemeral'));
      const second = await api<Template>('POST', processed(), catalogTemplate('jenkins-ephemeral'));

      expect(first.status).toBe(201);
      expect(second.body).toEqual(first.body);
      expect(objectOf(first.body, 'RoleBinding').apiVersion).toBe('authorization.openshift.io/v1');
      expect(objectOf(first.body, 'Route').metadata).toMatchObject({ name: 'jenkins', labels: { app: 'jenkins-ephemeral', template: 'jenkins-ephemeral-template' } });
    });

    it('answers cache-service without its required APPLICATION_USER with 422, and with it substitutes ${{NUMBER_OF_INSTANCES}} as a number', async () => {
      const missing = expectStatus(await api('POST', processed(), catalogTemplate('cache-service')), 422, 'Invalid');
      expect(missing.details).toMatchObject({ name: 'cache-service', group: 'template.openshift.io', kind: 'Template' });
      expect(missing.details?.causes).toEqual([
        {
          field: 'template.parameters[6]',
          reason: 'FieldValueRequired',
          message: 'Required value: template.parameters[6]: parameter APPLICATION_USER is required and must be specified',
        },
      ]);
      expect(missing.message).toBe(
        'Template.template.openshift.io "cache-service" is invalid: template.parameters[6]: Required value: template.parameters[6]: parameter APPLICATION_USER is required and must be specified',
      );

      const given = await api<Template>('POST', processed('?param=APPLICATION_USER=admin&param=NUMBER_OF_INSTANCES=3'), catalogTemplate('cache-service'));
      expect(given.status).toBe(201);
      expect(at(objectOf(given.body, 'StatefulSet'), 'spec', 'replicas')).toBe(3);
      expect(objectOf(given.body, 'Secret').stringData).toMatchObject({ 'application-user': 'admin' });
      expect(value(given.body, 'APPLICATION_PASSWORD')).toMatch(/^[a-zA-Z0-9]{16}$/);

      const inBody = await api<Template>('POST', processed(), withValues(catalogTemplate('cache-service'), { APPLICATION_USER: 'admin' }));
      expect(inBody.status).toBe(201);
      expect(at(objectOf(inBody.body, 'StatefulSet'), 'spec', 'replicas')).toBe(1);
    });

    it('answers an unknown parameter name with 422 naming it, unless asked to ignore it', async () => {
      const unknown = expectStatus(await api('POST', processed('?param=NO_SUCH_PARAMETER=1'), catalogTemplate('postgresql-ephemeral')), 422, 'Invalid');
      expect(unknown.details?.causes).toEqual([{ field: 'parameters', reason: 'FieldValueNotFound', message: 'Not found: "NO_SUCH_PARAMETER": unknown parameter name "NO_SUCH_PARAMETER"' }]);
      expect(unknown.message).toContain('unknown parameter name "NO_SUCH_PARAMETER"');

      const ignored = await api('POST', processed('?param=NO_SUCH_PARAMETER=1&ignoreUnknownParameters=true'), catalogTemplate('postgresql-ephemeral'));
      expect(ignored.status).toBe(201);
    });
  });

  describe('bad input: a Status every time, nothing stored', () => {
    let before: string[];

    beforeAll(async () => {
      before = await storedNames();
    });

    afterAll(async () => {
      expect(await storedNames()).toEqual(before);
    });

    it('answers a required parameter without a value with 422', async () => {
      const status = expectStatus(await api('POST', processed(), simple('req', { parameters: [{ name: 'NAME', required: true }] })), 422, 'Invalid');
      expect(status.details?.causes).toEqual([expect.objectContaining({ field: 'template.parameters[0]', reason: 'FieldValueRequired' })]);
    });

    it('answers objects holding something other than an object with 422 on item[i].objects', async () => {
      for (const bad of ['text', 42, null, ['a'], { metadata: { name: 'no-kind' } }]) {
        const status = expectStatus(await api('POST', processed(), simple('bad-object', { objects: [{ kind: 'ConfigMap', apiVersion: 'v1' }, bad as KubeObject] })), 422, 'Invalid');
        expect(status.details?.causes?.map((cause) => cause.field)).toEqual(['item[1].objects']);
      }
      const stored = expectStatus(await api('POST', templates(), simple('bad-object', { objects: 'nope' as unknown as KubeObject[] })), 422, 'Invalid');
      expect(stored.details?.causes?.map((cause) => cause.field)).toEqual(['objects']);
    });

    it('answers deeply nested values with 4xx, never 500', async () => {
      // Past processing's 100 levels per object: the object is refused.
      const deeper = expectStatus(await api('POST', processed(), simple('deep', { objects: [nestedObject(101)] })), 422, 'Invalid');
      expect(deeper.details?.causes).toEqual([expect.objectContaining({ field: 'item[0].objects', message: expect.stringContaining('nested deeper than 100 levels') })]);
      // Far past it: refused at the edge, before anything walks it.
      // Written out as text: 100,000 levels are too deep for JSON.stringify here, too.
      for (const levels of [200, 100_000]) {
        const rawBody = `{"metadata":{"name":"web"},"objects":[${'{"x":'.repeat(levels)}true${'}'.repeat(levels)}]}`;
        for (const [method, path] of [['POST', processed()], ['POST', templates()], ['PUT', `${templates()}/web`]]) {
          const status = expectStatus(await api(method, path, undefined, { rawBody }), 422, 'Invalid');
          expect(status.details?.causes).toEqual([expect.objectContaining({ field: 'objects[0]', message: expect.stringContaining('nested deeper than 128 levels') })]);
        }
      }
      // A `${{NAME}}` value that would nest too deeply.
      const value = expectStatus(
        await api('POST', processed(), simple('deep-value', { objects: [{ kind: 'A', v: '${{DEEP}}' }], parameters: [{ name: 'DEEP', value: '['.repeat(5000) + ']'.repeat(5000) }] })),
        422,
        'Invalid',
      );
      expect(value.details?.causes?.map((cause) => cause.field)).toEqual(['item[0].parameters']);
    });

    it(`answers a template over ${MAX_TEMPLATE_BYTES} bytes of JSON with 413, and lets one just under it through NATS both ways`, async () => {
      const padded = (name: string, bytes: number) => {
        const base = simple(name, { message: '' });
        return simple(name, { message: 'x'.repeat(bytes - Buffer.byteLength(JSON.stringify(base))) });
      };
      for (const [method, path] of [['POST', processed()], ['POST', templates()], ['PUT', `${templates()}/web`]]) {
        const status = expectStatus(await api(method, path, padded('huge', MAX_TEMPLATE_BYTES + 1)), 413, 'RequestEntityTooLarge');
        expect(status.message).toContain(String(MAX_TEMPLATE_BYTES));
      }

      const large = padded('large', MAX_TEMPLATE_BYTES);
      const processedLarge = await api<Template>('POST', processed(), large);
      expect(processedLarge.status).toBe(201);
      expect(processedLarge.body.message).toHaveLength((large.message as string).length);
      const created = await api<Template>('POST', templates(), large);
      expect(created.status).toBe(201);
      expect((await api<Template>('GET', `${templates()}/large`)).body.message).toBe(large.message);
      expect((await api('DELETE', `${templates()}/large`)).status).toBe(200);
    });

    it('answers a body larger than the gateway takes at all with 413', async () => {
      expectStatus(await api('POST', processed(), undefined, { rawBody: JSON.stringify(simple('big', { message: 'x'.repeat(2 * 1024 * 1024) })) }), 413, 'RequestEntityTooLarge');
    });

    it('answers a result that would grow past what may be answered with 413', async () => {
      const bomb = simple('bomb', { objects: [{ kind: 'ConfigMap', apiVersion: 'v1', data: { v: '${V}'.repeat(20_000) } }], parameters: [{ name: 'V', value: 'x'.repeat(20_000) }] });
      expectStatus(await api('POST', processed(), bomb), 413, 'RequestEntityTooLarge');
    });

    it('answers a body that is not JSON, or not a JSON object, with 400, and another media type with 415', async () => {
      for (const path of [processed(), templates()]) {
        expectStatus(await api('POST', path, undefined, { rawBody: '{"metadata": {"name": "x"' }), 400, 'BadRequest');
        expectStatus(await api('POST', path, undefined, { rawBody: 'not json at all' }), 400, 'BadRequest');
        expectStatus(await api('POST', path, undefined, { rawBody: '[{"kind":"Template"}]' }), 400, 'BadRequest');
        expectStatus(await api('POST', path, undefined, { rawBody: 'kind: Template', contentType: 'application/yaml' }), 415, 'UnsupportedMediaType');
      }
    });

    it('answers another type in the body, or another namespace, with 400', async () => {
      expectStatus(await api('POST', processed(), { ...simple('typed'), apiVersion: 'apps/v1' }), 400, 'BadRequest');
      expectStatus(await api('POST', templates(), { ...simple('typed'), kind: 'ImageStream' }), 400, 'BadRequest');
      expectStatus(await api('POST', processed(), { ...simple('other'), metadata: { name: 'other', namespace: 'elsewhere' } }), 400, 'BadRequest');
    });

    it('answers bad ?param values with 400', async () => {
      expectStatus(await api('POST', processed('?param=NOEQUALS'), simple('p')), 400, 'BadRequest');
      expectStatus(await api('POST', processed('?param=NAME=a&param=NAME=b'), simple('p')), 400, 'BadRequest');
    });
  });

  describe('watch and label selection', () => {
    const summary = (events: { type: string; object: Template }[]) => events.map((event) => [event.type, event.object.metadata.name]);

    it('streams ADDED, MODIFIED and DELETED of a namespace in order, and resumes from a resourceVersion', async () => {
      const ns = await createTestNamespace('templates-watch');
      const path = `${GROUP}/namespaces/${ns}/templates`;
      expect((await api('POST', path, simple('before'))).status).toBe(201);
      const watch = new WatchReader<Template>(`${path}?watch=true`);
      try {
        expect(await watch.status).toBe(200);
        // Without a resourceVersion, the watch starts with the current state.
        expect(summary(await watch.waitFor(1))).toEqual([['ADDED', 'before']]);
        expect((await api('POST', path, simple('web'))).status).toBe(201);
        // Seen before the next change, or both could arrive as one event carrying the latest state.
        await watch.waitFor(2);
        const current = (await api<Template>('GET', `${path}/web`)).body;
        expect((await api('PUT', `${path}/web`, { ...current, message: 'v2' })).status).toBe(200);
        const events = await watch.waitFor(3);
        expect(summary(events.slice(1))).toEqual([
          ['ADDED', 'web'],
          ['MODIFIED', 'web'],
        ]);
        expect(events[2].object.message).toBe('v2');
        const resumeFrom = events[2].object.metadata.resourceVersion as string;
        expect((await api('DELETE', `${path}/web`)).status).toBe(200);
        expect((await watch.waitFor(4))[3]).toMatchObject({ type: 'DELETED', object: { kind: 'Template', message: 'v2', metadata: { name: 'web', namespace: ns, uid: current.metadata.uid } } });
        watch.close();

        // A new watch from the MODIFIED event's resourceVersion hears only what came after it.
        const resumed = new WatchReader<Template>(`${path}?watch=true&resourceVersion=${resumeFrom}`);
        try {
          expect(await resumed.status).toBe(200);
          expect(summary(await resumed.waitFor(1))).toEqual([['DELETED', 'web']]);
          expect((await api('POST', path, simple('after'))).status).toBe(201);
          expect(summary(await resumed.waitFor(2))).toEqual([
            ['DELETED', 'web'],
            ['ADDED', 'after'],
          ]);
        } finally {
          resumed.close();
        }
      } finally {
        watch.close();
      }
    });

    it('selects by label on lists and watches, in one namespace and across all, and refuses a bad selector with 400', async () => {
      const ns = await createTestNamespace('templates-labels');
      const path = `${GROUP}/namespaces/${ns}/templates`;
      // A label only this test uses, so the cluster-wide watch hears nothing from other suites.
      const run = `r${Date.now().toString(36)}`;
      const labelled = (name: string, app: string) => simple(name, { metadata: { name, labels: { app, run } } });
      const inNamespace = new WatchReader<Template>(`${path}?watch=true&labelSelector=${encodeURIComponent('app=web')}`);
      const everywhere = new WatchReader<Template>(`${GROUP}/templates?watch=true&labelSelector=${encodeURIComponent(`run=${run},app!=db`)}`);
      try {
        expect(await inNamespace.status).toBe(200);
        expect(await everywhere.status).toBe(200);
        expect((await api('POST', path, labelled('other', 'db'))).status).toBe(201);
        expect((await api('POST', path, labelled('front', 'web'))).status).toBe(201);
        expect(summary(await inNamespace.waitFor(1))).toEqual([['ADDED', 'front']]);
        expect((await everywhere.waitFor(1)).map((event) => [event.type, event.object.metadata.namespace, event.object.metadata.name])).toEqual([['ADDED', ns, 'front']]);
      } finally {
        inNamespace.close();
        everywhere.close();
      }

      const names = async (query: string) => {
        const list = await api<TemplateList>('GET', `${path}?labelSelector=${encodeURIComponent(query)}`);
        expect(list.status).toBe(200);
        return list.body.items.map((item) => item.metadata.name);
      };
      expect(await names('app=web')).toEqual(['front']);
      expect(await names('app in (db,web)')).toEqual(['front', 'other']);
      expect(await names('app notin (web)')).toEqual(['other']);
      expect((await api<TemplateList>('GET', `${GROUP}/templates?labelSelector=${encodeURIComponent(`run=${run}`)}`)).body.items.map((item) => item.metadata.name)).toEqual(['front', 'other']);

      for (const query of [`labelSelector=${encodeURIComponent('app in (')}`, `watch=true&labelSelector=${encodeURIComponent('app in (')}`, 'watch=true&resourceVersion=abc']) {
        expectStatus(await api('GET', `${path}?${query}`), 400, 'BadRequest');
      }
    });
  });
});
