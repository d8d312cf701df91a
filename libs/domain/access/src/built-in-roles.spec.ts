import { BUILT_IN_CLUSTER_ROLES, isBuiltInClusterRole } from './built-in-roles';
import { userIdentity } from './identity';
import { policySourceOf } from './policy-source';
import { authorize } from './rbac';
import type { RequestAttributes } from './request-attributes';

const ROLES = ['cluster-admin', 'admin', 'edit', 'view', 'registry-viewer', 'registry-editor', 'system:image-puller', 'system:image-pusher', 'basic-user'] as const;
type Role = (typeof ROLES)[number];

const WRITERS: Role[] = ['cluster-admin', 'admin', 'edit'];
const READERS: Role[] = [...WRITERS, 'view'];
const REGISTRY_READERS: Role[] = [...READERS, 'registry-viewer', 'registry-editor'];
const REGISTRY_WRITERS: Role[] = [...WRITERS, 'registry-editor'];
const IMAGE = 'image.openshift.io';
const alice = userIdentity('alice');

/**
 * `<verb> <group>/<resource>[/<subresource>[/<name>]]` in namespace a, or at the cluster scope with
 * a leading `!`; `<verb> url:<path>` for non-resource paths. Object verbs get the name `x` unless given.
 */
function parse(request: string): RequestAttributes {
  const [verb, target] = request.split(' ');
  if (target.startsWith('url:')) return { kind: 'nonResource', verb, path: target.slice(4) };
  const cluster = target.startsWith('!');
  const [group, resource, subresource, name] = (cluster ? target.slice(1) : target).split('/');
  const named = !['list', 'watch', 'create', 'deletecollection'].includes(verb);
  return {
    kind: 'resource',
    attributes: {
      verb,
      apiGroup: group,
      resource,
      ...(subresource ? { subresource } : {}),
      ...(cluster ? {} : { namespace: 'a' }),
      ...(named ? { name: name ?? 'x' } : {}),
    },
  };
}

/** Evaluates a role as bound cluster-wide, so cluster-scoped rows test the role's rules too. */
function allows(role: Role, request: string): boolean {
  const policy = policySourceOf({
    clusterRoles: BUILT_IN_CLUSTER_ROLES,
    bindings: [{ name: 'test', roleRef: { kind: 'ClusterRole', name: role }, subjects: [{ kind: 'User', name: 'alice' }] }],
  });
  return authorize(alice, parse(request), policy).allowed;
}

describe('BUILT_IN_CLUSTER_ROLES', () => {
  it('are exactly the roles docs/access-control.md lists', () => {
    expect(Object.keys(BUILT_IN_CLUSTER_ROLES).sort()).toEqual([...ROLES].sort());
  });

  it('cannot be changed in place', () => {
    expect(Object.isFrozen(BUILT_IN_CLUSTER_ROLES)).toBe(true);
    expect(Object.isFrozen(BUILT_IN_CLUSTER_ROLES['view'])).toBe(true);
    expect(Object.isFrozen(BUILT_IN_CLUSTER_ROLES['view'][0].verbs)).toBe(true);
  });

  describe.each<[request: string, allowedTo: Role[]]>([
    // the registry's own verbs on the virtual imagestreams/layers
    [`get ${IMAGE}/imagestreams/layers`, [...REGISTRY_READERS, 'system:image-puller', 'system:image-pusher']],
    [`update ${IMAGE}/imagestreams/layers`, [...REGISTRY_WRITERS, 'system:image-pusher']],
    [`delete ${IMAGE}/imagestreams/layers`, REGISTRY_WRITERS],
    [`create ${IMAGE}/imagestreams/layers`, REGISTRY_WRITERS],
    // image streams and their virtual resources
    [`get ${IMAGE}/imagestreams`, REGISTRY_READERS],
    [`list ${IMAGE}/imagestreams`, REGISTRY_READERS],
    [`watch ${IMAGE}/imagestreams`, REGISTRY_READERS],
    [`create ${IMAGE}/imagestreams`, REGISTRY_WRITERS],
    [`update ${IMAGE}/imagestreams`, REGISTRY_WRITERS],
    [`patch ${IMAGE}/imagestreams`, REGISTRY_WRITERS],
    [`delete ${IMAGE}/imagestreams`, REGISTRY_WRITERS],
    [`deletecollection ${IMAGE}/imagestreams`, WRITERS],
    [`list !${IMAGE}/imagestreams`, REGISTRY_READERS],
    [`update ${IMAGE}/imagestreams/status`, WRITERS],
    [`get ${IMAGE}/imagestreams/secrets`, WRITERS],
    [`get ${IMAGE}/imagestreamtags`, REGISTRY_READERS],
    [`create ${IMAGE}/imagestreamtags`, REGISTRY_WRITERS],
    [`delete ${IMAGE}/imagestreamtags`, REGISTRY_WRITERS],
    [`create ${IMAGE}/imagestreamtags/rollback`, WRITERS],
    [`get ${IMAGE}/imagestreamimages`, REGISTRY_READERS],
    [`create ${IMAGE}/imagestreammappings`, REGISTRY_WRITERS],
    [`create ${IMAGE}/imagestreamimports`, WRITERS],
    [`get !${IMAGE}/images`, ['cluster-admin']],
    [`list !${IMAGE}/images`, ['cluster-admin']],
    // core
    ['get /secrets', WRITERS],
    ['list /secrets', WRITERS],
    ['create /secrets', WRITERS],
    ['delete /secrets', WRITERS],
    ['get /serviceaccounts', READERS],
    ['create /serviceaccounts', WRITERS],
    ['create !/namespaces', ['cluster-admin', 'basic-user']],
    ['delete !/namespaces', ['cluster-admin']],
    ['list !/namespaces', ['cluster-admin']],
    // notifications
    ['list notifications.imagestreams.io/webhooksubscriptions', READERS],
    ['create notifications.imagestreams.io/webhooksubscriptions', WRITERS],
    ['patch notifications.imagestreams.io/webhooksubscriptions', WRITERS],
    ['get notifications.imagestreams.io/webhooksubscriptions/deliveries', READERS],
    ['create notifications.imagestreams.io/webhooksubscriptions/deliveries', WRITERS],
    ['create notifications.imagestreams.io/webhooksubscriptions/rotatesecret', WRITERS],
    ['create notifications.imagestreams.io/webhooksubscriptions/ping', WRITERS],
    ['create notifications.imagestreams.io/webhooksubscriptions/replay', WRITERS],
    ['create notifications.imagestreams.io/tagmovedryruns', WRITERS],
    // workloads
    ['get build.openshift.io/buildconfigs', READERS],
    ['update build.openshift.io/buildconfigs', WRITERS],
    ['create build.openshift.io/buildconfigs/webhooks', WRITERS],
    ['list build.openshift.io/builds', READERS],
    ['patch build.openshift.io/builds', WRITERS],
    ['create apps.openshift.io/deploymentconfigs', WRITERS],
    ['watch apps.openshift.io/deploymentconfigs', READERS],
    ['update apps/deployments', WRITERS],
    ['list apps/statefulsets', READERS],
    ['delete apps/daemonsets', WRITERS],
    ['get batch/cronjobs', READERS],
    ['create batch/cronjobs', WRITERS],
    // templates
    ['get template.openshift.io/templates', READERS],
    ['create template.openshift.io/templates', WRITERS],
    ['create template.openshift.io/processedtemplates', WRITERS],
    ['create template.openshift.io/templateinstances', WRITERS],
    ['delete template.openshift.io/templateinstances', WRITERS],
    ['get template.openshift.io/templateinstances/objects', READERS],
    ['list !template.openshift.io/templates', READERS],
    // RBAC itself: only admins of a namespace manage its roles and bindings
    ['create rbac.authorization.k8s.io/roles', ['cluster-admin', 'admin']],
    ['list rbac.authorization.k8s.io/rolebindings', ['cluster-admin', 'admin']],
    ['delete rbac.authorization.k8s.io/rolebindings', ['cluster-admin', 'admin']],
    ['escalate rbac.authorization.k8s.io/roles', ['cluster-admin']],
    ['bind rbac.authorization.k8s.io/roles', ['cluster-admin']],
    ['create !rbac.authorization.k8s.io/clusterroles', ['cluster-admin']],
    ['create !rbac.authorization.k8s.io/clusterrolebindings', ['cluster-admin']],
    // cluster-scoped administration
    ['create !access.imagestreams.io/accesstokens', ['cluster-admin']],
    ['list !access.imagestreams.io/auditevents', ['cluster-admin']],
    ['update !samples.operator.openshift.io/configs', ['cluster-admin']],
    ['create !imagestreams.io/registrynotifications/secret', ['cluster-admin']],
    ['create !authorization.k8s.io/selfsubjectaccessreviews', ['cluster-admin', 'basic-user']],
    ['get !user.openshift.io/users//~', ['cluster-admin', 'basic-user']],
    ['get !user.openshift.io/users//bob', ['cluster-admin']],
    ['list !user.openshift.io/users', ['cluster-admin']],
    ['impersonate !user.openshift.io/users', ['cluster-admin']],
    // non-resource paths: discovery for everyone signed in
    ['get url:/api', ['cluster-admin', 'basic-user']],
    ['get url:/api/v1', ['cluster-admin', 'basic-user']],
    ['get url:/apis', ['cluster-admin', 'basic-user']],
    ['get url:/apis/image.openshift.io/v1', ['cluster-admin', 'basic-user']],
    ['get url:/version', ['cluster-admin', 'basic-user']],
    ['post url:/apis', ['cluster-admin']],
    ['get url:/metrics', ['cluster-admin']],
  ])('%s', (request, allowedTo) => {
    it.each(ROLES.map((role) => [role, allowedTo.includes(role)] as const))('%s: %s', (role, expected) => {
      expect(allows(role, request)).toBe(expected);
    });
  });

  describe('cover every namespaced resource the gateway serves', () => {
    // From discovery/api-resources.ts plus the access-control APIs; a resource missing from
    // edit or view would be unusable for every namespace member but cluster-admin.
    const SERVED: string[] = [
      '/secrets',
      '/serviceaccounts',
      `${IMAGE}/imagestreams`,
      `${IMAGE}/imagestreams/secrets`,
      `${IMAGE}/imagestreamtags`,
      `${IMAGE}/imagestreamtags/rollback`,
      `${IMAGE}/imagestreamimages`,
      `${IMAGE}/imagestreammappings`,
      `${IMAGE}/imagestreamimports`,
      'notifications.imagestreams.io/webhooksubscriptions',
      'notifications.imagestreams.io/webhooksubscriptions/deliveries',
      'notifications.imagestreams.io/webhooksubscriptions/rotatesecret',
      'notifications.imagestreams.io/webhooksubscriptions/ping',
      'notifications.imagestreams.io/webhooksubscriptions/replay',
      'notifications.imagestreams.io/tagmovedryruns',
      'build.openshift.io/buildconfigs',
      'build.openshift.io/buildconfigs/webhooks',
      'build.openshift.io/builds',
      'apps.openshift.io/deploymentconfigs',
      'apps/deployments',
      'apps/statefulsets',
      'apps/daemonsets',
      'batch/cronjobs',
      'template.openshift.io/templates',
      'template.openshift.io/processedtemplates',
      'template.openshift.io/templateinstances',
      'template.openshift.io/templateinstances/objects',
    ];
    const SECRETS = ['/secrets', `${IMAGE}/imagestreams/secrets`];
    const VERBS = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

    it.each(SERVED.flatMap((target) => VERBS.map((verb) => `${verb} ${target}`)))('edit and admin may %s', (request) => {
      expect(allows('edit', request)).toBe(true);
      expect(allows('admin', request)).toBe(true);
    });

    it.each(SERVED.flatMap((target) => ['get', 'list', 'watch'].map((verb) => [`${verb} ${target}`, !SECRETS.includes(target)] as const)))('view: %s -> %s', (request, expected) => {
      expect(allows('view', request)).toBe(expected);
    });

    it.each(SERVED.flatMap((target) => ['create', 'update', 'patch', 'delete'].map((verb) => `${verb} ${target}`)))('view may not %s', (request) => {
      expect(allows('view', request)).toBe(false);
    });
  });
});

describe('isBuiltInClusterRole', () => {
  it.each<[name: string, builtIn: boolean]>([
    ...ROLES.map((role) => [role, true] as [string, boolean]),
    ['self-provisioner', false],
    ['Admin', false],
    ['', false],
    ['constructor', false],
    ['__proto__', false],
    ['toString', false],
  ])('%j -> %s', (name, builtIn) => {
    expect(isBuiltInClusterRole(name)).toBe(builtIn);
  });
});
