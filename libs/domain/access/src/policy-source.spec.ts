import { policySourceOf } from './policy-source';
import type { PolicyRule, RoleBinding } from './rbac';

const rule: PolicyRule = { verbs: ['get'], apiGroups: [''], resources: ['secrets'] };
const binding = (namespace: string | undefined, name: string): RoleBinding => ({
  ...(namespace === undefined ? {} : { namespace }),
  name,
  roleRef: { kind: 'ClusterRole', name: 'view' },
  subjects: [{ kind: 'User', name: 'alice' }],
});

describe('policySourceOf', () => {
  const policy = policySourceOf({
    clusterRoles: { view: [rule] },
    roles: [
      { namespace: 'a', name: 'reader', rules: [rule] },
      { namespace: 'b', name: 'writer', rules: [] },
    ],
    bindings: [binding(undefined, 'everyone'), binding('a', 'one'), binding('a', 'two'), binding('b', 'three')],
  });

  it('finds cluster roles by name, and only those', () => {
    expect(policy.clusterRole('view')).toEqual([rule]);
    expect(policy.clusterRole('edit')).toBeUndefined();
    expect(policy.clusterRole('constructor')).toBeUndefined();
    expect(policy.clusterRole('__proto__')).toBeUndefined();
  });

  it('finds roles by namespace and name, never across namespaces', () => {
    expect(policy.role('a', 'reader')).toEqual([rule]);
    expect(policy.role('b', 'writer')).toEqual([]);
    expect(policy.role('b', 'reader')).toBeUndefined();
    expect(policy.role('c', 'reader')).toBeUndefined();
  });

  it('splits bindings into cluster-wide ones and each namespace’s own', () => {
    expect(policy.clusterRoleBindings().map((one) => one.name)).toEqual(['everyone']);
    expect(policy.roleBindings('a').map((one) => one.name)).toEqual(['one', 'two']);
    expect(policy.roleBindings('b').map((one) => one.name)).toEqual(['three']);
    expect(policy.roleBindings('c')).toEqual([]);
  });

  it('treats a binding whose namespace is null (as a database row has it) as cluster-wide', () => {
    const fromRow = { ...binding(undefined, 'row'), namespace: null as unknown as undefined };
    expect(policySourceOf({ bindings: [fromRow] }).clusterRoleBindings()).toEqual([fromRow]);
  });

  it('answers an empty policy', () => {
    const empty = policySourceOf({});
    expect(empty.clusterRoleBindings()).toEqual([]);
    expect(empty.roleBindings('a')).toEqual([]);
    expect(empty.clusterRole('cluster-admin')).toBeUndefined();
  });
});
