import { type AuditEvent, type AuditEventList } from '@imagestreams/contracts';
import { bearerHeaders, generateAccessToken, testDatabaseUrl, testNatsUrl } from '@imagestreams/testing';
import type { Server } from 'node:http';
import { Client } from 'pg';
import request from 'supertest';
import { GatewayWithDatabase } from '../../testing/gateway-with-database';
import { AuditPruner } from '../audit/audit-pruner';
import { POLICY_TTL_MS } from './policy-store';

/**
 * RBAC objects, SelfSubjectAccessReview and the audit trail over real HTTP, against real Postgres
 * (a database of its own) and NATS, with two gateway replicas sharing them: a change made through
 * one must reach the other by notification, well before the policy cache would expire. The owning
 * services are stand-ins: every decision here is the gateway's.
 */
describe('RBAC and audit (Postgres, NATS, HTTP, two replicas)', () => {
  const gateway = new GatewayWithDatabase({ postgresUrl: testDatabaseUrl(), natsUrl: testNatsUrl() }, 'rbac_int');
  const adminToken = generateAccessToken();
  let one: Server;
  let two: Server;

  beforeAll(async () => {
    await gateway.create({ BOOTSTRAP_ADMIN_TOKEN: adminToken });
    one = await gateway.startReplica();
    two = await gateway.startReplica();
  }, 90_000);

  afterAll(() => gateway.destroy());

  const RBAC = '/apis/rbac.authorization.k8s.io/v1';
  const SSAR = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';
  const AUDIT = '/apis/access.imagestreams.io/v1/auditevents';
  const streamsIn = (namespace: string) => `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams`;

  const get = (url: string, token?: string, server = one) => request(server).get(url).set(bearerHeaders(token));
  const post = (url: string, body: object, token?: string, server = one) => request(server).post(url).set(bearerHeaders(token)).send(body);
  const put = (url: string, body: object, token?: string) => request(one).put(url).set(bearerHeaders(token)).send(body);
  const patch = (url: string, body: object, token?: string) => request(one).patch(url).set({ ...bearerHeaders(token), 'content-type': 'application/merge-patch+json' }).send(JSON.stringify(body));
  const del = (url: string, token?: string, server = one) => request(server).delete(url).set(bearerHeaders(token));

  /** A user with a token, created by the bootstrap admin. */
  async function userWithToken(name: string): Promise<string> {
    expect((await post('/apis/user.openshift.io/v1/users', { metadata: { name } }, adminToken)).status).toBe(201);
    const token = await post('/apis/access.imagestreams.io/v1/accesstokens', { spec: { subject: { kind: 'User', name } } }, adminToken);
    expect(token.status).toBe(201);
    return (token.body as { status: { token: string } }).status.token;
  }

  async function namespace(name: string, token = adminToken): Promise<void> {
    expect((await post('/api/v1/namespaces', { metadata: { name } }, token)).status).toBe(201);
  }

  /** Polls until `check` holds or the deadline passes. */
  async function eventually(check: () => Promise<boolean>, deadlineMs = 10_000): Promise<void> {
    const deadline = Date.now() + deadlineMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('condition not met before the deadline');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  const streamReader = (name: string) => ({
    metadata: { name },
    rules: [{ verbs: ['get', 'list'], apiGroups: ['image.openshift.io'], resources: ['imagestreams'] }],
  });
  const bindingTo = (name: string, roleRef: { kind: string; name: string }, subjects: object[]) => ({
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
    subjects,
  });

  describe('granting and revoking', () => {
    let dana: string;

    beforeAll(async () => {
      dana = await userWithToken('dana');
      await namespace('grants');
    });

    it('a Role bound to a user grants at once on the writing replica and, by notification, on the other', async () => {
      // Both replicas have just loaded the policy: only a notification can change the other's answer before the cache expires.
      expect((await get(streamsIn('grants'), dana, one)).status).toBe(403);
      expect((await get(streamsIn('grants'), dana, two)).status).toBe(403);
      const written = Date.now();

      expect((await post(`${RBAC}/namespaces/grants/roles`, streamReader('stream-reader'), adminToken)).status).toBe(201);
      const created = await post(`${RBAC}/namespaces/grants/rolebindings`, bindingTo('dana-reads', { kind: 'Role', name: 'stream-reader' }, [{ kind: 'User', name: 'dana' }]), adminToken);
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        kind: 'RoleBinding',
        apiVersion: 'rbac.authorization.k8s.io/v1',
        metadata: { name: 'dana-reads', namespace: 'grants', uid: expect.any(String), resourceVersion: expect.stringMatching(/^\d+$/) },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'stream-reader' },
        subjects: [{ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'dana' }],
      });

      expect((await get(streamsIn('grants'), dana, one)).status).toBe(200);
      await eventually(async () => (await get(streamsIn('grants'), dana, two)).status === 200, POLICY_TTL_MS / 2);
      expect(Date.now() - written).toBeLessThan(POLICY_TTL_MS);
      expect((await get(streamsIn('elsewhere'), dana)).status).toBe(403);
    });

    it('deleting the binding takes the access away on both replicas', async () => {
      // A write on replica one makes it reload now: within the deadline below only a notification can change its answer.
      expect((await post(`${RBAC}/namespaces/grants/roles`, streamReader('reload-one'), adminToken, one)).status).toBe(201);
      expect((await get(streamsIn('grants'), dana, one)).status).toBe(200);
      const deleted = await del(`${RBAC}/namespaces/grants/rolebindings/dana-reads`, adminToken, two);

      expect(deleted.status).toBe(200);
      expect(deleted.body).toMatchObject({ kind: 'Status', status: 'Success', details: { name: 'dana-reads', group: 'rbac.authorization.k8s.io', kind: 'rolebindings' } });
      expect((await get(streamsIn('grants'), dana, two)).status).toBe(403);
      await eventually(async () => (await get(streamsIn('grants'), dana, one)).status === 403, POLICY_TTL_MS / 2);
      expect((await get(`${RBAC}/namespaces/grants/rolebindings/dana-reads`, adminToken)).status).toBe(404);
    });

    it("a service account bound by name (its namespace defaulted to the binding's) gains and loses access", async () => {
      expect((await post('/api/v1/namespaces/grants/serviceaccounts', { metadata: { name: 'ci' } }, adminToken)).status).toBe(201);
      const minted = await post('/apis/access.imagestreams.io/v1/accesstokens', { spec: { subject: { kind: 'ServiceAccount', namespace: 'grants', name: 'ci' } } }, adminToken);
      const ci = (minted.body as { status: { token: string } }).status.token;
      expect((await get(streamsIn('grants'), ci)).status).toBe(403);

      const bound = await post(`${RBAC}/namespaces/grants/rolebindings`, bindingTo('ci-views', { kind: 'ClusterRole', name: 'view' }, [{ kind: 'ServiceAccount', name: 'ci' }]), adminToken);
      expect(bound.body).toMatchObject({ subjects: [{ kind: 'ServiceAccount', apiGroup: '', name: 'ci', namespace: 'grants' }] });
      expect((await get(streamsIn('grants'), ci)).status).toBe(200);

      expect((await del(`${RBAC}/namespaces/grants/rolebindings/ci-views`, adminToken)).status).toBe(200);
      expect((await get(streamsIn('grants'), ci)).status).toBe(403);
    });

    it('deleting the Role leaves its bindings granting nothing', async () => {
      await post(`${RBAC}/namespaces/grants/rolebindings`, bindingTo('dana-again', { kind: 'Role', name: 'stream-reader' }, [{ kind: 'User', name: 'dana' }]), adminToken);
      expect((await get(streamsIn('grants'), dana)).status).toBe(200);

      expect((await del(`${RBAC}/namespaces/grants/roles/stream-reader`, adminToken)).status).toBe(200);
      expect((await get(streamsIn('grants'), dana)).status).toBe(403);
    });

    it('a ClusterRoleBinding grants everywhere', async () => {
      const bound = await post(`${RBAC}/clusterrolebindings`, bindingTo('dana-views-all', { kind: 'ClusterRole', name: 'view' }, [{ kind: 'User', name: 'dana' }]), adminToken);

      expect(bound.status).toBe(201);
      expect((await get(streamsIn('anywhere'), dana)).status).toBe(200);
      expect((await get('/apis/image.openshift.io/v1/imagestreams', dana)).status).toBe(200);
      expect((await del(`${RBAC}/clusterrolebindings/dana-views-all`, adminToken)).status).toBe(200);
      expect((await get(streamsIn('anywhere'), dana)).status).toBe(403);
    });
  });

  describe('validation', () => {
    beforeAll(async () => {
      await namespace('checks');
      expect((await post(`${RBAC}/namespaces/checks/roles`, streamReader('reader'), adminToken)).status).toBe(201);
    });

    it('a binding to a role that does not exist is 422 naming roleRef.name', async () => {
      const missingRole = await post(`${RBAC}/namespaces/checks/rolebindings`, bindingTo('b', { kind: 'Role', name: 'nope' }, []), adminToken);
      const missingClusterRole = await post(`${RBAC}/clusterrolebindings`, bindingTo('b', { kind: 'ClusterRole', name: 'nope' }, []), adminToken);
      const roleOfAnotherNamespace = await post(`${RBAC}/namespaces/grants/rolebindings`, bindingTo('b', { kind: 'Role', name: 'reader' }, []), adminToken);

      for (const response of [missingRole, missingClusterRole, roleOfAnotherNamespace]) {
        expect(response.status).toBe(422);
        expect(response.body).toMatchObject({ reason: 'Invalid', details: { causes: [{ field: 'roleRef.name', reason: 'FieldValueNotFound' }] } });
      }
      expect(missingRole.body).toMatchObject({ message: 'RoleBinding.rbac.authorization.k8s.io "b" is invalid: roleRef.name: Role "nope" not found in namespace "checks"' });
    });

    it('a ClusterRoleBinding cannot name a Role', async () => {
      const response = await post(`${RBAC}/clusterrolebindings`, bindingTo('b', { kind: 'Role', name: 'reader' }, []), adminToken);

      expect(response.status).toBe(422);
      expect(response.body).toMatchObject({ details: { causes: [{ field: 'roleRef.kind', reason: 'FieldValueNotSupported' }] } });
    });

    it("a binding's roleRef cannot change; its subjects can", async () => {
      const created = await post(`${RBAC}/namespaces/checks/rolebindings`, bindingTo('fixed', { kind: 'Role', name: 'reader' }, []), adminToken);
      const changedRole = await put(`${RBAC}/namespaces/checks/rolebindings/fixed`, bindingTo('fixed', { kind: 'ClusterRole', name: 'view' }, []), adminToken);
      const changedSubjects = await put(`${RBAC}/namespaces/checks/rolebindings/fixed`, bindingTo('fixed', { kind: 'Role', name: 'reader' }, [{ kind: 'Group', name: 'qa' }]), adminToken);

      expect(created.status).toBe(201);
      expect(changedRole.status).toBe(422);
      expect(changedRole.body).toMatchObject({ reason: 'Invalid', details: { causes: [{ field: 'roleRef', message: 'cannot change roleRef' }] } });
      expect(changedSubjects.status).toBe(200);
      expect(changedSubjects.body).toMatchObject({ subjects: [{ kind: 'Group', name: 'qa' }] });
    });

    it('a PUT with a stale resourceVersion is 409 Conflict; a current one updates and moves it', async () => {
      const current = (await get(`${RBAC}/namespaces/checks/roles/reader`, adminToken)).body as { metadata: { resourceVersion: string; uid: string } };
      const updated = await put(`${RBAC}/namespaces/checks/roles/reader`, { ...streamReader('reader'), metadata: { name: 'reader', resourceVersion: current.metadata.resourceVersion, labels: { v: '2' } } }, adminToken);
      const stale = await put(`${RBAC}/namespaces/checks/roles/reader`, { ...streamReader('reader'), metadata: { name: 'reader', resourceVersion: current.metadata.resourceVersion } }, adminToken);

      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({ metadata: { uid: current.metadata.uid, labels: { v: '2' } } });
      expect(BigInt((updated.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion)).toBeGreaterThan(BigInt(current.metadata.resourceVersion));
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({ reason: 'Conflict' });
    });

    it('PATCH (what kubectl apply sends) merges into the stored object and is checked as a PUT', async () => {
      await namespace('patching');
      expect((await post(`${RBAC}/namespaces/patching/roles`, streamReader('patched'), adminToken)).status).toBe(201);
      expect((await post(`${RBAC}/namespaces/patching/rolebindings`, bindingTo('patched', { kind: 'Role', name: 'patched' }, []), adminToken)).status).toBe(201);

      const labelled = await patch(`${RBAC}/namespaces/patching/roles/patched`, { metadata: { labels: { team: 'qa' } } }, adminToken);
      const subjects = await patch(`${RBAC}/namespaces/patching/rolebindings/patched`, { subjects: [{ kind: 'Group', name: 'qa' }] }, adminToken);
      const roleRef = await patch(`${RBAC}/namespaces/patching/rolebindings/patched`, { roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' } }, adminToken);
      const stale = await patch(`${RBAC}/namespaces/patching/roles/patched`, { metadata: { resourceVersion: '1' } }, adminToken);
      const builtIn = await patch(`${RBAC}/clusterroles/view`, { metadata: { labels: { mine: 'yes' } } }, adminToken);

      expect(labelled.status).toBe(200);
      expect(labelled.body).toMatchObject({ metadata: { labels: { team: 'qa' } }, rules: streamReader('patched').rules });
      expect(subjects.status).toBe(200);
      expect(subjects.body).toMatchObject({ roleRef: { kind: 'Role', name: 'patched' }, subjects: [{ kind: 'Group', name: 'qa' }] });
      expect(roleRef.status).toBe(422);
      expect(stale.status).toBe(409);
      expect(builtIn.status).toBe(403);
    });

    it('refuses broken objects: 422 for rules without groups, 400 for a name unlike the URL, 404 for a missing namespace, 409 for a taken name', async () => {
      const noGroups = await post(`${RBAC}/namespaces/checks/roles`, { metadata: { name: 'r' }, rules: [{ verbs: ['get'], resources: ['imagestreams'] }] }, adminToken);
      const renamed = await put(`${RBAC}/namespaces/checks/roles/reader`, streamReader('other'), adminToken);
      const nowhere = await post(`${RBAC}/namespaces/nowhere/roles`, streamReader('r'), adminToken);
      const taken = await post(`${RBAC}/namespaces/checks/roles`, streamReader('reader'), adminToken);
      const pathsInNamespace = await post(`${RBAC}/namespaces/checks/roles`, { metadata: { name: 'p' }, rules: [{ verbs: ['get'], nonResourceURLs: ['/x'] }] }, adminToken);

      expect(noGroups.status).toBe(422);
      expect(noGroups.body).toMatchObject({ details: { causes: [{ field: 'rules[0].apiGroups' }] } });
      expect(renamed.status).toBe(400);
      expect(nowhere.status).toBe(404);
      expect(taken.status).toBe(409);
      expect(pathsInNamespace.status).toBe(422);
    });

    it('lists Roles by namespace and across namespaces, with label selectors', async () => {
      await post(`${RBAC}/namespaces/checks/roles`, { ...streamReader('labelled'), metadata: { name: 'labelled', labels: { team: 'x' } } }, adminToken);

      const inNamespace = await get(`${RBAC}/namespaces/checks/roles`, adminToken);
      const everywhere = await get(`${RBAC}/roles?labelSelector=team%3Dx`, adminToken);
      const watch = await get(`${RBAC}/namespaces/checks/roles?watch=true`, adminToken);

      expect(inNamespace.body).toMatchObject({ kind: 'RoleList', apiVersion: 'rbac.authorization.k8s.io/v1', metadata: { resourceVersion: expect.stringMatching(/^\d+$/) } });
      expect((inNamespace.body as { items: { metadata: { name: string } }[] }).items.map((role) => role.metadata.name)).toEqual(['labelled', 'reader']);
      expect((everywhere.body as { items: { metadata: { name: string; namespace: string } }[] }).items.map((role) => `${role.metadata.namespace}/${role.metadata.name}`)).toEqual(['checks/labelled']);
      expect(watch.status).toBe(400);
    });
  });

  describe('built-in policy', () => {
    it('serves the built-in ClusterRoles and ClusterRoleBindings, labelled as Kubernetes labels its own', async () => {
      const roles = await get(`${RBAC}/clusterroles`, adminToken);
      const bindings = await get(`${RBAC}/clusterrolebindings`, adminToken);
      const admin = await get(`${RBAC}/clusterroles/cluster-admin`, adminToken);

      expect((roles.body as { items: { metadata: { name: string } }[] }).items.map((role) => role.metadata.name)).toEqual(
        expect.arrayContaining(['cluster-admin', 'admin', 'edit', 'view', 'registry-viewer', 'registry-editor', 'system:image-puller', 'system:image-pusher', 'basic-user']),
      );
      expect(admin.body).toMatchObject({
        kind: 'ClusterRole',
        metadata: { name: 'cluster-admin', labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } },
        rules: expect.arrayContaining([{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }]),
      });
      expect(bindings.body).toMatchObject({
        items: expect.arrayContaining([
          expect.objectContaining({
            metadata: expect.objectContaining({ name: 'cluster-admin' }),
            roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
            subjects: [
              { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:masters' },
              { kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name: 'admin' },
            ],
          }),
          expect.objectContaining({ metadata: expect.objectContaining({ name: 'basic-user' }), subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:authenticated' }] }),
        ]),
      });
    });

    it('refuses to change or delete them, even for cluster-admin, and to create one of the same name', async () => {
      const changed = await put(`${RBAC}/clusterroles/view`, { metadata: { name: 'view' }, rules: [] }, adminToken);
      const deletedRole = await del(`${RBAC}/clusterroles/admin`, adminToken);
      const deletedBinding = await del(`${RBAC}/clusterrolebindings/cluster-admin`, adminToken);
      const shadowed = await post(`${RBAC}/clusterroles`, { metadata: { name: 'edit' }, rules: [] }, adminToken);

      expect(changed.status).toBe(403);
      expect(changed.body).toMatchObject({ reason: 'Forbidden', message: 'clusterroles.rbac.authorization.k8s.io "view" is forbidden: built-in ClusterRoles are read-only and cannot be updated' });
      expect(deletedRole.status).toBe(403);
      expect(deletedBinding.status).toBe(403);
      expect(shadowed.status).toBe(409);
      expect((await get(`${RBAC}/clusterroles/view`, adminToken)).body).toMatchObject({ rules: expect.arrayContaining([expect.objectContaining({ verbs: ['get', 'list', 'watch'] })]) });
    });

    it('stores ClusterRoles of its own, with non-resource URLs', async () => {
      const created = await post(`${RBAC}/clusterroles`, { metadata: { name: 'metrics-reader' }, rules: [{ verbs: ['get'], nonResourceURLs: ['/metrics'] }] }, adminToken);

      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ kind: 'ClusterRole', metadata: { name: 'metrics-reader' }, rules: [{ verbs: ['get'], nonResourceURLs: ['/metrics'] }] });
      expect(created.body).not.toHaveProperty('metadata.namespace');
      expect((await del(`${RBAC}/clusterroles/metrics-reader`, adminToken)).status).toBe(200);
    });
  });

  describe('escalation prevention', () => {
    let erin: string;

    beforeAll(async () => {
      erin = await userWithToken('erin');
      // Erin creates the namespace, so she is its admin.
      await namespace('erin-space', erin);
    });

    it('a namespace admin defines and binds what it holds there', async () => {
      const role = await post(`${RBAC}/namespaces/erin-space/roles`, streamReader('readers'), erin);
      const binding = await post(`${RBAC}/namespaces/erin-space/rolebindings`, bindingTo('qa-views', { kind: 'ClusterRole', name: 'view' }, [{ kind: 'Group', name: 'qa' }]), erin);

      expect(role.status).toBe(201);
      expect(binding.status).toBe(201);
    });

    it('but cannot grant more than it holds, there or anywhere', async () => {
      const wildcard = await post(`${RBAC}/namespaces/erin-space/roles`, { metadata: { name: 'everything' }, rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }] }, erin);
      const clusterAdmin = await post(`${RBAC}/namespaces/erin-space/rolebindings`, bindingTo('root', { kind: 'ClusterRole', name: 'cluster-admin' }, [{ kind: 'User', name: 'erin' }]), erin);
      const clusterRole = await post(`${RBAC}/clusterroles`, streamReader('erins'), erin);

      expect(wildcard.status).toBe(403);
      expect(wildcard.body).toMatchObject({
        reason: 'Forbidden',
        message: expect.stringMatching(
          /^roles\.rbac\.authorization\.k8s\.io "everything" is forbidden: user "erin" \(groups=\["system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\["\*"\], Resources:\["\*"\], Verbs:\["\*"\]\}$/,
        ),
      });
      expect(clusterAdmin.status).toBe(403);
      expect(clusterRole.status).toBe(403);
      expect((await get(`${RBAC}/namespaces/erin-space/roles/everything`, adminToken)).status).toBe(404);
    });
  });

  describe('SelfSubjectAccessReview', () => {
    let frank: string;

    beforeAll(async () => {
      frank = await userWithToken('frank');
      await namespace('frank-space', frank);
    });

    const review = (spec: object, token?: string) => post(SSAR, { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec }, token);

    it('answers allowed, with the binding that allows it, for the caller', async () => {
      const response = await review({ resourceAttributes: { namespace: 'frank-space', verb: 'create', group: 'image.openshift.io', resource: 'imagestreams' } }, frank);

      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        kind: 'SelfSubjectAccessReview',
        apiVersion: 'authorization.k8s.io/v1',
        metadata: { creationTimestamp: null },
        spec: { resourceAttributes: { namespace: 'frank-space', verb: 'create', group: 'image.openshift.io', resource: 'imagestreams' } },
        status: { allowed: true, reason: expect.stringContaining('RoleBinding "frank-space/admin"') },
      });
    });

    it('answers not allowed for what the caller may not do, and for paths', async () => {
      const elsewhere = await review({ resourceAttributes: { namespace: 'grants', verb: 'get', group: 'image.openshift.io', resource: 'imagestreams', subresource: 'layers', name: 'web' } }, frank);
      const discovery = await review({ nonResourceAttributes: { path: '/apis', verb: 'get' } }, frank);
      const metrics = await review({ nonResourceAttributes: { path: '/metrics', verb: 'get' } }, frank);

      expect(elsewhere.body).toMatchObject({ status: { allowed: false } });
      expect(discovery.body).toMatchObject({ status: { allowed: true } });
      expect(metrics.body).toMatchObject({ status: { allowed: false } });
    });

    it('is 422 without exactly one kind of attributes, and 401 for anonymous callers', async () => {
      const neither = await review({}, frank);
      const anonymous = await review({ resourceAttributes: { verb: 'get', resource: 'namespaces' } });

      expect(neither.status).toBe(422);
      expect(neither.body).toMatchObject({ reason: 'Invalid', details: { causes: [{ field: 'spec.resourceAttributes' }] } });
      expect(anonymous.status).toBe(401);
    });
  });

  describe('audit trail', () => {
    let gina: string;
    const started = new Date();

    beforeAll(async () => {
      gina = await userWithToken('gina');
      await namespace('audited');
    });

    const events = async (query: string, token = adminToken): Promise<AuditEvent[]> => {
      const response = await get(`${AUDIT}?${query}`, token);
      expect(response.status).toBe(200);
      return (response.body as AuditEventList).items;
    };

    it('records a write with who did it, what and where, and nothing of its body or query', async () => {
      const created = await post(`${RBAC}/namespaces/audited/roles?pretty=true`, streamReader('audit-me'), adminToken).set('user-agent', 'kubectl/v1.30 (test)');
      expect(created.status).toBe(201);

      let recorded: AuditEvent[] = [];
      await eventually(async () => (recorded = await events('namespace=audited&verb=create')).length > 0);
      expect(recorded[0]).toEqual({
        kind: 'AuditEvent',
        apiVersion: 'access.imagestreams.io/v1',
        id: expect.stringMatching(/^\d+$/),
        time: expect.any(String),
        user: { username: 'admin', groups: ['system:authenticated'] },
        verb: 'create',
        objectRef: { apiGroup: 'rbac.authorization.k8s.io', resource: 'roles', namespace: 'audited' },
        method: 'POST',
        path: '/apis/rbac.authorization.k8s.io/v1/namespaces/audited/roles',
        code: 201,
        sourceIP: expect.any(String),
        userAgent: 'kubectl/v1.30 (test)',
      });
      expect(Date.parse(recorded[0].time)).toBeGreaterThanOrEqual(started.getTime());
    });

    it('records every 403 and 401 with the caller (nobody, for refused credentials)', async () => {
      expect((await get(streamsIn('audited'), gina)).status).toBe(403);
      expect((await get(streamsIn('audited'), `ist_${'A'.repeat(43)}`)).status).toBe(401);

      let denied: AuditEvent[] = [];
      await eventually(async () => (denied = await events('user=gina')).length > 0);
      expect(denied[0]).toMatchObject({ user: { username: 'gina' }, verb: 'list', objectRef: { apiGroup: 'image.openshift.io', resource: 'imagestreams', namespace: 'audited' }, code: 403 });
      await eventually(async () => (await events('namespace=audited')).some((event) => event.code === 401 && event.user.username === ''));
    });

    it('records registry writes as imagestreams/layers of the repository, whatever the answer', async () => {
      const response = await request(one).delete('/v2/audited/web/manifests/latest');
      expect(response.status).toBeGreaterThanOrEqual(200);

      await eventually(async () => (await events('namespace=audited&verb=delete')).some((event) => event.path === '/v2/audited/web/manifests/latest'));
      const [event] = (await events('namespace=audited&verb=delete')).filter((one) => one.path === '/v2/audited/web/manifests/latest');
      expect(event).toMatchObject({ method: 'DELETE', objectRef: { apiGroup: 'image.openshift.io', resource: 'imagestreams', subresource: 'layers', namespace: 'audited', name: 'web' }, code: response.status });
    });

    it('lists newest first, in pages, since a time', async () => {
      for (const name of ['page-1', 'page-2', 'page-3']) expect((await post(`${RBAC}/namespaces/audited/roles`, streamReader(name), adminToken, two)).status).toBe(201);
      await eventually(async () => (await events('namespace=audited&verb=create')).length >= 4);

      const first = await get(`${AUDIT}?namespace=audited&verb=create&limit=2`, adminToken);
      const page = first.body as AuditEventList;
      const next = (await get(`${AUDIT}?namespace=audited&verb=create&limit=2&continue=${page.metadata.continue}`, adminToken)).body as AuditEventList;
      const all = await events('namespace=audited&verb=create');
      const future = await events(`since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);

      expect(page.items).toHaveLength(2);
      expect(page.metadata.continue).toEqual(expect.any(String));
      expect([...page.items, ...next.items].map((event) => event.id)).toEqual(all.slice(0, page.items.length + next.items.length).map((event) => event.id));
      expect(all.map((event) => event.path.split('/').pop())).toEqual(['roles', 'roles', 'roles', 'roles']);
      const times = all.map((event) => Date.parse(event.time));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(future).toEqual([]);
    });

    it('prunes events older than the retention and keeps the rest', async () => {
      const client = new Client({ connectionString: gateway.databaseUrl });
      await client.connect();
      try {
        await client.query(
          `INSERT INTO registry.audit_events (at, username, verb, namespace, method, path, status_code)
           VALUES (now() - interval '91 days', 'old-timer', 'delete', 'audited', 'DELETE', '/x', 200), (now() - interval '89 days', 'old-timer', 'get', 'audited', 'GET', '/y', 403)`,
        );
      } finally {
        await client.end();
      }
      expect((await events('user=old-timer')).map((event) => event.verb)).toEqual(['get', 'delete']);

      expect(await gateway.app(0).get(AuditPruner).prune()).toBe(1);
      expect((await events('user=old-timer')).map((event) => event.verb)).toEqual(['get']);
      expect((await events('namespace=audited&verb=create')).length).toBeGreaterThanOrEqual(4);
    });

    it('refuses a malformed query with 400 and callers without the grant with 403', async () => {
      expect((await get(`${AUDIT}?since=yesterday`, adminToken)).status).toBe(400);
      expect((await get(`${AUDIT}?limit=5001`, adminToken)).status).toBe(400);
      expect((await get(`${AUDIT}?continue=bogus`, adminToken)).status).toBe(400);
      expect((await get(AUDIT, gina)).status).toBe(403);
    });
  });

  it('advertises the RBAC, authorization and audit resources with the verbs served', async () => {
    const rbac = await get(RBAC);
    const authorization = await get('/apis/authorization.k8s.io/v1');
    const access = await get('/apis/access.imagestreams.io/v1');

    expect(rbac.body).toMatchObject({
      resources: [
        { name: 'roles', namespaced: true, kind: 'Role', verbs: ['create', 'delete', 'get', 'list', 'patch', 'update'] },
        { name: 'rolebindings', namespaced: true, kind: 'RoleBinding', verbs: ['create', 'delete', 'get', 'list', 'patch', 'update'] },
        { name: 'clusterroles', namespaced: false, kind: 'ClusterRole', verbs: ['create', 'delete', 'get', 'list', 'patch', 'update'] },
        { name: 'clusterrolebindings', namespaced: false, kind: 'ClusterRoleBinding', verbs: ['create', 'delete', 'get', 'list', 'patch', 'update'] },
      ],
    });
    expect(authorization.body).toMatchObject({ resources: [{ name: 'selfsubjectaccessreviews', namespaced: false, kind: 'SelfSubjectAccessReview', verbs: ['create'] }] });
    expect((access.body as { resources: { name: string; verbs: string[] }[] }).resources).toContainEqual(expect.objectContaining({ name: 'auditevents', kind: 'AuditEvent', verbs: ['list'] }));
  });

  it('documents every RBAC, review and audit route in the OpenAPI document', async () => {
    const document = (await get('/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const expected = [
      ['get', `${RBAC}/roles`],
      ['post', `${RBAC}/namespaces/{namespace}/roles`],
      ['put', `${RBAC}/namespaces/{namespace}/roles/{name}`],
      ['delete', `${RBAC}/namespaces/{namespace}/rolebindings/{name}`],
      ['post', `${RBAC}/clusterroles`],
      ['put', `${RBAC}/clusterrolebindings/{name}`],
      ['post', SSAR],
      ['get', AUDIT],
    ];

    expect(expected.filter(([method, route]) => document.paths[route]?.[method] === undefined)).toEqual([]);
  });
});
