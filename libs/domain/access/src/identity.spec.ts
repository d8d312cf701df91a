import { ANONYMOUS, parseServiceAccountUsername, serviceAccountIdentity, userIdentity, type Identity } from './identity';

describe('ANONYMOUS', () => {
  it('is system:anonymous in system:unauthenticated only', () => {
    expect(ANONYMOUS).toEqual({ kind: 'Anonymous', username: 'system:anonymous', name: 'system:anonymous', groups: ['system:unauthenticated'] });
  });

  it('cannot be changed by one request for all the others', () => {
    expect(Object.isFrozen(ANONYMOUS)).toBe(true);
    expect(Object.isFrozen(ANONYMOUS.groups)).toBe(true);
  });
});

describe('userIdentity', () => {
  it.each<[groups: string[] | undefined, expected: string[]]>([
    [undefined, ['system:authenticated']],
    [[], ['system:authenticated']],
    [['devs'], ['devs', 'system:authenticated']],
    [['devs', 'ops', 'devs'], ['devs', 'ops', 'system:authenticated']],
    [['system:authenticated', 'devs'], ['system:authenticated', 'devs']],
    [['system:unauthenticated', 'devs'], ['devs', 'system:authenticated']],
    [['system:masters'], ['system:masters', 'system:authenticated']],
  ])('groups %j become %j', (groups, expected) => {
    expect(userIdentity('alice', groups)).toEqual<Identity>({ kind: 'User', username: 'alice', name: 'alice', groups: expected });
  });

  it('does not share or change the caller’s group array', () => {
    const groups = ['devs'];
    const identity = userIdentity('alice', groups);
    identity.groups.push('other');
    expect(groups).toEqual(['devs']);
  });
});

describe('serviceAccountIdentity', () => {
  it('is named and grouped as Kubernetes names service accounts', () => {
    expect(serviceAccountIdentity('team-a', 'builder')).toEqual<Identity>({
      kind: 'ServiceAccount',
      username: 'system:serviceaccount:team-a:builder',
      name: 'builder',
      namespace: 'team-a',
      groups: ['system:authenticated', 'system:serviceaccounts', 'system:serviceaccounts:team-a'],
    });
  });
});

describe('parseServiceAccountUsername', () => {
  it.each<[username: string, expected: { namespace: string; name: string } | undefined]>([
    ['system:serviceaccount:team-a:builder', { namespace: 'team-a', name: 'builder' }],
    ['system:serviceaccount:a:b', { namespace: 'a', name: 'b' }],
    ['system:serviceaccount:team-a', undefined],
    ['system:serviceaccount::builder', undefined],
    ['system:serviceaccount:team-a:', undefined],
    ['system:serviceaccount:a:b:c', undefined],
    ['system:serviceaccounts:team-a', undefined],
    ['system:anonymous', undefined],
    ['alice', undefined],
    ['', undefined],
  ])('%j -> %j', (username, expected) => {
    expect(parseServiceAccountUsername(username)).toEqual(expected);
  });

  it('round-trips what serviceAccountIdentity builds', () => {
    const identity = serviceAccountIdentity('ns1', 'deployer');
    expect(parseServiceAccountUsername(identity.username)).toEqual({ namespace: 'ns1', name: 'deployer' });
  });
});
