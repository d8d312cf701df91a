import { ANONYMOUS, serviceAccountIdentity, userIdentity, type Identity } from './identity';
import { policySourceOf } from './policy-source';
import { authorize, forbiddenMessage, NO_POLICY_MATCHED, ruleAllows, subjectMatches, type PolicyRule, type PolicySource, type RoleBinding, type Subject } from './rbac';
import type { RequestAttributes, ResourceAttributes } from './request-attributes';

const IMAGE = 'image.openshift.io';
const resource = (attributes: ResourceAttributes): RequestAttributes => ({ kind: 'resource', attributes });
const nonResource = (verb: string, path: string): RequestAttributes => ({ kind: 'nonResource', verb, path });
const streams = (verb: string, namespace?: string, name?: string): RequestAttributes =>
  resource({ verb, apiGroup: IMAGE, resource: 'imagestreams', ...(namespace === undefined ? {} : { namespace }), ...(name === undefined ? {} : { name }) });
const layers = (verb: string, namespace: string, name = 'app'): RequestAttributes =>
  resource({ verb, apiGroup: IMAGE, resource: 'imagestreams', subresource: 'layers', namespace, name });

const alice = userIdentity('alice', ['devs']);
const bob = userIdentity('bob');
const builder = serviceAccountIdentity('a', 'builder');

describe('ruleAllows', () => {
  const get = streams('get', 'a', 'app');
  it.each<[what: string, rule: PolicyRule, request: RequestAttributes, allowed: boolean]>([
    ['exact verb, group and resource', { verbs: ['get'], apiGroups: [IMAGE], resources: ['imagestreams'] }, get, true],
    ['another verb', { verbs: ['list'], apiGroups: [IMAGE], resources: ['imagestreams'] }, get, false],
    ['verbs are case-sensitive', { verbs: ['GET'], apiGroups: [IMAGE], resources: ['imagestreams'] }, get, false],
    ['another group', { verbs: ['get'], apiGroups: [''], resources: ['imagestreams'] }, get, false],
    ['no groups at all', { verbs: ['get'], resources: ['imagestreams'] }, get, false],
    ['no resources at all', { verbs: ['get'], apiGroups: [IMAGE] }, get, false],
    ['empty verbs', { verbs: [], apiGroups: [IMAGE], resources: ['imagestreams'] }, get, false],
    ['verb wildcard', { verbs: ['*'], apiGroups: [IMAGE], resources: ['imagestreams'] }, get, true],
    ['group wildcard', { verbs: ['get'], apiGroups: ['*'], resources: ['imagestreams'] }, get, true],
    ['resource wildcard', { verbs: ['get'], apiGroups: [IMAGE], resources: ['*'] }, get, true],
    ['resource wildcard covers subresources', { verbs: ['get'], apiGroups: [IMAGE], resources: ['*'] }, layers('get', 'a'), true],
    ['a resource does not cover its subresources', { verbs: ['get'], apiGroups: [IMAGE], resources: ['imagestreams'] }, layers('get', 'a'), false],
    ['a subresource does not cover its resource', { verbs: ['get'], apiGroups: [IMAGE], resources: ['imagestreams/layers'] }, get, false],
    ['exact subresource', { verbs: ['get'], apiGroups: [IMAGE], resources: ['imagestreams/layers'] }, layers('get', 'a'), true],
    ['another subresource', { verbs: ['get'], apiGroups: [IMAGE], resources: ['imagestreams/secrets'] }, layers('get', 'a'), false],
    ['<resource>/* covers every subresource', { verbs: ['get'], apiGroups: [IMAGE], resources: ['imagestreams/*'] }, layers('get', 'a'), true],
    ['<resource>/* does not cover the resource itself', { verbs: ['get'], apiGroups: [IMAGE], resources: ['imagestreams/*'] }, get, false],
    ['<resource>/* of another resource', { verbs: ['get'], apiGroups: [IMAGE], resources: ['imagestreamtags/*'] }, layers('get', 'a'), false],
    ['resource name listed', { verbs: ['get'], apiGroups: [IMAGE], resources: ['imagestreams'], resourceNames: ['app'] }, get, true],
    ['resource name not listed', { verbs: ['get'], apiGroups: [IMAGE], resources: ['imagestreams'], resourceNames: ['other'] }, get, false],
    ['resource names never cover a list', { verbs: ['list'], apiGroups: [IMAGE], resources: ['imagestreams'], resourceNames: ['app'] }, streams('list', 'a'), false],
    ['resource names never cover a create', { verbs: ['create'], apiGroups: [IMAGE], resources: ['imagestreams'], resourceNames: ['app'] }, streams('create', 'a'), false],
    ['empty resource names mean any name', { verbs: ['get'], apiGroups: [IMAGE], resources: ['imagestreams'], resourceNames: [] }, get, true],
    ['non-resource URLs do not cover resources', { verbs: ['*'], nonResourceURLs: ['*'] }, get, false],
    ['resources do not cover non-resource paths', { verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, nonResource('get', '/version'), false],
    ['exact path', { verbs: ['get'], nonResourceURLs: ['/version'] }, nonResource('get', '/version'), true],
    ['exact path, another verb', { verbs: ['get'], nonResourceURLs: ['/version'] }, nonResource('post', '/version'), false],
    ['exact path is not a prefix', { verbs: ['get'], nonResourceURLs: ['/version'] }, nonResource('get', '/version/x'), false],
    ['prefix with *', { verbs: ['get'], nonResourceURLs: ['/apis/*'] }, nonResource('get', '/apis/image.openshift.io/v1'), true],
    ['prefix with * needs the prefix', { verbs: ['get'], nonResourceURLs: ['/apis/*'] }, nonResource('get', '/apis'), false],
    ['path wildcard', { verbs: ['get'], nonResourceURLs: ['*'] }, nonResource('get', '/anything'), true],
  ])('%s', (_what, rule, request, allowed) => {
    expect(ruleAllows(rule, request)).toBe(allowed);
  });
});

describe('subjectMatches', () => {
  it.each<[what: string, identity: Identity, subject: Subject, bindingNamespace: string | undefined, matches: boolean]>([
    ['user by name', alice, { kind: 'User', name: 'alice' }, undefined, true],
    ['another user', bob, { kind: 'User', name: 'alice' }, undefined, false],
    ['user named like a group', alice, { kind: 'User', name: 'devs' }, undefined, false],
    ['a user named by its service account username (as Kubernetes)', builder, { kind: 'User', name: 'system:serviceaccount:a:builder' }, undefined, true],
    ['anonymous by its user name', ANONYMOUS, { kind: 'User', name: 'system:anonymous' }, undefined, true],
    ['empty user name', ANONYMOUS, { kind: 'User', name: '' }, undefined, false],
    ['group the user is in', alice, { kind: 'Group', name: 'devs' }, 'a', true],
    ['group the user is not in', bob, { kind: 'Group', name: 'devs' }, 'a', false],
    ['group named like the user', alice, { kind: 'Group', name: 'alice' }, 'a', false],
    ['system:authenticated has users', alice, { kind: 'Group', name: 'system:authenticated' }, undefined, true],
    ['system:authenticated has service accounts', builder, { kind: 'Group', name: 'system:authenticated' }, undefined, true],
    ['system:authenticated lacks anonymous', ANONYMOUS, { kind: 'Group', name: 'system:authenticated' }, undefined, false],
    ['system:unauthenticated has anonymous', ANONYMOUS, { kind: 'Group', name: 'system:unauthenticated' }, undefined, true],
    ['system:unauthenticated lacks users', alice, { kind: 'Group', name: 'system:unauthenticated' }, undefined, false],
    ['system:serviceaccounts:<ns> has the namespace’s accounts', builder, { kind: 'Group', name: 'system:serviceaccounts:a' }, undefined, true],
    ['system:serviceaccounts:<ns> lacks other namespaces’ accounts', builder, { kind: 'Group', name: 'system:serviceaccounts:b' }, undefined, false],
    ['service account with its namespace', builder, { kind: 'ServiceAccount', name: 'builder', namespace: 'a' }, 'b', true],
    ['service account in the binding’s namespace by default', builder, { kind: 'ServiceAccount', name: 'builder' }, 'a', true],
    ['service account of another namespace', builder, { kind: 'ServiceAccount', name: 'builder', namespace: 'b' }, 'a', false],
    ['service account of another namespace by default', builder, { kind: 'ServiceAccount', name: 'builder' }, 'b', false],
    ['service account without any namespace', builder, { kind: 'ServiceAccount', name: 'builder' }, undefined, false],
    ['another service account', builder, { kind: 'ServiceAccount', name: 'deployer', namespace: 'a' }, 'a', false],
    ['a user named like the service account', userIdentity('builder'), { kind: 'ServiceAccount', name: 'builder', namespace: 'a' }, 'a', false],
    ['unknown subject kinds', alice, { kind: 'Robot', name: 'alice' } as unknown as Subject, 'a', false],
  ])('%s', (_what, identity, subject, bindingNamespace, matches) => {
    expect(subjectMatches(identity, subject, bindingNamespace)).toBe(matches);
  });
});

describe('authorize', () => {
  const reader: PolicyRule[] = [{ verbs: ['get', 'list'], apiGroups: [IMAGE], resources: ['imagestreams'] }];
  const puller: PolicyRule[] = [{ verbs: ['get'], apiGroups: [IMAGE], resources: ['imagestreams/layers'] }];
  const everything: PolicyRule[] = [
    { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
    { verbs: ['*'], nonResourceURLs: ['*'] },
  ];
  const clusterRoles = { reader, puller, everything };
  const roleBinding = (namespace: string | undefined, name: string, roleRef: RoleBinding['roleRef'], subjects: Subject[]): RoleBinding => ({
    ...(namespace === undefined ? {} : { namespace }),
    name,
    roleRef,
    subjects,
  });

  describe('a RoleBinding to a ClusterRole', () => {
    const policy = policySourceOf({ clusterRoles, bindings: [roleBinding('a', 'read', { kind: 'ClusterRole', name: 'reader' }, [{ kind: 'User', name: 'alice' }])] });
    it.each<[what: string, request: RequestAttributes, allowed: boolean]>([
      ['grants it in its namespace', streams('get', 'a', 'app'), true],
      ['grants lists in its namespace', streams('list', 'a'), true],
      ['grants nothing the role lacks', streams('delete', 'a', 'app'), false],
      ['grants nothing in another namespace', streams('get', 'b', 'app'), false],
      ['grants no list across all namespaces', streams('list'), false],
      ['grants no cluster-scoped resource', resource({ verb: 'get', apiGroup: IMAGE, resource: 'imagestreams', name: 'app' }), false],
      ['grants no non-resource path', nonResource('get', '/apis'), false],
      ['treats an empty namespace as the cluster scope', streams('list', ''), false],
    ])('%s', (_what, request, allowed) => {
      expect(authorize(alice, request, policy).allowed).toBe(allowed);
      expect(authorize(bob, request, policy).allowed).toBe(false);
    });
  });

  describe('a ClusterRoleBinding', () => {
    const policy = policySourceOf({
      clusterRoles,
      bindings: [
        roleBinding(undefined, 'readers', { kind: 'ClusterRole', name: 'reader' }, [{ kind: 'Group', name: 'devs' }]),
        roleBinding(undefined, 'root', { kind: 'ClusterRole', name: 'everything' }, [{ kind: 'User', name: 'root' }]),
      ],
    });
    it.each<[what: string, request: RequestAttributes, allowed: boolean]>([
      ['grants in every namespace', streams('get', 'b', 'app'), true],
      ['grants lists across all namespaces', streams('list'), true],
      ['grants cluster-scoped resources', resource({ verb: 'get', apiGroup: IMAGE, resource: 'imagestreams', name: 'app' }), true],
      ['grants nothing the role lacks', streams('create', 'a'), false],
    ])('%s', (_what, request, allowed) => {
      expect(authorize(alice, request, policy).allowed).toBe(allowed);
    });

    it('grants non-resource paths when its role has them', () => {
      expect(authorize(userIdentity('root'), nonResource('get', '/version'), policy).allowed).toBe(true);
      expect(authorize(alice, nonResource('get', '/version'), policy).allowed).toBe(false);
    });
  });

  describe('a RoleBinding to a Role', () => {
    const policy = policySourceOf({
      roles: [
        { namespace: 'a', name: 'local-reader', rules: reader },
        { namespace: 'b', name: 'b-only', rules: reader },
      ],
      bindings: [
        roleBinding('a', 'local', { kind: 'Role', name: 'local-reader' }, [{ kind: 'ServiceAccount', name: 'builder' }]),
        // Names a role that exists only in namespace b: a Role is always looked up in the binding's namespace.
        roleBinding('a', 'foreign', { kind: 'Role', name: 'b-only' }, [{ kind: 'User', name: 'alice' }]),
      ],
    });
    it('grants the role in its namespace to its subjects', () => {
      expect(authorize(builder, streams('get', 'a', 'app'), policy).allowed).toBe(true);
      expect(authorize(builder, streams('get', 'b', 'app'), policy).allowed).toBe(false);
      expect(authorize(serviceAccountIdentity('b', 'builder'), streams('get', 'a', 'app'), policy).allowed).toBe(false);
    });

    it('never reads a Role of another namespace', () => {
      expect(authorize(alice, streams('get', 'a', 'app'), policy).allowed).toBe(false);
    });
  });

  describe('bindings that grant nothing', () => {
    it.each<[what: string, binding: RoleBinding, via: 'cluster' | 'namespace']>([
      ['a binding to a missing ClusterRole', roleBinding(undefined, 'x', { kind: 'ClusterRole', name: 'missing' }, [{ kind: 'User', name: 'alice' }]), 'cluster'],
      ['a binding to a missing Role', roleBinding('a', 'x', { kind: 'Role', name: 'missing' }, [{ kind: 'User', name: 'alice' }]), 'namespace'],
      ['a ClusterRoleBinding to a Role', roleBinding(undefined, 'x', { kind: 'Role', name: 'reader' }, [{ kind: 'User', name: 'alice' }]), 'cluster'],
      ['a binding without subjects', roleBinding(undefined, 'x', { kind: 'ClusterRole', name: 'everything' }, []), 'cluster'],
    ])('%s', (_what, binding) => {
      const policy = policySourceOf({ clusterRoles, roles: [{ namespace: 'a', name: 'reader', rules: reader }], bindings: [binding] });
      expect(authorize(alice, streams('get', 'a', 'app'), policy)).toEqual({ allowed: false, reason: NO_POLICY_MATCHED });
    });

    it('ignores a namespaced binding handed over as a cluster one, and another namespace’s binding', () => {
      const misfiled: PolicySource = {
        clusterRole: (name) => clusterRoles[name as keyof typeof clusterRoles],
        role: () => undefined,
        clusterRoleBindings: () => [roleBinding('b', 'x', { kind: 'ClusterRole', name: 'everything' }, [{ kind: 'User', name: 'alice' }])],
        roleBindings: () => [roleBinding('b', 'y', { kind: 'ClusterRole', name: 'everything' }, [{ kind: 'User', name: 'alice' }])],
      };
      expect(authorize(alice, streams('delete', 'a', 'app'), misfiled).allowed).toBe(false);
      expect(authorize(alice, streams('list'), misfiled).allowed).toBe(false);
    });
  });

  describe('anonymous callers', () => {
    const policy = policySourceOf({
      clusterRoles,
      bindings: [roleBinding('public', 'anonymous-pull', { kind: 'ClusterRole', name: 'puller' }, [{ kind: 'Group', name: 'system:unauthenticated' }])],
    });
    it.each<[what: string, request: RequestAttributes, allowed: boolean]>([
      ['may pull where system:unauthenticated is bound to a puller', layers('get', 'public'), true],
      ['may not push there', layers('update', 'public'), false],
      ['may not read the stream object there', streams('get', 'public', 'app'), false],
      ['may not pull anywhere else', layers('get', 'private'), false],
      ['may not reach non-resource paths', nonResource('get', '/apis'), false],
    ])('%s', (_what, request, allowed) => {
      expect(authorize(ANONYMOUS, request, policy).allowed).toBe(allowed);
    });

    it('get nothing from an empty policy', () => {
      expect(authorize(ANONYMOUS, layers('get', 'public'), policySourceOf({}))).toEqual({ allowed: false, reason: NO_POLICY_MATCHED });
    });

    it('are not authenticated users, so the public pull grant does not extend to alice', () => {
      expect(authorize(alice, layers('get', 'public'), policy).allowed).toBe(false);
    });
  });

  describe('reasons', () => {
    const policy = policySourceOf({
      clusterRoles,
      roles: [{ namespace: 'a', name: 'local', rules: puller }],
      bindings: [
        roleBinding(undefined, 'root', { kind: 'ClusterRole', name: 'everything' }, [{ kind: 'Group', name: 'admins' }]),
        roleBinding('a', 'pullers', { kind: 'Role', name: 'local' }, [
          { kind: 'User', name: 'nobody' },
          { kind: 'ServiceAccount', name: 'builder' },
        ]),
      ],
    });
    it.each<[identity: Identity, request: RequestAttributes, reason: string]>([
      [userIdentity('carol', ['admins']), streams('delete', 'a', 'x'), 'RBAC: allowed by ClusterRoleBinding "root" of ClusterRole "everything" to Group "admins"'],
      [builder, layers('get', 'a'), 'RBAC: allowed by RoleBinding "a/pullers" of Role "local" to ServiceAccount "a/builder"'],
      [alice, layers('get', 'a'), NO_POLICY_MATCHED],
    ])('%#: %s', (identity, request, reason) => {
      expect(authorize(identity, request, policy).reason).toBe(reason);
    });
  });
});

describe('forbiddenMessage', () => {
  it.each<[identity: Identity, request: RequestAttributes, message: string]>([
    [alice, streams('get', 'b', 'app'), 'User "alice" cannot get resource "imagestreams" in API group "image.openshift.io" in the namespace "b"'],
    [alice, layers('update', 'b'), 'User "alice" cannot update resource "imagestreams/layers" in API group "image.openshift.io" in the namespace "b"'],
    [alice, streams('list'), 'User "alice" cannot list resource "imagestreams" in API group "image.openshift.io" at the cluster scope'],
    [bob, resource({ verb: 'create', apiGroup: '', resource: 'namespaces' }), 'User "bob" cannot create resource "namespaces" in API group "" at the cluster scope'],
    [builder, resource({ verb: 'list', apiGroup: '', resource: 'secrets', namespace: 'a' }), 'User "system:serviceaccount:a:builder" cannot list resource "secrets" in API group "" in the namespace "a"'],
    [ANONYMOUS, nonResource('get', '/apis'), 'User "system:anonymous" cannot get path "/apis"'],
    [userIdentity('ev"il\n'), streams('get', 'a"b', 'x'), 'User "ev\\"il\\n" cannot get resource "imagestreams" in API group "image.openshift.io" in the namespace "a\\"b"'],
  ])('%#: %s', (identity, request, message) => {
    expect(forbiddenMessage(identity, request)).toBe(message);
  });
});
