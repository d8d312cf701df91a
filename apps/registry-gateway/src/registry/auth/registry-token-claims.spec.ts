import { ANONYMOUS, serviceAccountIdentity, userIdentity } from '@imagestreams/domain-access';
import {
  accessAllows,
  accessAllowsCatalog,
  bearerChallenge,
  grantFromClaims,
  identityFromClaims,
  registryTokenClaims,
  repositoryScope,
  type RegistryAccessEntry,
} from './registry-token-claims';

const access: RegistryAccessEntry[] = [
  { type: 'repository', name: 'team-a/web', actions: ['pull', 'push'] },
  { type: 'repository', name: 'team-a/db', actions: [] },
  { type: 'repository', name: 'team-b/all', actions: ['*'] },
];

describe('registry token claims', () => {
  it('carry the access granted and the groups, so the identity can be rebuilt from sub and groups', () => {
    const alice = userIdentity('alice', ['developers']);
    const claims = registryTokenClaims(alice, access);
    expect(claims).toEqual({ access, groups: ['developers', 'system:authenticated'] });
    expect(identityFromClaims('alice', claims.groups)).toEqual(alice);
  });

  it('rebuild service accounts from their user name and anonymous as the shared ANONYMOUS', () => {
    expect(identityFromClaims('system:serviceaccount:team-a:builder', ['made-up'])).toEqual(serviceAccountIdentity('team-a', 'builder'));
    expect(identityFromClaims('system:anonymous', [])).toBe(ANONYMOUS);
  });

  it('never rebuild a user as unauthenticated, whatever groups the claim lists', () => {
    expect(identityFromClaims('mallory', ['system:unauthenticated']).groups).toEqual(['system:authenticated']);
  });

  it('accept only payloads shaped as the gateway mints them', () => {
    expect(grantFromClaims({ sub: 'alice', groups: [], access })).toEqual({ identity: userIdentity('alice'), access });
    expect(grantFromClaims({ sub: 'alice', access })).toBeUndefined();
    expect(grantFromClaims({ sub: '', groups: [], access })).toBeUndefined();
    expect(grantFromClaims({ sub: 'alice', groups: [], access: 'everything' })).toBeUndefined();
    expect(grantFromClaims({ sub: 'alice', groups: [], access: [{ type: 'repository', name: 'a/b', actions: 'pull' }] })).toBeUndefined();
    expect(grantFromClaims({ sub: 'alice', groups: [], access: [{ type: 'volume', name: 'a/b', actions: ['pull'] }] })).toBeUndefined();
    expect(grantFromClaims({ sub: 'alice', groups: [], access: Array.from({ length: 257 }, () => access[0]) })).toBeUndefined();
  });

  it('grant an action on exactly the repository named, with * granting every action', () => {
    expect(accessAllows(access, 'team-a/web', 'pull')).toBe(true);
    expect(accessAllows(access, 'team-a/web', 'push')).toBe(true);
    expect(accessAllows(access, 'team-a/web', 'delete')).toBe(false);
    expect(accessAllows(access, 'team-a/db', 'pull')).toBe(false);
    expect(accessAllows(access, 'team-a/webx', 'pull')).toBe(false);
    expect(accessAllows(access, 'team-b/all', 'delete')).toBe(true);
    expect(accessAllows([{ type: 'registry', name: 'team-a/web', actions: ['pull'] }], 'team-a/web', 'pull')).toBe(false);
  });

  it('grant the catalog only through a registry:catalog entry', () => {
    expect(accessAllowsCatalog(access)).toBe(false);
    expect(accessAllowsCatalog([{ type: 'registry', name: 'catalog', actions: ['*'] }])).toBe(true);
  });
});

describe('bearerChallenge', () => {
  it('writes the challenge as distribution does, scope and error only when given', () => {
    expect(bearerChallenge({ realm: 'http://gw:8080/v2/token', service: 'imagestreams-registry' })).toBe('Bearer realm="http://gw:8080/v2/token",service="imagestreams-registry"');
    expect(bearerChallenge({ realm: 'https://r/v2/token', service: 's', scope: repositoryScope('team-a/web', 'push'), error: 'insufficient_scope' })).toBe(
      'Bearer realm="https://r/v2/token",service="s",scope="repository:team-a/web:pull,push",error="insufficient_scope"',
    );
  });

  it('asks for pull alone on reads and delete alone on deletes', () => {
    expect(repositoryScope('team-a/web', 'pull')).toBe('repository:team-a/web:pull');
    expect(repositoryScope('team-a/web', 'delete')).toBe('repository:team-a/web:delete');
  });

  it('escapes quotes and backslashes so a Host header cannot add parameters', () => {
    expect(bearerChallenge({ realm: 'http://a"b\\c/v2/token', service: 's' })).toBe('Bearer realm="http://a\\"b\\\\c/v2/token",service="s"');
  });
});
