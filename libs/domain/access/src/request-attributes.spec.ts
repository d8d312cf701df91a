import { requestAttributes, type RequestAttributes, type ResourceAttributes } from './request-attributes';

const IMAGE = 'image.openshift.io';
const NOTIFY = 'notifications.imagestreams.io';
const TEMPLATE = 'template.openshift.io';
const BUILD = 'build.openshift.io';

const resource = (attributes: ResourceAttributes): RequestAttributes => ({ kind: 'resource', attributes });
const nonResource = (verb: string, path: string): RequestAttributes => ({ kind: 'nonResource', verb, path });

describe('requestAttributes', () => {
  describe('every route the gateway serves under /api and /apis', () => {
    it.each<[method: string, path: string, expected: ResourceAttributes]>([
      // core group: namespaces (cluster scoped) and secrets
      ['POST', '/api/v1/namespaces', { verb: 'create', apiGroup: '', resource: 'namespaces' }],
      ['GET', '/api/v1/namespaces', { verb: 'list', apiGroup: '', resource: 'namespaces' }],
      ['GET', '/api/v1/namespaces/team-a', { verb: 'get', apiGroup: '', resource: 'namespaces', name: 'team-a' }],
      ['DELETE', '/api/v1/namespaces/team-a', { verb: 'delete', apiGroup: '', resource: 'namespaces', name: 'team-a' }],
      ['GET', '/api/v1/namespaces/team-a/status', { verb: 'get', apiGroup: '', resource: 'namespaces', name: 'team-a', subresource: 'status' }],
      ['PUT', '/api/v1/namespaces/team-a/finalize', { verb: 'update', apiGroup: '', resource: 'namespaces', name: 'team-a', subresource: 'finalize' }],
      ['POST', '/api/v1/namespaces/a/secrets', { verb: 'create', apiGroup: '', resource: 'secrets', namespace: 'a' }],
      ['GET', '/api/v1/namespaces/a/secrets', { verb: 'list', apiGroup: '', resource: 'secrets', namespace: 'a' }],
      ['GET', '/api/v1/namespaces/a/secrets/pull', { verb: 'get', apiGroup: '', resource: 'secrets', namespace: 'a', name: 'pull' }],
      ['DELETE', '/api/v1/namespaces/a/secrets/pull', { verb: 'delete', apiGroup: '', resource: 'secrets', namespace: 'a', name: 'pull' }],
      ['GET', '/api/v1/namespaces/a/serviceaccounts', { verb: 'list', apiGroup: '', resource: 'serviceaccounts', namespace: 'a' }],
      ['POST', '/api/v1/namespaces/a/serviceaccounts', { verb: 'create', apiGroup: '', resource: 'serviceaccounts', namespace: 'a' }],
      ['GET', '/api/v1/namespaces/a/serviceaccounts/builder', { verb: 'get', apiGroup: '', resource: 'serviceaccounts', namespace: 'a', name: 'builder' }],
      ['DELETE', '/api/v1/namespaces/a/serviceaccounts/builder', { verb: 'delete', apiGroup: '', resource: 'serviceaccounts', namespace: 'a', name: 'builder' }],
      // image.openshift.io
      ['GET', '/apis/image.openshift.io/v1/imagestreams', { verb: 'list', apiGroup: IMAGE, resource: 'imagestreams' }],
      ['GET', '/apis/image.openshift.io/v1/namespaces/a/imagestreams', { verb: 'list', apiGroup: IMAGE, resource: 'imagestreams', namespace: 'a' }],
      ['POST', '/apis/image.openshift.io/v1/namespaces/a/imagestreams', { verb: 'create', apiGroup: IMAGE, resource: 'imagestreams', namespace: 'a' }],
      ['GET', '/apis/image.openshift.io/v1/namespaces/a/imagestreams/app', { verb: 'get', apiGroup: IMAGE, resource: 'imagestreams', namespace: 'a', name: 'app' }],
      ['HEAD', '/apis/image.openshift.io/v1/namespaces/a/imagestreams/app', { verb: 'get', apiGroup: IMAGE, resource: 'imagestreams', namespace: 'a', name: 'app' }],
      ['PUT', '/apis/image.openshift.io/v1/namespaces/a/imagestreams/app', { verb: 'update', apiGroup: IMAGE, resource: 'imagestreams', namespace: 'a', name: 'app' }],
      ['PATCH', '/apis/image.openshift.io/v1/namespaces/a/imagestreams/app', { verb: 'patch', apiGroup: IMAGE, resource: 'imagestreams', namespace: 'a', name: 'app' }],
      ['DELETE', '/apis/image.openshift.io/v1/namespaces/a/imagestreams/app', { verb: 'delete', apiGroup: IMAGE, resource: 'imagestreams', namespace: 'a', name: 'app' }],
      ['GET', '/apis/image.openshift.io/v1/namespaces/a/imagestreams/app/secrets', { verb: 'get', apiGroup: IMAGE, resource: 'imagestreams', subresource: 'secrets', namespace: 'a', name: 'app' }],
      ['GET', '/apis/image.openshift.io/v1/namespaces/a/imagestreamtags', { verb: 'list', apiGroup: IMAGE, resource: 'imagestreamtags', namespace: 'a' }],
      ['POST', '/apis/image.openshift.io/v1/namespaces/a/imagestreamtags', { verb: 'create', apiGroup: IMAGE, resource: 'imagestreamtags', namespace: 'a' }],
      ['GET', '/apis/image.openshift.io/v1/namespaces/a/imagestreamtags/app:latest', { verb: 'get', apiGroup: IMAGE, resource: 'imagestreamtags', namespace: 'a', name: 'app:latest' }],
      ['PUT', '/apis/image.openshift.io/v1/namespaces/a/imagestreamtags/app:latest', { verb: 'update', apiGroup: IMAGE, resource: 'imagestreamtags', namespace: 'a', name: 'app:latest' }],
      ['DELETE', '/apis/image.openshift.io/v1/namespaces/a/imagestreamtags/app:latest', { verb: 'delete', apiGroup: IMAGE, resource: 'imagestreamtags', namespace: 'a', name: 'app:latest' }],
      ['POST', '/apis/image.openshift.io/v1/namespaces/a/imagestreamtags/app:latest/rollback', { verb: 'create', apiGroup: IMAGE, resource: 'imagestreamtags', subresource: 'rollback', namespace: 'a', name: 'app:latest' }],
      ['GET', '/apis/image.openshift.io/v1/namespaces/a/imagestreamimages/app@sha256:abc', { verb: 'get', apiGroup: IMAGE, resource: 'imagestreamimages', namespace: 'a', name: 'app@sha256:abc' }],
      ['POST', '/apis/image.openshift.io/v1/namespaces/a/imagestreammappings', { verb: 'create', apiGroup: IMAGE, resource: 'imagestreammappings', namespace: 'a' }],
      ['POST', '/apis/image.openshift.io/v1/namespaces/a/imagestreamimports', { verb: 'create', apiGroup: IMAGE, resource: 'imagestreamimports', namespace: 'a' }],
      ['GET', '/apis/image.openshift.io/v1/images', { verb: 'list', apiGroup: IMAGE, resource: 'images' }],
      ['GET', '/apis/image.openshift.io/v1/images/sha256:abc', { verb: 'get', apiGroup: IMAGE, resource: 'images', name: 'sha256:abc' }],
      // notifications.imagestreams.io
      ['POST', '/apis/notifications.imagestreams.io/v1/namespaces/a/webhooksubscriptions', { verb: 'create', apiGroup: NOTIFY, resource: 'webhooksubscriptions', namespace: 'a' }],
      ['GET', '/apis/notifications.imagestreams.io/v1/namespaces/a/webhooksubscriptions', { verb: 'list', apiGroup: NOTIFY, resource: 'webhooksubscriptions', namespace: 'a' }],
      ['GET', '/apis/notifications.imagestreams.io/v1/namespaces/a/webhooksubscriptions/s', { verb: 'get', apiGroup: NOTIFY, resource: 'webhooksubscriptions', namespace: 'a', name: 's' }],
      ['PATCH', '/apis/notifications.imagestreams.io/v1/namespaces/a/webhooksubscriptions/s', { verb: 'patch', apiGroup: NOTIFY, resource: 'webhooksubscriptions', namespace: 'a', name: 's' }],
      ['DELETE', '/apis/notifications.imagestreams.io/v1/namespaces/a/webhooksubscriptions/s', { verb: 'delete', apiGroup: NOTIFY, resource: 'webhooksubscriptions', namespace: 'a', name: 's' }],
      ['POST', '/apis/notifications.imagestreams.io/v1/namespaces/a/webhooksubscriptions/s/rotatesecret', { verb: 'create', apiGroup: NOTIFY, resource: 'webhooksubscriptions', subresource: 'rotatesecret', namespace: 'a', name: 's' }],
      ['POST', '/apis/notifications.imagestreams.io/v1/namespaces/a/webhooksubscriptions/s/ping', { verb: 'create', apiGroup: NOTIFY, resource: 'webhooksubscriptions', subresource: 'ping', namespace: 'a', name: 's' }],
      ['POST', '/apis/notifications.imagestreams.io/v1/namespaces/a/webhooksubscriptions/s/replay', { verb: 'create', apiGroup: NOTIFY, resource: 'webhooksubscriptions', subresource: 'replay', namespace: 'a', name: 's' }],
      ['GET', '/apis/notifications.imagestreams.io/v1/namespaces/a/webhooksubscriptions/s/deliveries', { verb: 'get', apiGroup: NOTIFY, resource: 'webhooksubscriptions', subresource: 'deliveries', namespace: 'a', name: 's' }],
      ['GET', '/apis/notifications.imagestreams.io/v1/namespaces/a/webhooksubscriptions/s/deliveries/d1', { verb: 'get', apiGroup: NOTIFY, resource: 'webhooksubscriptions', subresource: 'deliveries', namespace: 'a', name: 's' }],
      ['POST', '/apis/notifications.imagestreams.io/v1/namespaces/a/webhooksubscriptions/s/deliveries/redeliver', { verb: 'create', apiGroup: NOTIFY, resource: 'webhooksubscriptions', subresource: 'deliveries', namespace: 'a', name: 's' }],
      ['POST', '/apis/notifications.imagestreams.io/v1/namespaces/a/webhooksubscriptions/s/deliveries/d1/redeliver', { verb: 'create', apiGroup: NOTIFY, resource: 'webhooksubscriptions', subresource: 'deliveries', namespace: 'a', name: 's' }],
      ['POST', '/apis/notifications.imagestreams.io/v1/namespaces/a/tagmovedryruns', { verb: 'create', apiGroup: NOTIFY, resource: 'tagmovedryruns', namespace: 'a' }],
      // workloads (build.openshift.io, apps.openshift.io, apps, batch)
      ['POST', '/apis/build.openshift.io/v1/namespaces/a/buildconfigs', { verb: 'create', apiGroup: BUILD, resource: 'buildconfigs', namespace: 'a' }],
      ['GET', '/apis/build.openshift.io/v1/namespaces/a/buildconfigs', { verb: 'list', apiGroup: BUILD, resource: 'buildconfigs', namespace: 'a' }],
      ['GET', '/apis/build.openshift.io/v1/namespaces/a/buildconfigs/bc', { verb: 'get', apiGroup: BUILD, resource: 'buildconfigs', namespace: 'a', name: 'bc' }],
      ['PUT', '/apis/build.openshift.io/v1/namespaces/a/buildconfigs/bc', { verb: 'update', apiGroup: BUILD, resource: 'buildconfigs', namespace: 'a', name: 'bc' }],
      ['DELETE', '/apis/build.openshift.io/v1/namespaces/a/buildconfigs/bc', { verb: 'delete', apiGroup: BUILD, resource: 'buildconfigs', namespace: 'a', name: 'bc' }],
      ['POST', '/apis/build.openshift.io/v1/namespaces/a/buildconfigs/bc/webhooks/s3cr3t/github', { verb: 'create', apiGroup: BUILD, resource: 'buildconfigs', subresource: 'webhooks', namespace: 'a', name: 'bc' }],
      ['POST', '/apis/build.openshift.io/v1/namespaces/a/buildconfigs/bc/webhooks/s3cr3t/generic', { verb: 'create', apiGroup: BUILD, resource: 'buildconfigs', subresource: 'webhooks', namespace: 'a', name: 'bc' }],
      ['GET', '/apis/build.openshift.io/v1/namespaces/a/builds', { verb: 'list', apiGroup: BUILD, resource: 'builds', namespace: 'a' }],
      ['GET', '/apis/build.openshift.io/v1/namespaces/a/builds/bc-1', { verb: 'get', apiGroup: BUILD, resource: 'builds', namespace: 'a', name: 'bc-1' }],
      ['PATCH', '/apis/build.openshift.io/v1/namespaces/a/builds/bc-1', { verb: 'patch', apiGroup: BUILD, resource: 'builds', namespace: 'a', name: 'bc-1' }],
      ['POST', '/apis/apps.openshift.io/v1/namespaces/a/deploymentconfigs', { verb: 'create', apiGroup: 'apps.openshift.io', resource: 'deploymentconfigs', namespace: 'a' }],
      ['PUT', '/apis/apps/v1/namespaces/a/deployments/web', { verb: 'update', apiGroup: 'apps', resource: 'deployments', namespace: 'a', name: 'web' }],
      ['GET', '/apis/apps/v1/namespaces/a/statefulsets', { verb: 'list', apiGroup: 'apps', resource: 'statefulsets', namespace: 'a' }],
      ['DELETE', '/apis/apps/v1/namespaces/a/daemonsets/agent', { verb: 'delete', apiGroup: 'apps', resource: 'daemonsets', namespace: 'a', name: 'agent' }],
      ['GET', '/apis/batch/v1/namespaces/a/cronjobs/nightly', { verb: 'get', apiGroup: 'batch', resource: 'cronjobs', namespace: 'a', name: 'nightly' }],
      // template.openshift.io
      ['GET', '/apis/template.openshift.io/v1/templates', { verb: 'list', apiGroup: TEMPLATE, resource: 'templates' }],
      ['GET', '/apis/template.openshift.io/v1/namespaces/a/templates', { verb: 'list', apiGroup: TEMPLATE, resource: 'templates', namespace: 'a' }],
      ['POST', '/apis/template.openshift.io/v1/namespaces/a/templates', { verb: 'create', apiGroup: TEMPLATE, resource: 'templates', namespace: 'a' }],
      ['GET', '/apis/template.openshift.io/v1/namespaces/a/templates/t', { verb: 'get', apiGroup: TEMPLATE, resource: 'templates', namespace: 'a', name: 't' }],
      ['PUT', '/apis/template.openshift.io/v1/namespaces/a/templates/t', { verb: 'update', apiGroup: TEMPLATE, resource: 'templates', namespace: 'a', name: 't' }],
      ['DELETE', '/apis/template.openshift.io/v1/namespaces/a/templates/t', { verb: 'delete', apiGroup: TEMPLATE, resource: 'templates', namespace: 'a', name: 't' }],
      ['POST', '/apis/template.openshift.io/v1/namespaces/a/processedtemplates', { verb: 'create', apiGroup: TEMPLATE, resource: 'processedtemplates', namespace: 'a' }],
      ['GET', '/apis/template.openshift.io/v1/templateinstances', { verb: 'list', apiGroup: TEMPLATE, resource: 'templateinstances' }],
      ['POST', '/apis/template.openshift.io/v1/namespaces/a/templateinstances', { verb: 'create', apiGroup: TEMPLATE, resource: 'templateinstances', namespace: 'a' }],
      ['DELETE', '/apis/template.openshift.io/v1/namespaces/a/templateinstances/ti', { verb: 'delete', apiGroup: TEMPLATE, resource: 'templateinstances', namespace: 'a', name: 'ti' }],
      ['GET', '/apis/template.openshift.io/v1/namespaces/a/templateinstances/ti/objects', { verb: 'get', apiGroup: TEMPLATE, resource: 'templateinstances', subresource: 'objects', namespace: 'a', name: 'ti' }],
      ['GET', '/apis/template.openshift.io/v1/namespaces/a/templateinstances/ti/objects/Deployment/web', { verb: 'get', apiGroup: TEMPLATE, resource: 'templateinstances', subresource: 'objects', namespace: 'a', name: 'ti' }],
      // cluster-scoped singletons and receivers
      ['GET', '/apis/samples.operator.openshift.io/v1/configs', { verb: 'list', apiGroup: 'samples.operator.openshift.io', resource: 'configs' }],
      ['PUT', '/apis/samples.operator.openshift.io/v1/configs/cluster', { verb: 'update', apiGroup: 'samples.operator.openshift.io', resource: 'configs', name: 'cluster' }],
      ['PATCH', '/apis/samples.operator.openshift.io/v1/configs/cluster', { verb: 'patch', apiGroup: 'samples.operator.openshift.io', resource: 'configs', name: 'cluster' }],
      ['POST', '/apis/imagestreams.io/v1/registrynotifications/quay/s3cr3t', { verb: 'create', apiGroup: 'imagestreams.io', resource: 'registrynotifications', subresource: 's3cr3t', name: 'quay' }],
      // access control's own APIs
      ['GET', '/apis/user.openshift.io/v1/users/~', { verb: 'get', apiGroup: 'user.openshift.io', resource: 'users', name: '~' }],
      ['POST', '/apis/user.openshift.io/v1/users', { verb: 'create', apiGroup: 'user.openshift.io', resource: 'users' }],
      ['POST', '/apis/access.imagestreams.io/v1/accesstokens', { verb: 'create', apiGroup: 'access.imagestreams.io', resource: 'accesstokens' }],
      ['DELETE', '/apis/access.imagestreams.io/v1/accesstokens/t1', { verb: 'delete', apiGroup: 'access.imagestreams.io', resource: 'accesstokens', name: 't1' }],
      ['GET', '/apis/access.imagestreams.io/v1/auditevents', { verb: 'list', apiGroup: 'access.imagestreams.io', resource: 'auditevents' }],
      ['POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/a/rolebindings', { verb: 'create', apiGroup: 'rbac.authorization.k8s.io', resource: 'rolebindings', namespace: 'a' }],
      ['PUT', '/apis/rbac.authorization.k8s.io/v1/namespaces/a/roles/r', { verb: 'update', apiGroup: 'rbac.authorization.k8s.io', resource: 'roles', namespace: 'a', name: 'r' }],
      ['GET', '/apis/rbac.authorization.k8s.io/v1/clusterroles', { verb: 'list', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterroles' }],
      ['DELETE', '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/x', { verb: 'delete', apiGroup: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings', name: 'x' }],
      ['POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { verb: 'create', apiGroup: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews' }],
    ])('%s %s', (method, path, expected) => {
      expect(requestAttributes(method, path, {})).toEqual(resource(expected));
    });
  });

  describe('verbs', () => {
    const list = '/apis/image.openshift.io/v1/namespaces/a/imagestreams';
    const object = `${list}/app`;
    it.each<[method: string, path: string, query: Record<string, unknown>, verb: string]>([
      ['GET', list, {}, 'list'],
      ['GET', list, { watch: 'true' }, 'watch'],
      ['GET', list, { watch: '1' }, 'watch'],
      ['GET', list, { watch: 'false' }, 'list'],
      ['GET', list, { watch: '0' }, 'list'],
      ['GET', list, { watch: '' }, 'list'],
      ['GET', list, { watch: 'TRUE' }, 'list'],
      ['GET', list, { watch: ['false', 'true'] }, 'watch'],
      ['HEAD', list, { watch: 'true' }, 'watch'],
      ['GET', object, { watch: 'true' }, 'get'],
      ['get', list, {}, 'list'],
      ['delete', object, {}, 'delete'],
      ['DELETE', list, {}, 'deletecollection'],
      ['POST', object, {}, 'create'],
      ['PUT', list, {}, 'update'],
      ['PATCH', list, {}, 'patch'],
      ['OPTIONS', object, {}, 'options'],
      ['OPTIONS', list, {}, 'options'],
    ])('%s %s %j is %s', (method, path, query, verb) => {
      const attributes = requestAttributes(method, path, query);
      expect(attributes.kind === 'resource' && attributes.attributes.verb).toBe(verb);
    });
  });

  describe('non-resource requests', () => {
    it.each<[method: string, path: string]>([
      ['GET', '/'],
      ['GET', ''],
      ['GET', '/healthz'],
      ['GET', '/readyz'],
      ['GET', '/version'],
      ['GET', '/metrics'],
      ['GET', '/openapi.json'],
      ['GET', '/api'],
      ['GET', '/api/'],
      ['GET', '/api/v1'],
      ['GET', '/api/v1/'],
      ['GET', '/apis'],
      ['GET', '/apis/image.openshift.io'],
      ['GET', '/apis/image.openshift.io/v1'],
      ['GET', '/apis/image.openshift.io/v1/'],
      ['POST', '/apiserver/v1/namespaces/a/secrets'],
      ['GET', '/v2/'],
      ['HEAD', '/version'],
    ])('%s %j', (method, path) => {
      expect(requestAttributes(method, path, {})).toEqual(nonResource(method.toLowerCase(), path));
    });
  });

  describe('hostile and odd paths never throw and never widen what is asked', () => {
    it.each<[method: string, path: string, expected: RequestAttributes]>([
      // `..` is a segment like any other: it names no resource or namespace anyone is bound in.
      ['GET', '/apis/image.openshift.io/v1/namespaces/a/../b/imagestreams', resource({ verb: 'get', apiGroup: IMAGE, resource: '..', name: 'b', subresource: 'imagestreams', namespace: 'a' })],
      ['GET', '/apis/image.openshift.io/v1/namespaces/%2E%2E/imagestreams', resource({ verb: 'list', apiGroup: IMAGE, resource: 'imagestreams', namespace: '..' })],
      ['GET', '/api/v1/namespaces/a/secrets/..', resource({ verb: 'get', apiGroup: '', resource: 'secrets', namespace: 'a', name: '..' })],
      // An encoded slash stays one (literal) segment, never two.
      ['GET', '/apis/image.openshift.io/v1/namespaces/a%2Fb/imagestreams', resource({ verb: 'list', apiGroup: IMAGE, resource: 'imagestreams', namespace: 'a%2Fb' })],
      ['GET', '/apis/image.openshift.io/v1/namespaces/a/imagestreams/x%2f..%2fy', resource({ verb: 'get', apiGroup: IMAGE, resource: 'imagestreams', namespace: 'a', name: 'x%2f..%2fy' })],
      // Percent-encoding is decoded per segment, as the router decodes parameters.
      ['GET', '/apis/image.openshift.io/v1/namespaces/a/imagestreamtags/app%3Alatest', resource({ verb: 'get', apiGroup: IMAGE, resource: 'imagestreamtags', namespace: 'a', name: 'app:latest' })],
      ['GET', '/apis/user.openshift.io/v1/users/%7E', resource({ verb: 'get', apiGroup: 'user.openshift.io', resource: 'users', name: '~' })],
      // Undecodable stays literal.
      ['GET', '/apis/image.openshift.io/v1/namespaces/a/imagestreams/%E0%A4%A', resource({ verb: 'get', apiGroup: IMAGE, resource: 'imagestreams', namespace: 'a', name: '%E0%A4%A' })],
      ['GET', '/apis/image.openshift.io/v1/namespaces/%/imagestreams', resource({ verb: 'list', apiGroup: IMAGE, resource: 'imagestreams', namespace: '%' })],
      // Inner double slashes keep their empty segment, so nothing shifts into the namespace or name position.
      ['GET', '/apis/image.openshift.io/v1/namespaces//imagestreams', resource({ verb: 'list', apiGroup: IMAGE, resource: 'imagestreams', namespace: '' })],
      ['GET', '/apis/image.openshift.io/v1/namespaces/a//imagestreams/x', resource({ verb: 'get', apiGroup: IMAGE, resource: '', name: 'imagestreams', subresource: 'x', namespace: 'a' })],
      ['GET', '/apis/image.openshift.io/v1//namespaces/a/imagestreams', resource({ verb: 'get', apiGroup: IMAGE, resource: '', name: 'namespaces', subresource: 'a' })],
      ['GET', '/api//v1/namespaces/a/secrets', resource({ verb: 'get', apiGroup: '', resource: 'v1', name: 'namespaces', subresource: 'a' })],
      // Outer slashes are dropped, as Kubernetes and the router both do.
      ['GET', '//apis/image.openshift.io/v1/namespaces/a/imagestreams/', resource({ verb: 'list', apiGroup: IMAGE, resource: 'imagestreams', namespace: 'a' })],
      ['GET', '/api/v1/namespaces/a/secrets///', resource({ verb: 'list', apiGroup: '', resource: 'secrets', namespace: 'a' })],
      // The router matches literal segments case-insensitively: they are read lower-cased; namespaces and names keep their case.
      ['GET', '/APIS/Image.OpenShift.io/V1/Namespaces/Team/ImageStreams/App/Layers', resource({ verb: 'get', apiGroup: IMAGE, resource: 'imagestreams', subresource: 'layers', namespace: 'Team', name: 'App' })],
      ['DELETE', '/API/v1/NAMESPACES/a/SECRETS', resource({ verb: 'deletecollection', apiGroup: '', resource: 'secrets', namespace: 'a' })],
      ['GET', '/Api/v1/Namespaces/a/Status', resource({ verb: 'get', apiGroup: '', resource: 'namespaces', name: 'a', subresource: 'status' })],
      ['GET', '/APIS', nonResource('get', '/APIS')],
      // Kubernetes' legacy /watch/ prefix is not served: it stays an (unknown) resource, not a watch.
      ['GET', '/apis/image.openshift.io/v1/watch/namespaces/a/imagestreams', resource({ verb: 'get', apiGroup: IMAGE, resource: 'watch', name: 'namespaces', subresource: 'a' })],
    ])('%s %s', (method, path, expected) => {
      expect(requestAttributes(method, path, {})).toEqual(expected);
    });

    it('survives a missing query and inherited property names', () => {
      expect(() => requestAttributes('GET', '/api/v1/namespaces', undefined as unknown as Record<string, unknown>)).not.toThrow();
      expect(requestAttributes('GET', '/api/v1/namespaces/__proto__/secrets/constructor', Object.create(null))).toEqual(
        resource({ verb: 'get', apiGroup: '', resource: 'secrets', namespace: '__proto__', name: 'constructor' }),
      );
    });
  });
});
