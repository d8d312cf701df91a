import { ANONYMOUS, type PolicySource, type RequestAttributes } from '@imagestreams/domain-access';
import type { AccessChanges } from './access-changes';
import { AccessControl } from './access-control';
import type { AccessTokensRepository, TokenOwner } from './access-tokens.repository';
import { AuthenticationFailed } from './authentication-failed';
import type { PolicyStore } from './rbac/policy-store';

const TOKEN = `ist_${'a'.repeat(43)}`;
const LIST_STREAMS: RequestAttributes = { kind: 'resource', attributes: { verb: 'list', apiGroup: 'image.openshift.io', resource: 'imagestreams', namespace: 'team-a' } };
const EMPTY_POLICY: PolicySource = { clusterRole: () => undefined, role: () => undefined, clusterRoleBindings: () => [], roleBindings: () => [] };

/** AccessControl with its storage replaced: what it decides from a header, a stored token and a policy. */
function accessControl(enabled: boolean, owner?: TokenOwner) {
  const lookups: string[] = [];
  const tokens = {
    ownerOf: async (hash: string) => {
      lookups.push(hash);
      return owner;
    },
    markUsed: async () => undefined,
  } as unknown as AccessTokensRepository;
  const policy = { snapshot: async () => EMPTY_POLICY } as unknown as PolicyStore;
  const changes = { onChange: () => undefined, announce: () => undefined } as unknown as AccessChanges;
  return { access: new AccessControl({ enabled, bootstrapAdminToken: '' }, tokens, policy, changes), lookups };
}

describe('AccessControl', () => {
  it('with AUTHORIZATION=disabled makes every caller a cluster admin and allows everything', async () => {
    const { access, lookups } = accessControl(false);

    for (const header of [undefined, 'Bearer forged', `Bearer ${TOKEN}`]) {
      expect(await access.authenticate(header)).toMatchObject({ kind: 'User', username: 'admin', groups: expect.arrayContaining(['system:masters']) });
    }
    expect(await access.authorize(ANONYMOUS, LIST_STREAMS)).toMatchObject({ allowed: true });
    expect(lookups).toEqual([]);
  });

  it('reads no header (or an empty one) as anonymous', async () => {
    const { access } = accessControl(true);

    expect(await access.authenticate(undefined)).toBe(ANONYMOUS);
    expect(await access.authenticate('  ')).toBe(ANONYMOUS);
  });

  it.each([
    ['an unknown token', `Bearer ${TOKEN}`, undefined],
    ['a malformed token', 'Bearer abc', undefined],
    ['Basic where only Bearer is accepted', `Basic ${Buffer.from(`u:${TOKEN}`).toString('base64')}`, { kind: 'User' as const, name: 'alice' }],
    ['an expired token', `Bearer ${TOKEN}`, { kind: 'User' as const, name: 'alice' }, new Date(Date.now() - 1000)],
  ])('refuses %s', async (_what, header, subject, expiresAt: Date | null = null) => {
    const { access } = accessControl(true, subject ? { subject, expiresAt, groups: [], lastUsedAt: null } : undefined);

    await expect(access.authenticate(header)).rejects.toBeInstanceOf(AuthenticationFailed);
  });

  it('accepts the token as the Basic password where allowed (registry logins)', async () => {
    const { access } = accessControl(true, { subject: { kind: 'ServiceAccount', namespace: 'ci', name: 'bot' }, expiresAt: null, groups: [], lastUsedAt: null });

    expect(await access.authenticate(`Basic ${Buffer.from(`anyone:${TOKEN}`).toString('base64')}`, { allowBasic: true })).toMatchObject({
      kind: 'ServiceAccount',
      username: 'system:serviceaccount:ci:bot',
    });
  });

  it('asks Postgres once for repeated requests with one token, and again after a change is announced', async () => {
    const { access, lookups } = accessControl(true, { subject: { kind: 'User', name: 'alice' }, expiresAt: null, groups: ['dev'], lastUsedAt: new Date() });

    const first = await access.authenticate(`Bearer ${TOKEN}`);
    await access.authenticate(`Bearer ${TOKEN}`);
    expect(first).toMatchObject({ kind: 'User', username: 'alice', groups: ['dev', 'system:authenticated'] });
    expect(lookups).toHaveLength(1);

    access.credentialsChanged();
    await access.authenticate(`Bearer ${TOKEN}`);
    expect(lookups).toHaveLength(2);
  });

  it('denies what no binding allows when enabled', async () => {
    const { access } = accessControl(true);

    expect(await access.authorize(ANONYMOUS, LIST_STREAMS)).toMatchObject({ allowed: false });
  });
});
