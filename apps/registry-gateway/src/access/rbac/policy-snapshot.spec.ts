import { authorize, serviceAccountIdentity, userIdentity, type RequestAttributes } from '@imagestreams/domain-access';
import { policySnapshot } from './policy-snapshot';

const pull = (namespace: string): RequestAttributes => ({
  kind: 'resource',
  attributes: { verb: 'get', apiGroup: 'image.openshift.io', resource: 'imagestreams', subresource: 'layers', namespace, name: 'web' },
});

describe('policySnapshot', () => {
  it('serves the built-in ClusterRoles and binds cluster-admin to system:masters and the bootstrap admin', () => {
    const policy = policySnapshot([], []);

    expect(policy.clusterRole('cluster-admin')).toBeDefined();
    expect(authorize(userIdentity('admin'), pull('any'), policy).allowed).toBe(true);
    expect(authorize(userIdentity('ops', ['system:masters']), pull('any'), policy).allowed).toBe(true);
    expect(authorize(userIdentity('alice'), pull('any'), policy).allowed).toBe(false);
  });

  it('lets every authenticated caller review its own access and create namespaces (basic-user)', () => {
    const policy = policySnapshot([], []);
    const review: RequestAttributes = { kind: 'resource', attributes: { verb: 'create', apiGroup: 'authorization.k8s.io', resource: 'selfsubjectaccessreviews' } };
    const namespace: RequestAttributes = { kind: 'resource', attributes: { verb: 'create', apiGroup: '', resource: 'namespaces' } };

    expect(authorize(userIdentity('alice'), review, policy).allowed).toBe(true);
    expect(authorize(userIdentity('alice'), namespace, policy).allowed).toBe(true);
  });

  it('applies stored Roles and RoleBindings in their namespace only', () => {
    const policy = policySnapshot(
      [{ namespace: 'team-a', name: 'puller', rules: [{ verbs: ['get'], apiGroups: ['image.openshift.io'], resources: ['imagestreams/layers'] }] }],
      [{ namespace: 'team-a', name: 'ci', roleRef: { kind: 'Role', name: 'puller' }, subjects: [{ kind: 'ServiceAccount', name: 'ci', namespace: 'team-a' }] }],
    );
    const ci = serviceAccountIdentity('team-a', 'ci');

    expect(authorize(ci, pull('team-a'), policy).allowed).toBe(true);
    expect(authorize(ci, pull('team-b'), policy).allowed).toBe(false);
    expect(policy.roleBindings('team-b')).toEqual([]);
  });

  it('never lets stored objects replace or shadow a built-in', () => {
    const policy = policySnapshot(
      [{ name: 'cluster-admin', rules: [] }, { name: 'custom', rules: [{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }] }],
      [{ name: 'cluster-admin', roleRef: { kind: 'ClusterRole', name: 'custom' }, subjects: [{ kind: 'User', name: 'mallory' }] }],
    );

    expect(policy.clusterRole('cluster-admin')).toEqual(expect.arrayContaining([{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]));
    expect(policy.clusterRole('custom')).toHaveLength(1);
    expect(policy.clusterRoleBindings().filter((binding) => binding.name === 'cluster-admin')).toHaveLength(1);
    expect(authorize(userIdentity('admin'), pull('x'), policy).allowed).toBe(true);
  });
});
