import { RegistryRequests } from '@imagestreams/contracts';
import {
  ANONYMOUS,
  authorize,
  BUILT_IN_CLUSTER_ROLES,
  serviceAccountIdentity,
  userIdentity,
  type Identity,
  type PolicySource,
  type RequestAttributes,
  type RoleBinding,
} from '@imagestreams/domain-access';
import type { OwnerClient } from '@imagestreams/platform-messaging';
import { randomBytes } from 'node:crypto';
import type { AccessControl } from '../../access/access-control';
import { AuthenticationFailed } from '../../access/authentication-failed';
import { repositoryName } from '../repository-name';
import { RegistryAccess, type RegistryCaller } from './registry-access';
import type { RegistryTokenKeysRepository } from './registry-token-keys.repository';
import { RegistryTokens } from './registry-tokens';

const viewer = serviceAccountIdentity('team-a', 'viewer');
const pusher = userIdentity('pusher');
const editor = userIdentity('editor');
const alice = userIdentity('alice');
const ACCESS_TOKENS: Record<string, Identity> = { [`ist_${'v'.repeat(43)}`]: viewer, [`ist_${'e'.repeat(43)}`]: editor };

const binding = (name: string, role: string, subject: RoleBinding['subjects'][number]): RoleBinding => ({ namespace: 'team-a', name, roleRef: { kind: 'ClusterRole', name: role }, subjects: [subject] });
const bindings = [
  binding('viewers', 'view', { kind: 'ServiceAccount', name: 'viewer', namespace: 'team-a' }),
  binding('pushers', 'system:image-pusher', { kind: 'User', name: 'pusher' }),
  binding('editors', 'edit', { kind: 'User', name: 'editor' }),
];
const policy: PolicySource = {
  clusterRole: (name) => BUILT_IN_CLUSTER_ROLES[name],
  role: () => undefined,
  clusterRoleBindings: () => [],
  roleBindings: (namespace) => (namespace === 'team-a' ? bindings : []),
};

/** AccessControl's contract without its tables: access tokens from a map, RBAC over the built-in roles. */
function accessControl(enabled = true): AccessControl {
  return {
    enabled,
    authenticate: async (authorization: string | undefined) => {
      if (!enabled) return userIdentity('admin', ['system:masters']);
      if (authorization === undefined) return ANONYMOUS;
      const token = authorization.replace(/^Bearer /, '');
      const identity = ACCESS_TOKENS[token];
      if (!identity) throw new AuthenticationFailed('unknown token');
      return identity;
    },
    authorize: async (identity: Identity, request: RequestAttributes) => (enabled ? authorize(identity, request, policy) : { allowed: true, reason: 'disabled' }),
  } as unknown as AccessControl;
}

/** stream-service as far as the registry asks it here: which repositories exist (team-a/web). */
class FakeOwners {
  readonly calls: string[] = [];

  async request(definition: { subject: string }, payload: { namespace: string; stream: string }): Promise<unknown> {
    this.calls.push(definition.subject);
    if (definition.subject !== RegistryRequests.listTags.subject) throw new Error(`unexpected request ${definition.subject}`);
    return { repositoryExists: `${payload.namespace}/${payload.stream}` === 'team-a/web', tags: [] };
  }
}

async function setUp(options: { enabled?: boolean; withAccess?: boolean } = {}) {
  const owners = new FakeOwners();
  const keys = { sharedKey: async () => randomBytes(32) } as unknown as RegistryTokenKeysRepository;
  const tokens = new RegistryTokens({ tokenKey: '', tokenTtlSeconds: 300, service: 'imagestreams-registry', realm: '' }, keys);
  await tokens.onModuleInit();
  const access = new RegistryAccess(tokens, owners as unknown as OwnerClient, options.withAccess === false ? undefined : accessControl(options.enabled ?? true));
  return { access, tokens, owners };
}

const web = repositoryName('team-a', 'web');
const fresh = repositoryName('team-a', 'fresh');
const live = (identity: Identity): RegistryCaller => ({ via: 'credentials', identity });

describe('RegistryAccess', () => {
  describe('with access tokens or no credentials (decided live by RBAC)', () => {
    it('lets a viewer pull and denies it push and delete', async () => {
      const { access } = await setUp();
      expect(await access.check(live(viewer), web, 'pull')).toBe('allowed');
      expect(await access.check(live(viewer), web, 'push')).toBe('denied');
      expect(await access.check(live(viewer), web, 'delete')).toBe('denied');
    });

    it('sends anonymous callers to log in instead of denying them', async () => {
      const { access } = await setUp();
      expect(await access.check(live(ANONYMOUS), web, 'pull')).toBe('unauthorized');
    });

    it('denies callers without any binding in the namespace, whether or not the repository exists', async () => {
      const { access, owners } = await setUp();
      expect(await access.check(live(alice), web, 'pull')).toBe('denied');
      expect(await access.check(live(alice), repositoryName('team-a', 'nothing-here'), 'pull')).toBe('denied');
      expect(owners.calls).toEqual([]);
    });

    it('lets a pusher who may not create streams push only into streams that exist', async () => {
      const { access, owners } = await setUp();
      expect(await access.check(live(pusher), web, 'push', true)).toBe('allowed');
      expect(await access.check(live(pusher), fresh, 'push', true)).toBe('denied');
      expect(owners.calls).toEqual([RegistryRequests.listTags.subject, RegistryRequests.listTags.subject]);
      // Continuing an upload creates nothing, so existence is not asked.
      expect(await access.check(live(pusher), fresh, 'push', false)).toBe('allowed');
      expect(owners.calls).toHaveLength(2);
    });

    it('lets an editor create streams by pushing, without asking whether they exist', async () => {
      const { access, owners } = await setUp();
      expect(await access.check(live(editor), fresh, 'push', true)).toBe('allowed');
      expect(owners.calls).toEqual([]);
    });
  });

  describe('with a registry token (decided by its access claim)', () => {
    const tokenCaller = async (access: RegistryAccess, tokens: RegistryTokens, identity: Identity, actions: string[]): Promise<RegistryCaller> => {
      const { token } = await tokens.issue(identity, [{ type: 'repository', name: 'team-a/web', actions }]);
      return access.authenticate(`Bearer ${token}`);
    };

    it('allows what the claim grants, even where RBAC would not any more', async () => {
      const { access, tokens } = await setUp();
      const caller = await tokenCaller(access, tokens, alice, ['pull']);
      expect(caller).toEqual({ via: 'token', identity: alice, access: [{ type: 'repository', name: 'team-a/web', actions: ['pull'] }] });
      expect(await access.check(caller, web, 'pull')).toBe('allowed');
    });

    it('asks for a token with more scope when RBAC would allow the missing action, and denies otherwise', async () => {
      const { access, tokens } = await setUp();
      expect(await access.check(await tokenCaller(access, tokens, editor, ['pull']), web, 'push')).toBe('insufficient_scope');
      expect(await access.check(await tokenCaller(access, tokens, viewer, ['pull']), web, 'push')).toBe('denied');
      expect(await access.check(await tokenCaller(access, tokens, ANONYMOUS, []), web, 'pull')).toBe('unauthorized');
    });

    it('refuses a token it did not sign', async () => {
      const { access } = await setUp();
      const other = await setUp();
      const { token } = await other.tokens.issue(editor, [{ type: 'repository', name: 'team-a/web', actions: ['*'] }]);
      await expect(access.authenticate(`Bearer ${token}`)).rejects.toBeInstanceOf(AuthenticationFailed);
    });
  });

  describe('authenticate', () => {
    it('reads access tokens (Bearer) as their owner and no credentials as anonymous', async () => {
      const { access } = await setUp();
      await expect(access.authenticate(`Bearer ist_${'v'.repeat(43)}`)).resolves.toEqual({ via: 'credentials', identity: viewer });
      await expect(access.authenticate(undefined)).resolves.toEqual({ via: 'credentials', identity: ANONYMOUS });
      await expect(access.authenticate(`Bearer ist_${'x'.repeat(43)}`)).rejects.toBeInstanceOf(AuthenticationFailed);
    });

    it('leaves the registry open without AccessControl or with AUTHORIZATION=disabled', async () => {
      const absent = (await setUp({ withAccess: false })).access;
      expect(absent.enforced).toBe(false);
      await expect(absent.authenticate(undefined)).resolves.toEqual({ via: 'open' });
      const disabled = (await setUp({ enabled: false })).access;
      const caller = await disabled.authenticate(undefined);
      expect(caller).toEqual({ via: 'open', identity: userIdentity('admin', ['system:masters']) });
      expect(await disabled.check(caller, fresh, 'delete')).toBe('allowed');
    });
  });

  describe('grant (what /v2/token puts in a token)', () => {
    it('grants the requested actions the caller may do, possibly none', async () => {
      const { access } = await setUp();
      const scopes = [{ type: 'repository' as const, name: 'team-a/web', actions: ['pull', 'push'] }];
      expect(await access.grant(live(viewer), scopes)).toEqual([{ type: 'repository', name: 'team-a/web', actions: ['pull'] }]);
      expect(await access.grant(live(editor), scopes)).toEqual([{ type: 'repository', name: 'team-a/web', actions: ['pull', 'push'] }]);
      expect(await access.grant(live(ANONYMOUS), scopes)).toEqual([{ type: 'repository', name: 'team-a/web', actions: [] }]);
    });

    it('grants push into a new stream only to callers who may create streams', async () => {
      const { access } = await setUp();
      const scopes = [{ type: 'repository' as const, name: 'team-a/fresh', actions: ['push'] }];
      expect(await access.grant(live(pusher), scopes)).toEqual([{ type: 'repository', name: 'team-a/fresh', actions: [] }]);
      expect(await access.grant(live(editor), scopes)).toEqual([{ type: 'repository', name: 'team-a/fresh', actions: ['push'] }]);
    });

    it('grants * only to callers who may pull, push and delete, and the allowed subset to others', async () => {
      const { access } = await setUp();
      const scopes = [{ type: 'repository' as const, name: 'team-a/web', actions: ['*'] }];
      expect(await access.grant(live(editor), scopes)).toEqual([{ type: 'repository', name: 'team-a/web', actions: ['*'] }]);
      expect(await access.grant(live(pusher), scopes)).toEqual([{ type: 'repository', name: 'team-a/web', actions: ['pull', 'push'] }]);
    });

    it('grants the catalog to anyone and nothing for names that are not <namespace>/<stream>', async () => {
      const { access } = await setUp();
      const granted = await access.grant(live(ANONYMOUS), [
        { type: 'registry', name: 'catalog', actions: ['*'] },
        { type: 'repository', name: 'team-a/web/extra', actions: ['pull'] },
      ]);
      expect(granted).toEqual([{ type: 'registry', name: 'catalog', actions: ['*'] }]);
    });
  });

  describe('mayPull (mount sources and the catalog)', () => {
    it('reads a token\'s claim for mounts and RBAC for the catalog', async () => {
      const { access, tokens } = await setUp();
      const { token } = await tokens.issue(editor, [{ type: 'repository', name: 'team-a/web', actions: ['push'] }]);
      const caller = await access.authenticate(`Bearer ${token}`);
      expect(await access.mayPull(caller, 'team-a/web', true)).toBe(false);
      expect(await access.mayPull(caller, 'team-a/web', false)).toBe(true);
      expect(await access.mayPull(live(alice), 'team-a/web', false)).toBe(false);
    });
  });
});
