import { randomBytes } from 'node:crypto';
import { api, authHeaders, createTestNamespace, gatewayUrl, mapping, randomDigest } from './support/api';
import { bindRole, created, forbiddenStatus, selfSubjectAccessReview, serviceAccountCaller, userCaller, type Caller, type ReviewedAttributes } from './support/access';
import { buildImage, readOciLayoutImage, removeTempDirs, tempDir, writeOciLayout, type BuiltImage, type OciLayout } from './support/oci-layout';
import { createGatewayPullSecret } from './support/pull-secrets';
import { gatewayEndpoint, pushImage } from './support/registry-push';
import { bearer, ociErrorCode, v2 } from './support/registry-http';
import { dockerRef, skopeoCopy, SkopeoError } from './support/skopeo';

/**
 * Issue 8's access matrix: every built-in role that applies in a namespace, bound to its own
 * service account, plus a service account with no binding and a cluster-admin user, against a
 * representative set of API and registry requests. The expected table is docs/access-control.md's
 * role table, written out below; every cell also asks a SelfSubjectAccessReview, which must agree.
 */

type Role = 'cluster-admin' | 'admin' | 'edit' | 'view' | 'registry-viewer' | 'registry-editor' | 'system:image-puller' | 'system:image-pusher' | 'no binding';

const NAMESPACE_ROLES = ['admin', 'edit', 'view', 'registry-viewer', 'registry-editor', 'system:image-puller', 'system:image-pusher'] as const;
const ROLES: Role[] = ['cluster-admin', ...NAMESPACE_ROLES, 'no binding'];

// docs/access-control.md, "Built-in cluster roles".
const WRITERS: Role[] = ['cluster-admin', 'admin', 'edit'];
const READERS: Role[] = [...WRITERS, 'view'];
const REGISTRY_READERS: Role[] = [...READERS, 'registry-viewer', 'registry-editor'];
const REGISTRY_WRITERS: Role[] = [...WRITERS, 'registry-editor'];
/** pull = get imagestreams/layers */
const PULLERS: Role[] = [...REGISTRY_READERS, 'system:image-puller', 'system:image-pusher'];
/** push = update imagestreams/layers */
const PUSHERS: Role[] = [...REGISTRY_WRITERS, 'system:image-pusher'];
const NAMESPACE_ADMINS: Role[] = ['cluster-admin', 'admin'];
const CLUSTER_ADMINS: Role[] = ['cluster-admin'];

const IMAGE = 'image.openshift.io';

/** Distinguishes each role's objects, so one role's writes never decide another's cell. */
function slugOf(role: Role): string {
  return role === 'no binding' ? 'unbound' : role.replace(/^system:/, '');
}

interface Reply {
  status: number;
  body: unknown;
}

interface Cell {
  title: string;
  allowedTo: readonly Role[];
  /** What an allowed caller is answered. */
  allowedStatus: number;
  /** The request in RBAC's terms (without the namespace, which is the suite's unless clusterScoped). */
  target: (slug: string) => Omit<ReviewedAttributes, 'namespace'> & { clusterScoped?: boolean };
  /** `/v2` cells are denied with an OCI `DENIED`, the others with a Forbidden Status. */
  registry?: boolean;
  send: (caller: Caller, slug: string) => Promise<Reply>;
}

describe('the access matrix: role x verb x resource', () => {
  let namespace: string;
  const callers = {} as Record<Role, Caller>;
  let appImage: BuiltImage;
  const base = () => `/apis/${IMAGE}/v1/namespaces/${namespace}`;
  const as = (caller: Caller) => ({ token: caller.token });

  /** A watch answers its status at once and then streams: only the status (or a refusal's body) is read. */
  async function watchReply(path: string, token: string): Promise<Reply> {
    const response = await fetch(`${gatewayUrl()}${path}`, { headers: authHeaders(token) });
    if (response.status === 200) {
      await response.body?.cancel();
      return { status: 200, body: undefined };
    }
    return { status: response.status, body: JSON.parse(await response.text()) };
  }

  async function registryReply(method: string, path: string, caller: Caller, headers: Record<string, string> = {}, body?: Buffer): Promise<Reply> {
    const reply = await v2(method, path, { ...bearer(caller.token), ...headers }, body);
    return { status: reply.status, body: reply.status >= 400 ? ociErrorCode(reply) : reply.body };
  }

  const template = (name: string) => ({
    apiVersion: 'template.openshift.io/v1',
    kind: 'Template',
    metadata: { name },
    objects: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: '${NAME}' } }],
    parameters: [{ name: 'NAME', value: 'web' }],
  });
  const imageStream = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: `${IMAGE}/v1`, kind: 'ImageStream', metadata: { name, labels }, spec: {} });

  const CELLS: Cell[] = [
    {
      title: 'get imagestreams',
      allowedTo: REGISTRY_READERS,
      allowedStatus: 200,
      target: () => ({ verb: 'get', group: IMAGE, resource: 'imagestreams', name: 'app' }),
      send: (caller) => api('GET', `${base()}/imagestreams/app`, undefined, as(caller)),
    },
    {
      title: 'list imagestreams',
      allowedTo: REGISTRY_READERS,
      allowedStatus: 200,
      target: () => ({ verb: 'list', group: IMAGE, resource: 'imagestreams' }),
      send: (caller) => api('GET', `${base()}/imagestreams`, undefined, as(caller)),
    },
    {
      title: 'watch imagestreams',
      allowedTo: REGISTRY_READERS,
      allowedStatus: 200,
      target: () => ({ verb: 'watch', group: IMAGE, resource: 'imagestreams' }),
      send: (caller) => watchReply(`${base()}/imagestreams?watch=true&timeoutSeconds=1`, caller.token),
    },
    {
      title: 'create imagestreams',
      allowedTo: REGISTRY_WRITERS,
      allowedStatus: 201,
      target: () => ({ verb: 'create', group: IMAGE, resource: 'imagestreams' }),
      send: (caller, slug) => api('POST', `${base()}/imagestreams`, imageStream(`new-${slug}`), as(caller)),
    },
    {
      title: 'update imagestreams',
      allowedTo: REGISTRY_WRITERS,
      allowedStatus: 200,
      target: (slug) => ({ verb: 'update', group: IMAGE, resource: 'imagestreams', name: `upd-${slug}` }),
      send: (caller, slug) => api('PUT', `${base()}/imagestreams/upd-${slug}`, imageStream(`upd-${slug}`, { updated: 'yes' }), as(caller)),
    },
    {
      title: 'patch imagestreams',
      allowedTo: REGISTRY_WRITERS,
      allowedStatus: 200,
      target: (slug) => ({ verb: 'patch', group: IMAGE, resource: 'imagestreams', name: `patch-${slug}` }),
      send: (caller, slug) => api('PATCH', `${base()}/imagestreams/patch-${slug}`, { metadata: { labels: { patched: 'yes' } } }, { ...as(caller), contentType: 'application/merge-patch+json' }),
    },
    {
      title: 'delete imagestreams',
      allowedTo: REGISTRY_WRITERS,
      allowedStatus: 200,
      target: (slug) => ({ verb: 'delete', group: IMAGE, resource: 'imagestreams', name: `del-${slug}` }),
      send: (caller, slug) => api('DELETE', `${base()}/imagestreams/del-${slug}`, undefined, as(caller)),
    },
    {
      title: 'create imagestreamtags',
      allowedTo: REGISTRY_WRITERS,
      allowedStatus: 201,
      target: () => ({ verb: 'create', group: IMAGE, resource: 'imagestreamtags' }),
      send: (caller, slug) =>
        api('POST', `${base()}/imagestreamtags`, { apiVersion: `${IMAGE}/v1`, kind: 'ImageStreamTag', metadata: { name: `app:istag-${slug}` }, tag: { from: { kind: 'ImageStreamTag', name: 'app:v1' } } }, as(caller)),
    },
    {
      title: 'get imagestreamtags',
      allowedTo: REGISTRY_READERS,
      allowedStatus: 200,
      target: () => ({ verb: 'get', group: IMAGE, resource: 'imagestreamtags', name: 'app:v1' }),
      send: (caller) => api('GET', `${base()}/imagestreamtags/app:v1`, undefined, as(caller)),
    },
    {
      title: 'create imagestreammappings',
      allowedTo: REGISTRY_WRITERS,
      allowedStatus: 201,
      target: () => ({ verb: 'create', group: IMAGE, resource: 'imagestreammappings' }),
      send: (caller, slug) => api('POST', `${base()}/imagestreammappings`, mapping(`map-${slug}`, 'v1', randomDigest()), as(caller)),
    },
    {
      title: 'create templates',
      allowedTo: WRITERS,
      allowedStatus: 201,
      target: () => ({ verb: 'create', group: 'template.openshift.io', resource: 'templates' }),
      send: (caller, slug) => api('POST', `/apis/template.openshift.io/v1/namespaces/${namespace}/templates`, template(`tpl-${slug}`), as(caller)),
    },
    {
      title: 'get templates',
      allowedTo: READERS,
      allowedStatus: 200,
      target: () => ({ verb: 'get', group: 'template.openshift.io', resource: 'templates', name: 'shared' }),
      send: (caller) => api('GET', `/apis/template.openshift.io/v1/namespaces/${namespace}/templates/shared`, undefined, as(caller)),
    },
    {
      title: 'list webhooksubscriptions',
      allowedTo: READERS,
      allowedStatus: 200,
      target: () => ({ verb: 'list', group: 'notifications.imagestreams.io', resource: 'webhooksubscriptions' }),
      send: (caller) => api('GET', `/apis/notifications.imagestreams.io/v1/namespaces/${namespace}/webhooksubscriptions`, undefined, as(caller)),
    },
    {
      // view reads everything in a namespace but its secrets.
      title: 'get secrets',
      allowedTo: WRITERS,
      allowedStatus: 200,
      target: () => ({ verb: 'get', group: '', resource: 'secrets', name: 'pull' }),
      send: (caller) => api('GET', `/api/v1/namespaces/${namespace}/secrets/pull`, undefined, as(caller)),
    },
    {
      title: 'create rolebindings',
      allowedTo: NAMESPACE_ADMINS,
      allowedStatus: 201,
      target: () => ({ verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'rolebindings' }),
      send: (caller, slug) =>
        api(
          'POST',
          `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`,
          {
            apiVersion: 'rbac.authorization.k8s.io/v1',
            kind: 'RoleBinding',
            metadata: { name: `rb-${slug}` },
            roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
            // A group nobody is in: an allowed cell must not change what the next roles may do.
            subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'access-matrix-nobody' }],
          },
          as(caller),
        ),
    },
    {
      title: 'list auditevents (cluster-scoped)',
      allowedTo: CLUSTER_ADMINS,
      allowedStatus: 200,
      target: () => ({ verb: 'list', group: 'access.imagestreams.io', resource: 'auditevents', clusterScoped: true }),
      send: (caller) => api('GET', '/apis/access.imagestreams.io/v1/auditevents?limit=1', undefined, as(caller)),
    },
    {
      title: 'registry pull (GET manifest)',
      allowedTo: PULLERS,
      allowedStatus: 200,
      registry: true,
      target: () => ({ verb: 'get', group: IMAGE, resource: 'imagestreams', subresource: 'layers', name: 'app' }),
      send: (caller) => registryReply('GET', `${namespace}/app/manifests/v1`, caller, { accept: appImage.manifest.mediaType }),
    },
    {
      title: 'registry push (PUT manifest)',
      allowedTo: PUSHERS,
      allowedStatus: 201,
      registry: true,
      target: () => ({ verb: 'update', group: IMAGE, resource: 'imagestreams', subresource: 'layers', name: 'app' }),
      send: (caller, slug) => registryReply('PUT', `${namespace}/app/manifests/push-${slug}`, caller, { 'content-type': appImage.manifest.mediaType }, appImage.manifestBytes),
    },
  ];

  beforeAll(async () => {
    namespace = await createTestNamespace('access-matrix');
    appImage = buildImage({ layerSize: 512 });
    await pushImage(gatewayEndpoint(), `${namespace}/app`, 'v1', appImage);
    const streams = ROLES.flatMap((role) => ['upd', 'patch', 'del'].map((what) => `${what}-${slugOf(role)}`));
    await Promise.all([
      createGatewayPullSecret(namespace, { name: 'pull' }),
      created('template shared', api('POST', `/apis/template.openshift.io/v1/namespaces/${namespace}/templates`, template('shared'))),
      ...streams.map((name) => created(`stream ${name}`, api('POST', `${base()}/imagestreams`, imageStream(name)))),
    ]);
    for (const role of NAMESPACE_ROLES) callers[role] = await serviceAccountCaller(namespace, `sa-${slugOf(role)}`, [role]);
    callers['no binding'] = await serviceAccountCaller(namespace, 'sa-unbound');
    callers['cluster-admin'] = await userCaller(`matrix-root-${randomBytes(4).toString('hex')}`, 'cluster-admin');
  }, 120_000);

  afterAll(async () => {
    await removeTempDirs();
  });

  describe.each(ROLES)('%s', (role) => {
    it.each(CELLS.map((cell) => [cell.title, cell.allowedTo.includes(role) ? 'allowed' : 'denied', cell] as const))('%s: %s', async (_title, outcome, cell) => {
      const caller = callers[role];
      const slug = slugOf(role);
      const reply = await cell.send(caller, slug);
      const { clusterScoped, ...target } = cell.target(slug);
      if (outcome === 'allowed') {
        // The body is shown only when the status is wrong, to say why.
        expect({ status: reply.status, body: reply.status === cell.allowedStatus ? undefined : reply.body }).toEqual({ status: cell.allowedStatus, body: undefined });
      } else if (cell.registry) {
        expect({ status: reply.status, code: reply.body }).toEqual({ status: 403, code: 'DENIED' });
      } else {
        expect(reply.status).toBe(403);
        const resource = target.subresource ? `${target.resource}/${target.subresource}` : target.resource;
        expect(reply.body).toMatchObject(forbiddenStatus(caller.username, { verb: target.verb, group: target.group, resource, ...(clusterScoped ? {} : { namespace }) }));
      }
      // "May I?" agrees with what the request was answered.
      const reviewed = await selfSubjectAccessReview(caller.token, { ...target, ...(clusterScoped ? {} : { namespace }) });
      expect(reviewed).toBe(outcome === 'allowed');
    });
  });

  describe('with skopeo', () => {
    const SKOPEO_ROLES: Role[] = ['registry-viewer', 'registry-editor', 'system:image-puller', 'system:image-pusher', 'no binding'];
    let layout: OciLayout;

    beforeAll(async () => {
      layout = await writeOciLayout({ layerSize: 256 });
    });

    it.each(SKOPEO_ROLES.map((role) => [role, PULLERS.includes(role) ? 'pulls' : 'may not pull'] as const))('%s %s app:v1 with --src-creds', async (role, outcome) => {
      const target = await tempDir();
      const pull = skopeoCopy(dockerRef(`${namespace}/app`, 'v1'), `oci:${target}:pulled`, ['--src-creds', `x:${callers[role].token}`], { token: null });
      if (outcome === 'pulls') {
        await pull;
        expect((await readOciLayoutImage(target, 'pulled')).manifestDigest).toBe(appImage.manifestDigest);
      } else {
        const failure = await pull.then(() => undefined, (error: unknown) => error);
        expect(failure).toBeInstanceOf(SkopeoError);
        expect((failure as SkopeoError).stderr).toMatch(/denied|403/i);
      }
    });

    it.each(SKOPEO_ROLES.map((role) => [role, PUSHERS.includes(role) ? 'pushes' : 'may not push'] as const))('%s %s into app with --dest-creds', async (role, outcome) => {
      const push = skopeoCopy(layout.reference, dockerRef(`${namespace}/app`, `skopeo-${slugOf(role)}`), ['--dest-creds', `x:${callers[role].token}`], { token: null });
      if (outcome === 'pushes') {
        await push;
      } else {
        const failure = await push.then(() => undefined, (error: unknown) => error);
        expect(failure).toBeInstanceOf(SkopeoError);
        expect((failure as SkopeoError).stderr).toMatch(/denied|403/i);
      }
    });
  });

  describe('what the matrix wrote', () => {
    it('the namespace holds exactly the streams and tags that allowed callers wrote: denied requests wrote nothing', async () => {
      const streams = await api<{ items: { metadata: { name: string; labels?: Record<string, string> } }[] }>('GET', `${base()}/imagestreams`);
      const byName = new Map(streams.body.items.map((stream) => [stream.metadata.name, stream.metadata.labels ?? {}]));
      const expectedNames = ['app'];
      for (const role of ROLES) {
        const slug = slugOf(role);
        expectedNames.push(`upd-${slug}`, `patch-${slug}`);
        if (!REGISTRY_WRITERS.includes(role)) expectedNames.push(`del-${slug}`);
        if (REGISTRY_WRITERS.includes(role)) expectedNames.push(`new-${slug}`, `map-${slug}`);
      }
      expect([...byName.keys()].sort()).toEqual(expectedNames.sort());
      for (const role of ROLES) {
        const slug = slugOf(role);
        const wrote = REGISTRY_WRITERS.includes(role);
        expect({ role, updated: byName.get(`upd-${slug}`)?.['updated'], patched: byName.get(`patch-${slug}`)?.['patched'] }).toEqual({
          role,
          updated: wrote ? 'yes' : undefined,
          patched: wrote ? 'yes' : undefined,
        });
      }

      const tags = JSON.parse((await v2('GET', `${namespace}/app/tags/list`, authHeaders())).body) as { tags: string[] };
      const expectedTags = ['v1'];
      for (const role of ROLES) {
        const slug = slugOf(role);
        if (PUSHERS.includes(role)) expectedTags.push(`push-${slug}`);
        if (REGISTRY_WRITERS.includes(role)) expectedTags.push(`istag-${slug}`);
      }
      for (const role of ['registry-editor', 'system:image-pusher'] as Role[]) expectedTags.push(`skopeo-${slugOf(role)}`);
      expect([...tags.tags].sort()).toEqual(expectedTags.sort());

      const templates = await api<{ items: { metadata: { name: string } }[] }>('GET', `/apis/template.openshift.io/v1/namespaces/${namespace}/templates`);
      expect(templates.body.items.map((item) => item.metadata.name).sort()).toEqual(['shared', ...WRITERS.map((role) => `tpl-${slugOf(role)}`)].sort());

      const bindings = await api<{ items: { metadata: { name: string } }[] }>('GET', `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`);
      expect(bindings.body.items.map((item) => item.metadata.name).filter((name) => name.startsWith('rb-')).sort()).toEqual(NAMESPACE_ADMINS.map((role) => `rb-${slugOf(role)}`).sort());
    });
  });

  describe('watches', () => {
    it('lets a namespaced viewer watch its namespace (events only from it) but not every namespace', async () => {
      const viewer = callers['view'];
      const own = await fetch(`${gatewayUrl()}/apis/${IMAGE}/v1/namespaces/${namespace}/imagestreams?watch=true&timeoutSeconds=1`, { headers: authHeaders(viewer.token) });
      expect(own.status).toBe(200);
      // timeoutSeconds ends the watch, so the whole body arrives.
      const events = (await own.text())
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as { type: string; object: { metadata: { name: string; namespace?: string } } });
      // A watch from no resourceVersion starts with every stream there is: exactly this namespace's.
      const listed = await api<{ items: { metadata: { name: string } }[] }>('GET', `/apis/${IMAGE}/v1/namespaces/${namespace}/imagestreams`);
      expect(events.map((event) => [event.type, event.object.metadata.namespace, event.object.metadata.name]).sort()).toEqual(
        listed.body.items.map((stream) => ['ADDED', namespace, stream.metadata.name]).sort(),
      );

      for (const query of ['?watch=true', '?watch=true&timeoutSeconds=1', '']) {
        const everywhere = await api('GET', `/apis/${IMAGE}/v1/imagestreams${query}`, undefined, { token: viewer.token });
        expect(everywhere.status).toBe(403);
        expect(everywhere.body).toMatchObject(forbiddenStatus(viewer.username, { verb: query ? 'watch' : 'list', group: IMAGE, resource: 'imagestreams' }));
      }
    });

    it('lets a cluster-wide reader (cluster-admin) watch every namespace', async () => {
      const reply = await watchReply(`/apis/${IMAGE}/v1/imagestreams?watch=true&timeoutSeconds=1`, callers['cluster-admin'].token);
      expect(reply.status).toBe(200);
    });
  });

  describe('pulls go through the stream that holds the image', () => {
    let other: string;
    let ownImage: BuiltImage;
    /** system:image-puller in this suite's namespace and in the other one. */
    let bothPuller: Caller;
    /** system:image-puller in the other namespace only. */
    let otherPuller: Caller;

    beforeAll(async () => {
      other = await createTestNamespace('access-matrix-b');
      ownImage = buildImage({ layerSize: 512 });
      await pushImage(gatewayEndpoint(), `${other}/own`, 'v1', ownImage);
      bothPuller = callers['system:image-puller'];
      await bindRole(other, { kind: 'ServiceAccount', namespace, name: `sa-${slugOf('system:image-puller')}` }, 'system:image-puller');
      otherPuller = await serviceAccountCaller(other, 'puller', ['system:image-puller']);
    }, 60_000);

    const pull = (caller: Caller, path: string) => v2('GET', path, { ...bearer(caller.token), accept: appImage.manifest.mediaType });

    it('an image-puller of namespace A pulls A/app:v1, but not A\'s image by digest through B\'s stream, which it may also pull', async () => {
      const direct = await pull(bothPuller, `${namespace}/app/manifests/v1`);
      expect(direct.status).toBe(200);
      expect(direct.headers.get('docker-content-digest')).toBe(appImage.manifestDigest);
      // The control: B's own image is there for it.
      expect((await pull(bothPuller, `${other}/own/manifests/v1`)).status).toBe(200);

      const manifest = await pull(bothPuller, `${other}/own/manifests/${appImage.manifestDigest}`);
      expect({ status: manifest.status, code: ociErrorCode(manifest) }).toEqual({ status: 404, code: 'MANIFEST_UNKNOWN' });
      const blob = await pull(bothPuller, `${other}/own/blobs/${appImage.layers[0].digest}`);
      expect({ status: blob.status, code: ociErrorCode(blob) }).toEqual({ status: 404, code: 'BLOB_UNKNOWN' });
    });

    it('a caller that may pull only B reads A\'s digest neither through B (404) nor through A (403)', async () => {
      const throughB = await pull(otherPuller, `${other}/own/manifests/${appImage.manifestDigest}`);
      expect({ status: throughB.status, code: ociErrorCode(throughB) }).toEqual({ status: 404, code: 'MANIFEST_UNKNOWN' });
      const throughA = await pull(otherPuller, `${namespace}/app/manifests/${appImage.manifestDigest}`);
      expect({ status: throughA.status, code: ociErrorCode(throughA) }).toEqual({ status: 403, code: 'DENIED' });
      const blobThroughA = await pull(otherPuller, `${namespace}/app/blobs/${appImage.layers[0].digest}`);
      expect({ status: blobThroughA.status, code: ociErrorCode(blobThroughA) }).toEqual({ status: 403, code: 'DENIED' });
    });
  });
});
