import { successStatus, TriggerRequests } from '@imagestreams/contracts';
import { hashAccessToken } from '@imagestreams/domain-access';
import { bearerHeaders, generateAccessToken, testDatabaseUrl, testNatsUrl } from '@imagestreams/testing';
import type { Server } from 'node:http';
import request from 'supertest';
import { API_RESOURCES } from '../discovery/api-resources';
import { GatewayWithDatabase } from '../testing/gateway-with-database';

/**
 * The gateway's access check and identity APIs over real HTTP, against real Postgres (a database
 * of its own) and NATS; the owning services are stand-ins, since every decision here is taken
 * before one would be asked.
 */
describe('access control (Postgres, NATS, HTTP)', () => {
  const gateway = new GatewayWithDatabase({ postgresUrl: testDatabaseUrl(), natsUrl: testNatsUrl() }, 'access_int');
  const owners = gateway.owners;
  const adminToken = generateAccessToken();
  let http: Server;

  beforeAll(async () => {
    await gateway.create({ BOOTSTRAP_ADMIN_TOKEN: adminToken });
    owners.answer(TriggerRequests.receiveBuildWebhook, () => successStatus(200));
    http = await gateway.startReplica();
  }, 60_000);

  afterAll(() => gateway.destroy());

  const get = (url: string, token?: string) => request(http).get(url).set(bearerHeaders(token));
  const post = (url: string, body: object, token?: string) => request(http).post(url).set(bearerHeaders(token)).send(body);
  const del = (url: string, token?: string) => request(http).delete(url).set(bearerHeaders(token));

  const USERS = '/apis/user.openshift.io/v1/users';
  const TOKENS = '/apis/access.imagestreams.io/v1/accesstokens';
  const streamsIn = (namespace: string) => `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams`;
  const serviceAccountsIn = (namespace: string) => `/api/v1/namespaces/${namespace}/serviceaccounts`;

  async function createUser(name: string, groups: string[] = []): Promise<void> {
    const response = await post(USERS, { metadata: { name }, groups }, adminToken);
    expect(response.status).toBe(201);
  }

  /** A new token for `subject`, created by `creator`. */
  async function tokenFor(creator: string, spec: Record<string, unknown> = {}): Promise<{ token: string; name: string }> {
    const response = await post(TOKENS, { spec }, creator);
    expect(response.status).toBe(201);
    const body = response.body as { metadata: { name: string }; status: { token: string } };
    return { token: body.status.token, name: body.metadata.name };
  }

  /** Polls until `check` holds or the deadline passes (then fails with the last answer). */
  async function eventually(check: () => Promise<boolean>, deadlineMs = 10_000): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('condition not met before the deadline');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  describe('anonymous callers', () => {
    it.each(['/api', '/api/v1', '/apis', '/apis/user.openshift.io', '/apis/user.openshift.io/v1', '/version'])('may read discovery at %s', async (url) => {
      expect((await get(url)).status).toBe(200);
    });

    it.each(['/api', '/apis', '/apis/user.openshift.io/v1'])('with a bad token are refused even at discovery %s (a token is never taken as anonymous)', async (url) => {
      const forged = `ist_${'A'.repeat(43)}`;
      expect((await get(url, forged)).status).toBe(401);
      expect((await get(url, 'not-a-token')).status).toBe(401);
    });

    it('are 401 Unauthorized on a namespaced list, before any owner is asked', async () => {
      const before = owners.calls.length;
      const response = await get(streamsIn('team-a'));

      expect(response.status).toBe(401);
      expect(response.body).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
      expect(owners.calls.length).toBe(before);
    });

    it('are 401 on the same path spelled in capitals (Express routes it alike)', async () => {
      expect((await get('/APIS/image.openshift.io/v1/namespaces/team-a/imagestreams')).status).toBe(401);
    });

    it('may still call an inbound build webhook: the secret in its path is the credential', async () => {
      const response = await request(http).post('/apis/build.openshift.io/v1/namespaces/team-a/buildconfigs/web/webhooks/s3cr3t/generic').send({});

      expect(response.status).toBe(200);
      expect(owners.subjects()).toContain(TriggerRequests.receiveBuildWebhook.subject);
    });
  });

  describe('presented credentials', () => {
    it.each([
      ['an unknown token', `Bearer ${generateAccessToken()}`],
      ['a malformed token', 'Bearer not-a-token'],
      ['an unsupported scheme', `Basic ${Buffer.from(`x:${generateAccessToken()}`).toString('base64')}`],
    ])('answer 401 for %s, never reading it as anonymous', async (_what, authorization) => {
      const response = await request(http).get('/apis/user.openshift.io/v1/users/~').set('authorization', authorization);

      expect(response.status).toBe(401);
      expect(response.body).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    });

    it('the bootstrap token is user admin, a cluster admin', async () => {
      const me = await get(`${USERS}/~`, adminToken);
      const users = await get(USERS, adminToken);

      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ kind: 'User', apiVersion: 'user.openshift.io/v1', metadata: { name: 'admin' }, groups: ['system:authenticated'] });
      expect(users.status).toBe(200);
      expect((users.body as { items: { metadata: { name: string } }[] }).items.map((user) => user.metadata.name)).toContain('admin');
      expect((await get(streamsIn('team-a'), adminToken)).status).toBe(200);
    });
  });

  describe('access tokens', () => {
    it('are answered once on create, listed without the token, and refused once revoked', async () => {
      await createUser('alice', ['developers']);
      const { token, name } = await tokenFor(adminToken, { subject: { kind: 'User', name: 'alice' }, description: 'laptop' });

      expect(token).toMatch(/^ist_[A-Za-z0-9_-]{43}$/);
      expect(name).toBe(`sha256~${hashAccessToken(token).slice(0, 12)}`);
      const me = await get(`${USERS}/~`, token);
      expect(me.body).toMatchObject({ metadata: { name: 'alice' }, groups: expect.arrayContaining(['developers', 'system:authenticated']) });

      const list = await get(TOKENS, token);
      expect(list.status).toBe(200);
      expect(list.body).toMatchObject({ kind: 'AccessTokenList', items: [{ metadata: { name }, spec: { subject: { kind: 'User', name: 'alice' }, description: 'laptop' } }] });
      expect(JSON.stringify(list.body)).not.toContain(token);
      expect(JSON.stringify((await get(`${TOKENS}/${name}`, adminToken)).body)).not.toContain(token);

      const revoked = await del(`${TOKENS}/${name}`, token);
      expect(revoked.status).toBe(200);
      expect((await get(`${USERS}/~`, token)).status).toBe(401);
    });

    it('a user mints its own without any binding, but not for anyone else', async () => {
      await createUser('bob');
      const bob = (await tokenFor(adminToken, { subject: { kind: 'User', name: 'bob' } })).token;

      const own = await post(TOKENS, { spec: { expiresInSeconds: 3600 } }, bob);
      expect(own.status).toBe(201);
      expect(own.body).toMatchObject({ spec: { subject: { kind: 'User', name: 'bob' }, expiresAt: expect.any(String) } });

      const forAlice = await post(TOKENS, { spec: { subject: { kind: 'User', name: 'alice' } } }, bob);
      expect(forAlice.status).toBe(403);
      expect(forAlice.body).toMatchObject({ reason: 'Forbidden', message: 'User "bob" cannot create resource "accesstokens" in API group "access.imagestreams.io" at the cluster scope' });

      const others = await get(TOKENS, bob);
      expect((others.body as { items: { spec: { subject: { name: string } } }[] }).items.every((item) => item.spec.subject.name === 'bob')).toBe(true);
    });

    it('an expired token is 401', async () => {
      const { token } = await tokenFor(adminToken, { subject: { kind: 'User', name: 'alice' }, expiresInSeconds: 2 });

      expect((await get(`${USERS}/~`, token)).status).toBe(200);
      await eventually(async () => (await get(`${USERS}/~`, token)).status === 401);
    });

    it('rejects an invalid request with 422 naming the field', async () => {
      const past = await post(TOKENS, { spec: { expiresAt: '2020-01-01T00:00:00Z' } }, adminToken);
      const both = await post(TOKENS, { spec: { expiresAt: '2999-01-01T00:00:00Z', expiresInSeconds: 5 } }, adminToken);
      const kind = await post(TOKENS, { spec: { subject: { kind: 'Group', name: 'x' } } }, adminToken);
      const namespacedUser = await post(TOKENS, { spec: { subject: { kind: 'User', name: 'alice', namespace: 'team-a' } } }, adminToken);

      expect(past.status).toBe(422);
      expect(past.body).toMatchObject({ reason: 'Invalid', details: { causes: [{ field: 'spec.expiresAt' }] } });
      expect(both.status).toBe(422);
      expect(kind.status).toBe(422);
      expect(kind.body).toMatchObject({ details: { causes: [{ field: 'spec.subject.kind', reason: 'FieldValueNotSupported' }] } });
      expect(namespacedUser.status).toBe(422);
      expect(namespacedUser.body).toMatchObject({ details: { causes: [{ field: 'spec.subject.namespace' }] } });
    });
  });

  describe('users', () => {
    it('answer 409 for a taken name and 422 for an impossible one', async () => {
      await createUser('erin');

      expect((await post(USERS, { metadata: { name: 'erin' } }, adminToken)).status).toBe(409);
      const invalid = await post(USERS, { metadata: { name: 'system:erin' }, groups: ['system:masters'] }, adminToken);
      expect(invalid.status).toBe(422);
      expect((invalid.body as { details: { causes: { field: string }[] } }).details.causes.map((cause) => cause.field)).toEqual(['metadata.name', 'groups']);
    });

    it('deleting a user revokes its tokens', async () => {
      await createUser('dave');
      const { token } = await tokenFor(adminToken, { subject: { kind: 'User', name: 'dave' } });
      expect((await get(`${USERS}/~`, token)).status).toBe(200);

      expect((await del(`${USERS}/dave`, adminToken)).status).toBe(200);
      expect((await get(`${USERS}/~`, token)).status).toBe(401);
      expect((await get(`${USERS}/dave`, adminToken)).status).toBe(404);
    });
  });

  describe('denials and namespaces', () => {
    let carol: string;

    beforeAll(async () => {
      await createUser('carol');
      carol = (await tokenFor(adminToken, { subject: { kind: 'User', name: 'carol' } })).token;
    });

    it('an authenticated caller without a binding is 403 Forbidden, naming user, verb, resource and namespace', async () => {
      const response = await get(`${streamsIn('team-a')}/web`, carol);

      expect(response.status).toBe(403);
      expect(response.body).toEqual({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'User "carol" cannot get resource "imagestreams" in API group "image.openshift.io" in the namespace "team-a"',
        reason: 'Forbidden',
        details: { name: 'web', group: 'image.openshift.io', kind: 'imagestreams' },
        code: 403,
      });
    });

    it('a list across all namespaces needs the verb cluster-wide', async () => {
      expect((await get('/apis/image.openshift.io/v1/imagestreams', carol)).status).toBe(403);
      expect((await get('/apis/image.openshift.io/v1/imagestreams', adminToken)).status).toBe(200);
    });

    it('the creator of a namespace becomes its admin', async () => {
      const created = await post('/api/v1/namespaces', { metadata: { name: 'carol-space' } }, carol);

      expect(created.status).toBe(201);
      expect((await get(streamsIn('carol-space'), carol)).status).toBe(200);
      expect((await get(streamsIn('team-a'), carol)).status).toBe(403);
    });

    it("a namespace admin manages its service accounts' tokens", async () => {
      expect((await post(serviceAccountsIn('carol-space'), { metadata: { name: 'ci' } }, carol)).status).toBe(201);

      const response = await post(TOKENS, { spec: { subject: { kind: 'ServiceAccount', namespace: 'carol-space', name: 'ci' } } }, carol);
      expect(response.status).toBe(201);
      expect((await get(`${USERS}/~`, (response.body as { status: { token: string } }).status.token)).body).toMatchObject({
        metadata: { name: 'system:serviceaccount:carol-space:ci' },
      });
    });
  });

  describe('service accounts', () => {
    let token: string;

    beforeAll(async () => {
      expect((await post('/api/v1/namespaces', { metadata: { name: 'team-b' } }, adminToken)).status).toBe(201);
      expect((await post(serviceAccountsIn('team-b'), { metadata: { name: 'builder' } }, adminToken)).status).toBe(201);
      token = (await tokenFor(adminToken, { subject: { kind: 'ServiceAccount', namespace: 'team-b', name: 'builder' } })).token;
    });

    it('are listed in their namespace; creating one in a missing namespace is 404', async () => {
      const list = await get(serviceAccountsIn('team-b'), adminToken);
      const missing = await post(serviceAccountsIn('nowhere'), { metadata: { name: 'x' } }, adminToken);

      expect(list.body).toMatchObject({ kind: 'ServiceAccountList', items: [{ kind: 'ServiceAccount', metadata: { name: 'builder', namespace: 'team-b' } }] });
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ reason: 'NotFound', details: { kind: 'namespaces', name: 'nowhere' } });
    });

    it('users/~ answers a made-up User with the service account groups', async () => {
      const me = await get(`${USERS}/~`, token);

      expect(me.status).toBe(200);
      expect(me.body).toEqual({
        kind: 'User',
        apiVersion: 'user.openshift.io/v1',
        metadata: { name: 'system:serviceaccount:team-b:builder' },
        identities: [],
        groups: ['system:authenticated', 'system:serviceaccounts', 'system:serviceaccounts:team-b'],
      });
    });

    it('a token works once the account is bound, and stops when the account is deleted', async () => {
      expect((await get(streamsIn('team-b'), token)).status).toBe(403);

      const binding = await post(
        '/apis/rbac.authorization.k8s.io/v1/namespaces/team-b/rolebindings',
        {
          metadata: { name: 'builder-edits' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
          subjects: [{ kind: 'ServiceAccount', name: 'builder', namespace: 'team-b' }],
        },
        adminToken,
      );
      expect(binding.status).toBe(201);
      expect((await get(streamsIn('team-b'), token)).status).toBe(200);

      expect((await del(`${serviceAccountsIn('team-b')}/builder`, adminToken)).status).toBe(200);
      expect((await get(streamsIn('team-b'), token)).status).toBe(401);
    });
  });

  it('documents the identity routes, with request schemas from their DTOs', async () => {
    const response = await get('/openapi.json');
    const document = response.body as { paths: Record<string, unknown>; components: { schemas: Record<string, { properties?: Record<string, unknown> }> } };

    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([USERS, `${USERS}/{name}`, '/api/v1/namespaces/{namespace}/serviceaccounts', TOKENS, `${TOKENS}/{name}`]),
    );
    expect(document.components.schemas['AccessTokenSpecInput'].properties).toMatchObject({ expiresInSeconds: { type: 'integer' }, subject: expect.anything() });
    expect(document.components.schemas['UserInput'].properties).toMatchObject({ groups: { type: 'array' } });
  });

  it('advertises every declared resource, the identity ones included, once the gateway has its database', async () => {
    const missing: string[] = [];
    for (const declaration of API_RESOURCES) {
      const response = await get(declaration.groupVersion === 'v1' ? '/api/v1' : `/apis/${declaration.groupVersion}`);
      const names = ((response.body as { resources?: { name: string }[] }).resources ?? []).map((resource) => resource.name);
      if (!names.includes(declaration.name)) missing.push(`${declaration.groupVersion} ${declaration.name}`);
    }

    expect(missing).toEqual([]);
  });
});
