import request from 'supertest';
import { RouteCatalog, type ServedRoute } from '../http/route-catalog';
import { startTestGateway, type TestGateway } from '../testing/test-gateway';
import type { APIGroupList, APIResource, APIResourceList, APIVersions } from './api-discovery';
import { API_RESOURCES, NON_RESOURCE_API_ROUTES } from './api-resources';
import { readRoute } from './resource-routes';

const NOT_FOUND = { kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404, message: 'the server could not find the requested resource' };

describe('Kubernetes discovery', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway();
  });

  afterAll(async () => {
    await gateway.app.close();
  });

  async function resourceList(groupVersion: string): Promise<APIResourceList> {
    const response = await request(gateway.http).get(groupVersion === 'v1' ? '/api/v1' : `/apis/${groupVersion}`);
    expect(response.status).toBe(200);
    return response.body as APIResourceList;
  }

  async function resource(groupVersion: string, name: string): Promise<APIResource | undefined> {
    return (await resourceList(groupVersion)).resources.find((candidate) => candidate.name === name);
  }

  it('GET /api lists the core version and where the server answers', async () => {
    const response = await request(gateway.http).get('/api').set('Host', 'gateway.example:8080');

    expect(response.status).toBe(200);
    expect(response.body as APIVersions).toEqual({
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: 'gateway.example:8080' }],
    });
  });

  it('GET /api/v1 lists namespaces (cluster scoped) and secrets with the verbs served', async () => {
    expect(await resourceList('v1')).toEqual({
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: 'v1',
      resources: [
        { name: 'namespaces', singularName: 'namespace', namespaced: false, kind: 'Namespace', verbs: ['create', 'delete', 'get', 'list'], shortNames: ['ns'] },
        { name: 'secrets', singularName: 'secret', namespaced: true, kind: 'Secret', verbs: ['create', 'delete', 'get', 'list'] },
      ],
    });
  });

  it('GET /apis lists the groups that have resources, each with its preferred version', async () => {
    const response = await request(gateway.http).get('/apis');

    expect(response.status).toBe(200);
    expect(response.body as APIGroupList).toEqual({
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [
        {
          name: 'image.openshift.io',
          versions: [{ groupVersion: 'image.openshift.io/v1', version: 'v1' }],
          preferredVersion: { groupVersion: 'image.openshift.io/v1', version: 'v1' },
        },
        {
          name: 'notifications.imagestreams.io',
          versions: [{ groupVersion: 'notifications.imagestreams.io/v1', version: 'v1' }],
          preferredVersion: { groupVersion: 'notifications.imagestreams.io/v1', version: 'v1' },
        },
        ...['build.openshift.io', 'apps.openshift.io', 'apps', 'batch'].map((name) => ({
          name,
          versions: [{ groupVersion: `${name}/v1`, version: 'v1' }],
          preferredVersion: { groupVersion: `${name}/v1`, version: 'v1' },
        })),
        {
          name: 'template.openshift.io',
          versions: [{ groupVersion: 'template.openshift.io/v1', version: 'v1' }],
          preferredVersion: { groupVersion: 'template.openshift.io/v1', version: 'v1' },
        },
        {
          name: 'samples.operator.openshift.io',
          versions: [{ groupVersion: 'samples.operator.openshift.io/v1', version: 'v1' }],
          preferredVersion: { groupVersion: 'samples.operator.openshift.io/v1', version: 'v1' },
        },
      ],
    });
  });

  it('GET /apis/{group} answers the APIGroup', async () => {
    const response = await request(gateway.http).get('/apis/image.openshift.io');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      kind: 'APIGroup',
      apiVersion: 'v1',
      name: 'image.openshift.io',
      versions: [{ groupVersion: 'image.openshift.io/v1', version: 'v1' }],
      preferredVersion: { groupVersion: 'image.openshift.io/v1', version: 'v1' },
    });
  });

  it('advertises the image resources with OpenShift short names and exactly the verbs served', async () => {
    const list = await resourceList('image.openshift.io/v1');
    const byName = Object.fromEntries(list.resources.map((entry) => [entry.name, entry]));

    expect(byName['imagestreams']).toEqual({
      name: 'imagestreams',
      singularName: 'imagestream',
      namespaced: true,
      kind: 'ImageStream',
      verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['is'],
    });
    expect(byName['imagestreamtags']).toEqual({
      name: 'imagestreamtags',
      singularName: 'imagestreamtag',
      namespaced: true,
      kind: 'ImageStreamTag',
      verbs: ['create', 'delete', 'get', 'list', 'update'],
      shortNames: ['istag'],
    });
    expect(byName['imagestreamimages']).toMatchObject({ namespaced: true, kind: 'ImageStreamImage', verbs: ['get'], shortNames: ['isimage'] });
    expect(byName['imagestreammappings']).toMatchObject({ namespaced: true, kind: 'ImageStreamMapping', verbs: ['create'] });
    expect(byName['imagestreamimports']).toMatchObject({ namespaced: true, kind: 'ImageStreamImport', verbs: ['create'] });
    expect(byName['images']).toMatchObject({ namespaced: false, kind: 'Image', verbs: ['get', 'list'] });
    expect(byName['imagestreams/secrets']).toEqual({ name: 'imagestreams/secrets', singularName: '', namespaced: true, kind: 'SecretList', verbs: ['get'] });
    expect(byName['imagestreamtags/rollback']).toMatchObject({ singularName: '', kind: 'ImageStreamTag', verbs: ['create'] });
  });

  it('advertises templates (no short name, as in OpenShift) and processedtemplates (create only, answering a Template), templateinstances and their objects', async () => {
    expect((await resourceList('template.openshift.io/v1')).resources).toEqual([
      { name: 'templates', singularName: 'template', namespaced: true, kind: 'Template', verbs: ['create', 'delete', 'get', 'list', 'update', 'watch'] },
      { name: 'processedtemplates', singularName: '', namespaced: true, kind: 'Template', verbs: ['create'] },
      { name: 'templateinstances', singularName: 'templateinstance', namespaced: true, kind: 'TemplateInstance', verbs: ['create', 'delete', 'get', 'list', 'watch'] },
      { name: 'templateinstances/objects', singularName: '', namespaced: true, kind: 'TemplateInstanceObjectList', verbs: ['get'] },
    ]);
  });

  it("advertises the samples operator's Config (cluster scoped, get/list/update/patch)", async () => {
    expect((await resourceList('samples.operator.openshift.io/v1')).resources).toEqual([
      { name: 'configs', singularName: 'config', namespaced: false, kind: 'Config', verbs: ['get', 'list', 'patch', 'update'] },
    ]);
  });

  it('advertises webhook subscriptions and their deliveries', async () => {
    expect((await resourceList('notifications.imagestreams.io/v1')).resources).toEqual([
      { name: 'webhooksubscriptions', singularName: 'webhooksubscription', namespaced: true, kind: 'WebhookSubscription', verbs: ['create', 'delete', 'get', 'list', 'patch'] },
      { name: 'webhooksubscriptions/deliveries', singularName: '', namespaced: true, kind: 'WebhookDeliveryList', verbs: ['get'] },
      { name: 'webhooksubscriptions/rotatesecret', singularName: '', namespaced: true, kind: 'WebhookSubscription', verbs: ['create'] },
      { name: 'webhooksubscriptions/ping', singularName: '', namespaced: true, kind: 'WebhookDelivery', verbs: ['create'] },
      { name: 'webhooksubscriptions/replay', singularName: '', namespaced: true, kind: 'WebhookReplay', verbs: ['create'] },
      { name: 'tagmovedryruns', singularName: '', namespaced: true, kind: 'TagMoveDryRun', verbs: ['create'] },
    ]);
  });

  it('advertises the kinds with image triggers and builds', async () => {
    expect((await resourceList('apps/v1')).resources.map((r: { name: string; shortNames?: string[] }) => [r.name, r.shortNames])).toEqual([
      ['deployments', ['deploy']],
      ['statefulsets', ['sts']],
      ['daemonsets', ['ds']],
    ]);
    expect((await resourceList('build.openshift.io/v1')).resources.map((r: { name: string; verbs: string[] }) => [r.name, r.verbs])).toEqual([
      ['buildconfigs', ['create', 'delete', 'get', 'list', 'update']],
      ['builds', ['get', 'list', 'patch']],
    ]);
  });

  it.each(['/apis/imagestreams.io/v1', '/apis/extensions/v1beta1', '/apis/image.openshift.io/v2', '/apis/extensions', '/api/v2'])('GET %s is a plain 404', async (path) => {
    const response = await request(gateway.http).get(path);

    expect(response.status).toBe(404);
    expect(response.body).toMatchObject(NOT_FOUND);
  });

  it.each(['/api', '/api/v1', '/apis', '/apis/image.openshift.io/v1', '/version'])('answers a write to %s with 405 and Allow (RouteCatalog knows the routes)', async (path) => {
    const response = await request(gateway.http).post(path).send({});

    expect(response.status).toBe(405);
    expect(response.headers['allow']).toBe('GET, HEAD');
  });

  it('GET /version answers a version.Info', async () => {
    const response = await request(gateway.http).get('/version');

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ major: '1', minor: '20', gitVersion: 'v1.20.0+imagestreams', compiler: 'node', platform: expect.stringMatching(/^\w+\/\w+$/) });
  });

  describe('cannot drift from the controllers', () => {
    let routes: ServedRoute[];

    beforeAll(() => {
      routes = gateway.app.get(RouteCatalog).served();
    });

    it('advertises the verb of every resource route, on a resource of the same scope', async () => {
      const problems: string[] = [];
      for (const route of routes) {
        const reading = readRoute(route);
        if (reading.kind !== 'resource') continue;
        const { groupVersion, resource: name, verb, namespacedPath } = reading.value;
        const advertised = await resource(groupVersion, name);
        if (!advertised) problems.push(`${route.method} ${route.path}: ${groupVersion} ${name} is not advertised (declare it in api-resources.ts)`);
        else if (!advertised.verbs.includes(verb)) problems.push(`${route.method} ${route.path}: verb ${verb} of ${name} is not advertised`);
        else if (namespacedPath && !advertised.namespaced) problems.push(`${route.method} ${route.path}: ${name} is served in namespaces but declared cluster scoped`);
        else if (!namespacedPath && advertised.namespaced && verb !== 'list' && verb !== 'watch') {
          problems.push(`${route.method} ${route.path}: ${name} is declared namespaced but served outside namespaces`);
        }
      }

      expect(problems).toEqual([]);
    });

    it('advertises no verb that is not served', async () => {
      const served = new Set(
        routes.flatMap((route) => {
          const reading = readRoute(route);
          return reading.kind === 'resource' ? [`${reading.value.groupVersion} ${reading.value.resource} ${reading.value.verb}`] : [];
        }),
      );
      const unserved: string[] = [];
      for (const declaration of API_RESOURCES) {
        // This gateway has no database, hence no access control resources: access.int-spec.ts checks those with one.
        if (declaration.needsDatabase) continue;
        const advertised = await resource(declaration.groupVersion, declaration.name);
        if (!advertised) {
          unserved.push(`${declaration.groupVersion} ${declaration.name}: declared but nothing serves it`);
          continue;
        }
        for (const verb of advertised.verbs) {
          const key = `${declaration.groupVersion} ${declaration.name} ${verb === 'watch' ? 'list' : verb}`;
          if (!served.has(key)) unserved.push(key);
        }
      }

      expect(unserved).toEqual([]);
    });

    it('knows every other /api and /apis route as discovery or as a declared non-resource route', () => {
      const unknown = routes
        .filter((route) => readRoute(route).kind === 'unrecognized')
        .filter((route) => !NON_RESOURCE_API_ROUTES.some((known) => known.method === route.method && known.path === route.path))
        .map((route) => `${route.method} ${route.path}`);

      expect(unknown).toEqual([]);
      // ... and the declared ones still exist.
      for (const known of NON_RESOURCE_API_ROUTES) expect(routes).toContainEqual({ method: known.method, path: known.path });
    });
  });
});

describe('readRoute', () => {
  it.each([
    ['GET', '/api/v1/namespaces', { groupVersion: 'v1', resource: 'namespaces', verb: 'list', namespacedPath: false }],
    ['DELETE', '/api/v1/namespaces/:name', { groupVersion: 'v1', resource: 'namespaces', verb: 'delete', namespacedPath: false }],
    ['POST', '/api/v1/namespaces/:namespace/secrets', { groupVersion: 'v1', resource: 'secrets', verb: 'create', namespacedPath: true }],
    ['GET', '/apis/image.openshift.io/v1/imagestreams', { groupVersion: 'image.openshift.io/v1', resource: 'imagestreams', verb: 'list', namespacedPath: false }],
    ['PATCH', '/apis/image.openshift.io/v1/namespaces/:namespace/imagestreams/:name', { resource: 'imagestreams', verb: 'patch', namespacedPath: true }],
    ['GET', '/apis/image.openshift.io/v1/namespaces/:namespace/imagestreams/:name/secrets', { resource: 'imagestreams/secrets', verb: 'get' }],
    ['POST', '/apis/image.openshift.io/v1/namespaces/:namespace/imagestreamtags/:name/rollback', { resource: 'imagestreamtags/rollback', verb: 'create' }],
    ['DELETE', '/apis/x.io/v1/namespaces/:namespace/things', { resource: 'things', verb: 'deletecollection' }],
  ])('%s %s', (method, path, expected) => {
    const reading = readRoute({ method, path });

    expect(reading.kind).toBe('resource');
    expect(reading.kind === 'resource' && reading.value).toMatchObject(expected);
  });

  it.each([
    ['GET', '/api'],
    ['GET', '/api/:version'],
    ['GET', '/apis/:group/:version'],
    ['GET', '/version'],
    ['GET', '/healthz'],
  ])('%s %s is not a resource route', (method, path) => {
    expect(readRoute({ method, path }).kind).toBe('not-api');
  });

  it.each([
    ['POST', '/apis/imagestreams.io/v1/registrynotifications/:endpoint/:secret'],
    ['PUT', '/apis/x.io/v1/things'],
    ['GET', '/apis/x.io/v1/things/literal'],
  ])('%s %s has no Kubernetes shape', (method, path) => {
    expect(readRoute({ method, path }).kind).toBe('unrecognized');
  });
});
