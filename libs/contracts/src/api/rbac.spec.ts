import { validatePayload } from '../validation';
import { AuditEventQuery } from './audit-event';
import { ClusterRoleBindingInput, policyRuleProblems, RoleBindingInput, RoleInput, subjectProblems } from './rbac';
import { accessReviewSpecProblems, SelfSubjectAccessReviewInput } from './self-subject-access-review';

describe('RBAC inputs', () => {
  it('accepts a Role as kubectl writes it and keeps only the known fields', () => {
    const result = validatePayload(RoleInput, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'pullers', namespace: 'team-a', labels: { app: 'x' }, creationTimestamp: null },
      rules: [{ verbs: ['get'], apiGroups: ['image.openshift.io'], resources: ['imagestreams/layers'], resourceNames: ['web'] }],
    });

    expect(result.ok).toBe(true);
    expect(result.ok && result.value.rules).toEqual([{ verbs: ['get'], apiGroups: ['image.openshift.io'], resources: ['imagestreams/layers'], resourceNames: ['web'] }]);
    expect(result.ok && result.value.metadata).not.toHaveProperty('creationTimestamp');
  });

  it.each(['system:image-puller', 'a.b', 'UPPER case'])('accepts the path-segment name %p', (name) => {
    expect(validatePayload(RoleInput, { metadata: { name } }).ok).toBe(true);
  });

  it.each(['.', '..', 'a/b', '50%', ''])('refuses the name %p on metadata.name', (name) => {
    const result = validatePayload(RoleInput, { metadata: { name } });

    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.causes.map((cause) => cause.field)).toContain('metadata.name');
  });

  it('refuses a rule without verbs, a wrong kind and a roleRef of another API group', () => {
    const role = validatePayload(RoleInput, { kind: 'ClusterRole', metadata: { name: 'r' }, rules: [{ apiGroups: [''], resources: ['secrets'] }] });
    const binding = validatePayload(RoleBindingInput, { metadata: { name: 'b' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io/v1', kind: 'Role', name: 'r' } });

    expect(role.ok ? [] : role.causes.map((cause) => cause.field)).toEqual(['kind', 'rules[0].verbs']);
    expect(binding.ok ? [] : binding.causes).toEqual([expect.objectContaining({ field: 'roleRef.apiGroup', reason: 'FieldValueNotSupported' })]);
  });

  it('requires a roleRef and subjects of a known kind', () => {
    const result = validatePayload(ClusterRoleBindingInput, { metadata: { name: 'b' }, subjects: [{ kind: 'Robot', name: 'x' }] });

    expect(result.ok ? [] : result.causes.map((cause) => `${cause.field} ${cause.reason}`)).toEqual(['roleRef FieldValueRequired', 'subjects[0].kind FieldValueNotSupported']);
  });
});

describe('policyRuleProblems', () => {
  it('wants API groups and resources on a resource rule, as Kubernetes does', () => {
    expect(policyRuleProblems([{ verbs: ['get'] }], { namespaced: true }).map((cause) => cause.field)).toEqual(['rules[0].resources', 'rules[0].apiGroups']);
    expect(policyRuleProblems([{ verbs: ['get'], apiGroups: [''], resources: ['secrets'] }], { namespaced: true })).toEqual([]);
  });

  it('allows non-resource URLs only cluster-wide and never next to resources', () => {
    const paths = [{ verbs: ['get'], nonResourceURLs: ['/healthz'] }];

    expect(policyRuleProblems(paths, { namespaced: false })).toEqual([]);
    expect(policyRuleProblems(paths, { namespaced: true })).toEqual([expect.objectContaining({ field: 'rules[0].nonResourceURLs', message: 'namespaced rules cannot apply to non-resource URLs' })]);
    expect(policyRuleProblems([{ verbs: ['get'], nonResourceURLs: ['/x'], resources: ['secrets'] }], { namespaced: false })).toEqual([
      expect.objectContaining({ message: 'rules cannot apply to both regular resources and non-resource URLs' }),
    ]);
  });

  it('wants at least one verb', () => {
    expect(policyRuleProblems([{ verbs: [], apiGroups: [''], resources: ['secrets'] }], { namespaced: true })).toEqual([expect.objectContaining({ field: 'rules[0].verbs', reason: 'FieldValueRequired' })]);
  });
});

describe('subjectProblems', () => {
  it('wants a namespace on a ClusterRoleBinding service account, and the right API group on every subject', () => {
    expect(subjectProblems([{ kind: 'ServiceAccount' }], { namespaced: false })).toEqual([expect.objectContaining({ field: 'subjects[0].namespace', reason: 'FieldValueRequired' })]);
    expect(subjectProblems([{ kind: 'ServiceAccount' }], { namespaced: true })).toEqual([]);
    expect(subjectProblems([{ kind: 'ServiceAccount', apiGroup: 'rbac.authorization.k8s.io', namespace: 'a' }], { namespaced: false }).map((cause) => cause.field)).toEqual(['subjects[0].apiGroup']);
    expect(subjectProblems([{ kind: 'User', apiGroup: '' }, { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io' }], { namespaced: true }).map((cause) => cause.field)).toEqual(['subjects[0].apiGroup']);
  });
});

describe('SelfSubjectAccessReviewInput', () => {
  it('wants exactly one of resourceAttributes and nonResourceAttributes', () => {
    const both = validatePayload(SelfSubjectAccessReviewInput, { spec: { resourceAttributes: { verb: 'get' }, nonResourceAttributes: { path: '/x', verb: 'get' } } });
    const neither = validatePayload(SelfSubjectAccessReviewInput, { spec: {} });
    const one = validatePayload(SelfSubjectAccessReviewInput, { spec: { resourceAttributes: { verb: 'get', resource: 'imagestreams', namespace: 'a' } } });

    expect(both.ok && accessReviewSpecProblems(both.value.spec)).toEqual([expect.objectContaining({ field: 'spec.resourceAttributes' })]);
    expect(neither.ok && accessReviewSpecProblems(neither.value.spec)).toHaveLength(1);
    expect(one.ok && accessReviewSpecProblems(one.value.spec)).toEqual([]);
  });

  it('needs a spec', () => {
    const result = validatePayload(SelfSubjectAccessReviewInput, { kind: 'SelfSubjectAccessReview' });

    expect(result.ok ? [] : result.causes).toEqual([expect.objectContaining({ field: 'spec', reason: 'FieldValueRequired' })]);
  });
});

describe('AuditEventQuery', () => {
  it('reads limit from its query string and checks since', () => {
    const good = validatePayload(AuditEventQuery, { limit: '25', since: '2026-01-02T15:04:05Z', user: 'alice' });
    const bad = validatePayload(AuditEventQuery, { limit: '5001', since: 'yesterday', verb: ['get', 'list'] });

    expect(good.ok && good.value).toMatchObject({ limit: 25, since: '2026-01-02T15:04:05Z', user: 'alice' });
    expect([...new Set(bad.ok ? [] : bad.causes.map((cause) => cause.field))]).toEqual(['verb', 'since', 'limit']);
  });
});
