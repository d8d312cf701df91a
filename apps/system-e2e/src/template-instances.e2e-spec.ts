import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { api, createTestNamespace, type ApiResponse } from './support/api';
import { WatchReader, type WatchEvent } from './support/watch-reader';

/**
 * TemplateInstances end to end: instantiating through the gateway creates ImageStreams in
 * stream-service, BuildConfigs and Deployments in trigger-dispatcher (read back at their own API
 * paths) and stores the other objects in template-service; failures roll back; deleting the
 * instance deletes every object. The Rails catalog template is read where the fixtures are kept
 * (shared/fixtures next to the repository; E2E_FIXTURES_DIR overrides), never copied into the
 * repository; without it those tests are skipped.
 */
const FIXTURES_DIR = process.env['E2E_FIXTURES_DIR'] ?? path.resolve(__dirname, '../../../../shared/fixtures');
const CATALOG_DIR = path.join(FIXTURES_DIR, 'openshift-library', 'templates');
const HAVE_CATALOG = existsSync(path.join(CATALOG_DIR, 'rails-postgresql-example.json'));
if (!HAVE_CATALOG) console.warn(`template-instances.e2e-spec: no catalog fixtures at ${CATALOG_DIR}: the Rails instantiation tests are skipped`);
const withCatalog = HAVE_CATALOG ? describe : describe.skip;

const GROUP = '/apis/template.openshift.io/v1';
const OWNER_LABEL = 'template.openshift.io/template-instance-owner';

interface Status {
  kind: string;
  status: string;
  reason: string;
  message: string;
  code: number;
  details?: { name?: string; group?: string; kind?: string; causes?: { field: string; reason: string; message: string }[] };
}

interface KubeObject {
  apiVersion?: string;
  kind: string;
  metadata: { name: string; namespace?: string; uid?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime: string;
}

interface TemplateInstance {
  kind: string;
  apiVersion: string;
  metadata: { name: string; namespace: string; uid: string; resourceVersion: string; creationTimestamp: string };
  spec: { template: Record<string, unknown>; parameters?: Record<string, string>; requester?: { username: string } };
  status: { conditions: Condition[]; objects: { ref: { kind: string; name: string; namespace: string; uid: string; apiVersion: string } }[] };
}

interface InstanceObject {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid: string;
  owner: string;
  path: string;
  object?: KubeObject & { data?: Record<string, string> };
}

function expectStatus(response: ApiResponse<unknown>, code: number, reason: string): Status {
  expect(response.body).toMatchObject({ kind: 'Status', status: 'Failure', reason, code });
  expect(response.status).toBe(code);
  return response.body as Status;
}

function condition(instance: TemplateInstance, type: string): Condition | undefined {
  return instance.status.conditions.find((entry) => entry.type === type);
}

function decoded(value: string | undefined): string {
  return Buffer.from(value ?? '', 'base64').toString('utf8');
}

function template(objects: unknown[], parameters: Record<string, unknown>[] = []): Record<string, unknown> {
  return { apiVersion: 'template.openshift.io/v1', kind: 'Template', metadata: { name: 'inline' }, objects, parameters };
}

function instance(name: string, spec: Record<string, unknown>): Record<string, unknown> {
  return { apiVersion: 'template.openshift.io/v1', kind: 'TemplateInstance', metadata: { name }, spec };
}

const secret = (name: string) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name }, stringData: { password: 'p' } });
const imageStream = (name: string) => ({ apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', metadata: { name } });
const deployment = (name: string, annotations: Record<string, string> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, annotations },
  spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: ' ' }] } } },
});

describe('template instances', () => {
  let namespace: string;
  const instances = (ns = namespace) => `${GROUP}/namespaces/${ns}/templateinstances`;

  beforeAll(async () => {
    namespace = await createTestNamespace('tinst');
  });

  async function objectsOf(name: string): Promise<InstanceObject[]> {
    const response = await api<{ kind: string; items: InstanceObject[] }>('GET', `${instances()}/${name}/objects`);
    expect(response.status).toBe(200);
    expect(response.body.kind).toBe('TemplateInstanceObjectList');
    return response.body.items;
  }

  withCatalog('the Rails + PostgreSQL example', () => {
    const rails = () => JSON.parse(readFileSync(path.join(CATALOG_DIR, 'rails-postgresql-example.json'), 'utf8')) as Record<string, unknown>;
    const parameters = { NAME: 'shop', DATABASE_SERVICE_NAME: 'shop-db', APPLICATION_DOMAIN: 'shop.apps.example.com', DATABASE_NAME: 'shopdb' };
    const railsInstance = () => instance('rails', { template: rails(), parameters });
    let created: TemplateInstance;

    beforeAll(async () => {
      const response = await api<TemplateInstance>('POST', instances(), railsInstance());
      expect(response.status).toBe(201);
      created = response.body;
    });

    it('answers 201 with the instance Ready and a ref for every object, in template order', () => {
      expect(created).toMatchObject({
        kind: 'TemplateInstance',
        apiVersion: 'template.openshift.io/v1',
        metadata: { name: 'rails', namespace, uid: expect.any(String), resourceVersion: expect.stringMatching(/^\d+$/) },
        spec: { parameters, requester: { username: 'system:anonymous' } },
      });
      expect(condition(created, 'Ready')).toMatchObject({ status: 'True', reason: 'Created' });
      expect(condition(created, 'InstantiateFailure')).toBeUndefined();
      expect(created.status.objects.map(({ ref }) => `${ref.apiVersion} ${ref.kind} ${ref.name}`)).toEqual([
        'v1 Secret shop',
        'v1 Service shop',
        'route.openshift.io/v1 Route shop',
        'image.openshift.io/v1 ImageStream shop',
        'build.openshift.io/v1 BuildConfig shop',
        'apps/v1 Deployment shop',
        'v1 Service shop-db',
        'apps/v1 Deployment shop-db',
      ]);
      for (const { ref } of created.status.objects) expect(ref).toMatchObject({ namespace, uid: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    });

    it('created the ImageStream in stream-service and the BuildConfig and Deployments in trigger-dispatcher, labelled with the owner', async () => {
      const uids = new Map(created.status.objects.map(({ ref }) => [`${ref.kind}/${ref.name}`, ref.uid]));
      for (const [pathname, key] of [
        [`/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams/shop`, 'ImageStream/shop'],
        [`/apis/build.openshift.io/v1/namespaces/${namespace}/buildconfigs/shop`, 'BuildConfig/shop'],
        [`/apis/apps/v1/namespaces/${namespace}/deployments/shop`, 'Deployment/shop'],
        [`/apis/apps/v1/namespaces/${namespace}/deployments/shop-db`, 'Deployment/shop-db'],
      ] as const) {
        const response = await api<KubeObject>('GET', pathname);
        expect(response.status).toBe(200);
        expect(response.body.metadata).toMatchObject({ namespace, uid: uids.get(key) });
        expect(response.body.metadata.labels).toMatchObject({ app: 'rails-postgresql-example', template: 'rails-postgresql-example', [OWNER_LABEL]: created.metadata.uid });
      }
      const buildConfig = (await api<KubeObject & { spec: { source: { git: { uri: string } }; strategy: { sourceStrategy: { from: { namespace: string } } } } }>('GET', `/apis/build.openshift.io/v1/namespaces/${namespace}/buildconfigs/shop`)).body;
      expect(buildConfig.spec.source.git.uri).toBe('https://github.com/sclorg/rails-ex.git');
      // The parameter-made namespace inside the spec stays (only metadata namespaces are the instance's).
      expect(buildConfig.spec.strategy.sourceStrategy.from.namespace).toBe('openshift');
    });

    it('stores the Secret, the Services and the Route, listed with every other object and where it is served', async () => {
      const items = await objectsOf('rails');
      expect(items.map((item) => `${item.kind}/${item.name}@${item.owner}`)).toEqual([
        'Secret/shop@template-service',
        'Service/shop@template-service',
        'Route/shop@template-service',
        'ImageStream/shop@stream-service',
        'BuildConfig/shop@trigger-dispatcher',
        'Deployment/shop@trigger-dispatcher',
        'Service/shop-db@template-service',
        'Deployment/shop-db@trigger-dispatcher',
      ]);
      const byKey = new Map(items.map((item) => [`${item.kind}/${item.name}`, item]));
      expect(byKey.get('ImageStream/shop')).toMatchObject({ path: `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams/shop` });
      expect(byKey.get('ImageStream/shop')?.object).toBeUndefined();
      expect(byKey.get('Deployment/shop-db')).toMatchObject({ path: `/apis/apps/v1/namespaces/${namespace}/deployments/shop-db` });

      const route = byKey.get('Route/shop')?.object as KubeObject & { spec: { host: string; to: { name: string } } };
      expect(route).toMatchObject({ apiVersion: 'route.openshift.io/v1', kind: 'Route', metadata: { name: 'shop', namespace, labels: { [OWNER_LABEL]: created.metadata.uid } } });
      expect(route.spec).toMatchObject({ host: 'shop.apps.example.com', to: { name: 'shop' } });
      expect(byKey.get('Service/shop-db')?.object).toMatchObject({ kind: 'Service', spec: { ports: [{ name: 'postgresql', port: 5432 }] } });

      // The Secret as the API server keeps one: stringData folded into base64 data, generated values present.
      const stored = byKey.get('Secret/shop')?.object as KubeObject & { data: Record<string, string>; stringData?: unknown };
      expect(stored.stringData).toBeUndefined();
      expect(decoded(stored.data['database-password'])).toMatch(/^[a-zA-Z0-9]{8}$/);
      expect(decoded(stored.data['database-user'])).toMatch(/^user[A-Z0-9]{3}$/);
      expect(decoded(stored.data['keybase'])).toMatch(/^[a-z0-9]{127}$/);
      expect(decoded(stored.data['application-user'])).toBe('openshift');

      const one = await api<KubeObject>('GET', `${instances()}/rails/objects/Secret/shop`);
      expect(one.status).toBe(200);
      expect(one.body).toEqual(stored);
      const remote = await api<KubeObject>('GET', `${instances()}/rails/objects/ImageStream/shop`);
      expect(remote.status).toBe(200);
      expect(remote.body).toMatchObject({ kind: 'ImageStream', metadata: { name: 'shop', uid: byKey.get('ImageStream/shop')?.uid } });
      expectStatus(await api('GET', `${instances()}/rails/objects/Secret/nope`), 404, 'NotFound');
    });

    it('reads and lists the instance', async () => {
      const read = await api<TemplateInstance>('GET', `${instances()}/rails`);
      expect(read.status).toBe(200);
      expect(read.body).toEqual(created);
      const list = await api<{ kind: string; items: TemplateInstance[] }>('GET', instances());
      expect(list.body.kind).toBe('TemplateInstanceList');
      expect(list.body.items.map((item) => item.metadata.name)).toContain('rails');
      const everywhere = await api<{ items: TemplateInstance[] }>('GET', `${GROUP}/templateinstances`);
      expect(everywhere.body.items.some((item) => item.metadata.uid === created.metadata.uid)).toBe(true);
    });

    it('answers a repeat of the same create with 200 and the existing instance, and a different spec with 409', async () => {
      const again = await api<TemplateInstance>('POST', instances(), railsInstance());
      expect(again.status).toBe(200);
      expect(again.body).toEqual(created);

      const different = instance('rails', { template: rails(), parameters: { ...parameters, NAME: 'other' } });
      const conflict = expectStatus(await api('POST', instances(), different), 409, 'AlreadyExists');
      expect(conflict.message).toBe('templateinstances.template.openshift.io "rails" already exists');
      expectStatus(await api('GET', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams/other`), 404, 'NotFound');
    });

    it('deletes the instance and every object it created', async () => {
      const deleted = await api<Status>('DELETE', `${instances()}/rails`);
      expect(deleted.status).toBe(200);
      expect(deleted.body).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'rails', group: 'template.openshift.io', kind: 'templateinstances' } });

      for (const pathname of [
        `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams/shop`,
        `/apis/build.openshift.io/v1/namespaces/${namespace}/buildconfigs/shop`,
        `/apis/apps/v1/namespaces/${namespace}/deployments/shop`,
        `/apis/apps/v1/namespaces/${namespace}/deployments/shop-db`,
        `${instances()}/rails`,
        `${instances()}/rails/objects`,
      ]) {
        expectStatus(await api('GET', pathname), 404, 'NotFound');
      }
      expectStatus(await api('DELETE', `${instances()}/rails`), 404, 'NotFound');

      // The stored objects went with it: the same names can be instantiated again.
      const again = await api<TemplateInstance>('POST', instances(), railsInstance());
      expect(again.status).toBe(201);
      // Every condition, so a failure shows InstantiateFailure's message too.
      expect(again.body.status.conditions).toEqual([expect.objectContaining({ type: 'Ready', status: 'True' })]);
      expect(again.body.metadata.uid).not.toBe(created.metadata.uid);
      expect((await api('DELETE', `${instances()}/rails`)).status).toBe(200);
    });
  });

  describe('failures part-way', () => {
    it('rolls back when an ImageStream already exists: InstantiateFailure, the stored Secret gone, the existing stream untouched', async () => {
      const existing = await api<KubeObject>('POST', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams`, imageStream('taken'));
      expect(existing.status).toBe(201);

      const response = await api<TemplateInstance>('POST', instances(), instance('clash', { template: template([secret('clash-secret'), imageStream('taken'), deployment('clash-web')]) }));
      expect(response.status).toBe(201);
      expect(condition(response.body, 'InstantiateFailure')).toMatchObject({ status: 'True', reason: 'Failed' });
      expect(condition(response.body, 'InstantiateFailure')?.message).toMatch(/^ImageStream "taken": .*already exists/);
      expect(condition(response.body, 'Ready')).toMatchObject({ status: 'False', reason: 'Failed', message: 'See InstantiateFailure condition for error message' });
      expect(response.body.status.objects).toEqual([]);

      expect(await objectsOf('clash')).toEqual([]);
      expectStatus(await api('GET', `/apis/apps/v1/namespaces/${namespace}/deployments/clash-web`), 404, 'NotFound');
      const stream = await api<KubeObject>('GET', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams/taken`);
      expect(stream.body.metadata.uid).toBe(existing.body.metadata.uid);

      // The failed instance is kept (as OpenShift keeps it), answered again as it is, and deletable without touching the stream.
      const repeat = await api<TemplateInstance>('POST', instances(), instance('clash', { template: template([secret('clash-secret'), imageStream('taken'), deployment('clash-web')]) }));
      expect(repeat.status).toBe(200);
      expect(repeat.body.metadata.uid).toBe(response.body.metadata.uid);
      expect((await api('DELETE', `${instances()}/clash`)).status).toBe(200);
      expect((await api('GET', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams/taken`)).status).toBe(200);
    });

    it('rolls back when trigger-dispatcher refuses an object: the ImageStream created before it is deleted again', async () => {
      const broken = deployment('broken-web', { 'image.openshift.io/triggers': 'not json' });
      const objects = [imageStream('rollback-app'), secret('rollback-secret'), deployment('fine-web'), broken];

      const response = await api<TemplateInstance>('POST', instances(), instance('rollback', { template: template(objects) }));
      expect(response.status).toBe(201);
      const failure = condition(response.body, 'InstantiateFailure');
      expect(failure?.status).toBe('True');
      expect(failure?.message).toMatch(/^Deployment "broken-web": /);

      expectStatus(await api('GET', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams/rollback-app`), 404, 'NotFound');
      expectStatus(await api('GET', `/apis/apps/v1/namespaces/${namespace}/deployments/fine-web`), 404, 'NotFound');
      expectStatus(await api('GET', `/apis/apps/v1/namespaces/${namespace}/deployments/broken-web`), 404, 'NotFound');
      expect(await objectsOf('rollback')).toEqual([]);

      // Nothing of it is left: the same objects, fixed, instantiate under another name.
      const fixed = await api<TemplateInstance>('POST', instances(), instance('fixed', { template: template(objects.slice(0, 3)) }));
      expect(fixed.status).toBe(201);
      expect(condition(fixed.body, 'Ready')?.status).toBe('True');
      expect((await objectsOf('fixed')).map((item) => item.name)).toEqual(['rollback-app', 'rollback-secret', 'fine-web']);
    });

    it('fails an instance whose stored object another instance already has', async () => {
      const first = await api<TemplateInstance>('POST', instances(), instance('first', { template: template([secret('shared-secret')]) }));
      expect(condition(first.body, 'Ready')?.status).toBe('True');

      const second = await api<TemplateInstance>('POST', instances(), instance('second', { template: template([imageStream('second-app'), secret('shared-secret')]) }));
      expect(second.status).toBe(201);
      expect(condition(second.body, 'InstantiateFailure')?.message).toBe(`Secret "shared-secret": a Secret named "shared-secret" already exists in namespace ${namespace}`);
      expectStatus(await api('GET', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams/second-app`), 404, 'NotFound');
      expect((await objectsOf('first')).map((item) => item.name)).toEqual(['shared-secret']);
    });
  });

  describe('bad input', () => {
    const withParameter = (values: Record<string, unknown>, parameters: Record<string, unknown>[] = [{ name: 'NAME', required: true }]) =>
      instance('bad', { template: template([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '${NAME}' } }], parameters), parameters: values });

    async function expectNothingStored(): Promise<void> {
      expectStatus(await api('GET', `${instances()}/bad`), 404, 'NotFound');
    }

    it('refuses an unknown parameter with 422 naming it', async () => {
      const status = expectStatus(await api('POST', instances(), withParameter({ NAME: 'x', NOPE: 'y' })), 422, 'Invalid');
      expect(status.details).toMatchObject({ group: 'template.openshift.io', kind: 'TemplateInstance', name: 'bad' });
      expect(status.message).toContain('NOPE');
      await expectNothingStored();
    });

    it('refuses a missing required parameter with 422 on the parameter', async () => {
      const status = expectStatus(await api('POST', instances(), withParameter({})), 422, 'Invalid');
      expect(status.details?.causes).toEqual([expect.objectContaining({ field: 'template.parameters[0]', reason: 'FieldValueRequired' })]);
      await expectNothingStored();
    });

    it('refuses bodies that are not objects (400), values that are not strings, spec.secret and a missing template (422)', async () => {
      expectStatus(await api('POST', instances(), [instance('bad', {})]), 400, 'BadRequest');
      expectStatus(await api('POST', instances(), undefined, { rawBody: '"text"' }), 400, 'BadRequest');
      expectStatus(await api('POST', instances(), { ...instance('bad', {}), kind: 'Template' }), 400, 'BadRequest');

      const notString = expectStatus(await api('POST', instances(), withParameter({ NAME: 3 })), 422, 'Invalid');
      expect(notString.details?.causes?.map((cause) => cause.field)).toEqual(['spec.parameters[NAME]']);
      const fromSecret = expectStatus(await api('POST', instances(), instance('bad', { template: template([]), secret: { name: 'values' } })), 422, 'Invalid');
      expect(fromSecret.details?.causes).toEqual([expect.objectContaining({ field: 'spec.secret', reason: 'FieldValueForbidden' })]);
      expect(fromSecret.message).toContain('spec.parameters');
      const noTemplate = expectStatus(await api('POST', instances(), instance('bad', {})), 422, 'Invalid');
      expect(noTemplate.details?.causes?.map((cause) => cause.field)).toEqual(['spec.template']);
      const notAnObject = expectStatus(await api('POST', instances(), instance('bad', { template: template(['not an object']) })), 422, 'Invalid');
      expect(notAnObject.details?.causes?.[0].field).toBe('item[0].objects');
      await expectNothingStored();
    });

    it('refuses an object that names another namespace, and a namespace that does not exist', async () => {
      const elsewhere = instance('bad', { template: template([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: '${TARGET}' } }], [{ name: 'TARGET', value: 'elsewhere' }]) });
      const status = expectStatus(await api('POST', instances(), elsewhere), 422, 'Invalid');
      expect(status.details?.causes).toEqual([expect.objectContaining({ field: 'spec.template.objects[0].metadata.namespace' })]);
      await expectNothingStored();

      expectStatus(await api('POST', instances('no-such-namespace-ti'), withParameter({ NAME: 'x' })), 404, 'NotFound');
      expectStatus(await api('POST', instances(), { ...withParameter({ NAME: 'x' }), metadata: { name: 'bad', namespace: 'other' } }), 400, 'BadRequest');
    });
  });

  describe('watch and label selection', () => {
    const configMapInstance = (name: string, labels: Record<string, string> = {}) => ({
      ...instance(name, { template: template([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${name}-config` } }]) }),
      metadata: { name, labels },
    });
    const ready = (event: WatchEvent<TemplateInstance>) => event.type !== 'DELETED' && condition(event.object, 'Ready')?.status === 'True';
    const of = (name: string, events: WatchEvent<TemplateInstance>[]) => events.filter((event) => event.object.metadata.name === name);

    /**
     * Creating an instance writes it twice (Instantiating, then Ready): a watcher hears ADDED, then
     * MODIFIED unless both changes reached it as one ADDED with the final state. Waits for Ready.
     */
    async function createdAndHeard(watch: WatchReader<TemplateInstance>, path: string, name: string, labels?: Record<string, string>): Promise<WatchEvent<TemplateInstance>[]> {
      expect((await api('POST', path, configMapInstance(name, labels))).status).toBe(201);
      const heard = of(name, await watch.waitUntil((events) => of(name, events).some(ready), `${name} Ready`));
      expect(heard[0].type).toBe('ADDED');
      expect(heard.slice(1).map((event) => event.type)).toEqual(heard.slice(1).map(() => 'MODIFIED'));
      return heard;
    }

    it('streams an instance created (until Ready) and deleted, and resumes from a resourceVersion', async () => {
      const ns = await createTestNamespace('tinst-watch');
      const path = instances(ns);
      const watch = new WatchReader<TemplateInstance>(`${path}?watch=true`);
      try {
        expect(await watch.status).toBe(200);
        const heard = await createdAndHeard(watch, path, 'app');
        const resumeFrom = heard[heard.length - 1].object.metadata.resourceVersion;
        expect((await api('DELETE', `${path}/app`)).status).toBe(200);
        const deleted = await watch.waitUntil((events) => events.some((event) => event.type === 'DELETED'), 'DELETED app');
        expect(deleted[deleted.length - 1]).toMatchObject({ type: 'DELETED', object: { kind: 'TemplateInstance', metadata: { name: 'app', uid: heard[0].object.metadata.uid } } });
        watch.close();

        const resumed = new WatchReader<TemplateInstance>(`${path}?watch=true&resourceVersion=${resumeFrom}`);
        try {
          expect(await resumed.status).toBe(200);
          expect((await resumed.waitFor(1)).map((event) => [event.type, event.object.metadata.name])).toEqual([['DELETED', 'app']]);
          await createdAndHeard(resumed, path, 'later');
          expect(resumed.events.every((event) => ['app', 'later'].includes(event.object.metadata.name))).toBe(true);
        } finally {
          resumed.close();
        }
      } finally {
        watch.close();
      }
    });

    it('selects by label on lists and watches, and refuses a bad selector with 400', async () => {
      const ns = await createTestNamespace('tinst-labels');
      const path = instances(ns);
      const watch = new WatchReader<TemplateInstance>(`${path}?watch=true&labelSelector=${encodeURIComponent('app=web')}`);
      try {
        expect(await watch.status).toBe(200);
        expect((await api('POST', path, configMapInstance('db', { app: 'db' }))).status).toBe(201);
        await createdAndHeard(watch, path, 'web', { app: 'web' });
        expect(watch.events.map((event) => event.object.metadata.name)).not.toContain('db');
      } finally {
        watch.close();
      }

      const names = async (query: string) => {
        const list = await api<{ items: TemplateInstance[] }>('GET', `${path}?labelSelector=${encodeURIComponent(query)}`);
        expect(list.status).toBe(200);
        return list.body.items.map((item) => item.metadata.name);
      };
      expect(await names('app=web')).toEqual(['web']);
      expect(await names('app')).toEqual(['db', 'web']);
      expect(await names('app!=web')).toEqual(['db']);
      for (const query of [`labelSelector=${encodeURIComponent('=web')}`, `watch=true&labelSelector=${encodeURIComponent('=web')}`, 'watch=true&resourceVersion=-1']) {
        expectStatus(await api('GET', `${path}?${query}`), 400, 'BadRequest');
      }
    });
  });
});
