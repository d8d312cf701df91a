import { authorize, userIdentity, type RoleBinding } from '@imagestreams/domain-access';
import { checkEscalation, describePermission, escalationMessage, grantedPermissions } from './escalation';
import { policySnapshot } from './policy-snapshot';

describe('grantedPermissions', () => {
  it('breaks rules into one permission per verb, group, resource and name, subresources split off', () => {
    const permissions = grantedPermissions(
      [
        { verbs: ['get', 'update'], apiGroups: ['image.openshift.io'], resources: ['imagestreams/layers'], resourceNames: ['web'] },
        { verbs: ['get'], apiGroups: ['image.openshift.io'], resources: ['imagestreams/layers'], resourceNames: ['web'] },
      ],
      'team-a',
    );

    expect(permissions).toEqual([
      { kind: 'resource', attributes: { verb: 'get', apiGroup: 'image.openshift.io', resource: 'imagestreams', subresource: 'layers', namespace: 'team-a', name: 'web' } },
      { kind: 'resource', attributes: { verb: 'update', apiGroup: 'image.openshift.io', resource: 'imagestreams', subresource: 'layers', namespace: 'team-a', name: 'web' } },
    ]);
  });

  it('grants paths only at the cluster scope', () => {
    const rules = [{ verbs: ['get'], nonResourceURLs: ['/metrics'] }];

    expect(grantedPermissions(rules, 'team-a')).toEqual([]);
    expect(grantedPermissions(rules, undefined)).toEqual([{ kind: 'nonResource', verb: 'get', path: '/metrics' }]);
  });

  it('gives up past the limit instead of checking without end', () => {
    const many = Array.from({ length: 30 }, (_, index) => `r${index}`);

    expect(grantedPermissions([{ verbs: many, apiGroups: many, resources: many }], 'a', 1_000)).toBeUndefined();
  });
});

describe('checkEscalation', () => {
  const bindings: RoleBinding[] = [
    { namespace: 'team-a', name: 'alice-edit', roleRef: { kind: 'ClusterRole', name: 'edit' }, subjects: [{ kind: 'User', name: 'alice' }] },
    { name: 'root', roleRef: { kind: 'ClusterRole', name: 'cluster-admin' }, subjects: [{ kind: 'User', name: 'root' }] },
  ];
  const policy = policySnapshot([], bindings);
  const allows = (username: string) => async (request: Parameters<typeof authorize>[1]) => authorize(userIdentity(username), request, policy).allowed;

  it('lets a caller grant what it holds in that namespace', async () => {
    const rules = [{ verbs: ['get', 'delete'], apiGroups: ['image.openshift.io'], resources: ['imagestreams'] }];

    expect(await checkEscalation(rules, 'team-a', allows('alice'))).toEqual({ ok: true });
  });

  it('names what the caller does not hold: another namespace, a wildcard, RBAC itself', async () => {
    const rules = [
      { verbs: ['get'], apiGroups: ['image.openshift.io'], resources: ['imagestreams'] },
      { verbs: ['*'], apiGroups: ['image.openshift.io'], resources: ['imagestreams'] },
      { verbs: ['create'], apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'] },
    ];

    const elsewhere = await checkEscalation(rules.slice(0, 1), 'team-b', allows('alice'));
    const here = await checkEscalation(rules, 'team-a', allows('alice'));

    expect(elsewhere).toEqual({ ok: false, missing: [expect.objectContaining({ kind: 'resource' })] });
    expect(here.ok === false && 'missing' in here && here.missing.map(describePermission)).toEqual([
      '{APIGroups:["image.openshift.io"], Resources:["imagestreams"], Verbs:["*"]}',
      '{APIGroups:["rbac.authorization.k8s.io"], Resources:["rolebindings"], Verbs:["create"]}',
    ]);
  });

  it('lets a caller who holds everything grant anything, however big', async () => {
    const many = Array.from({ length: 40 }, (_, index) => `r${index}`);

    expect(await checkEscalation([{ verbs: many, apiGroups: many, resources: many }, { verbs: ['get'], nonResourceURLs: ['/x'] }], undefined, allows('root'))).toEqual({ ok: true });
  });

  it('refuses a role too big to check for anyone else', async () => {
    const many = Array.from({ length: 40 }, (_, index) => `r${index}`);

    expect(await checkEscalation([{ verbs: many, apiGroups: many, resources: many }], 'team-a', allows('alice'))).toEqual({ ok: false, tooMany: true });
  });
});

describe('escalationMessage', () => {
  it("reads like Kubernetes' and lists at most twenty permissions", () => {
    const missing = Array.from({ length: 22 }, (_, index) => ({ kind: 'nonResource' as const, verb: 'get', path: `/p${index}` }));
    const message = escalationMessage('alice', ['system:authenticated'], { ok: false, missing });

    expect(message.split('\n')[0]).toBe('user "alice" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:');
    expect(message.split('\n')[1]).toBe('{NonResourceURLs:["/p0"], Verbs:["get"]}');
    expect(message.split('\n')).toHaveLength(22);
    expect(message).toMatch(/\.\.\. and 2 more$/);
  });
});
