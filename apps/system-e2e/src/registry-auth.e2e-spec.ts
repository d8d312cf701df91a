import { decodeJwt, SignJWT, UnsecuredJWT } from 'jose';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';
import { pushBlob } from '@imagestreams/testing';
import { adminToken, api, createTestNamespace, gatewayUrl } from './support/api';
import { buildImage, readOciLayoutImage, removeTempDirs, sha256, tempDir, writeOciLayout, type BuiltImage, type OciLayout } from './support/oci-layout';
import { pushImage } from './support/registry-push';
import { dockerRef, registryHost, skopeo, skopeoCopy, SkopeoError } from './support/skopeo';

/**
 * Access control of the integrated registry (docs/access-control.md, "The registry"): challenges,
 * the token endpoint, per-route checks with access tokens and with registry tokens, the catalog,
 * mounts and blobs across namespaces, and real skopeo logins and copies.
 */

interface Reply {
  status: number;
  headers: Headers;
  body: string;
}

interface OciErrorBody {
  errors: { code: string; message: string }[];
}

interface TokenResponse {
  token: string;
  access_token: string;
  expires_in: number;
  issued_at: string;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const basic = (token: string, user = 'anyone') => ({ authorization: `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}` });

async function v2(method: string, pathAndQuery: string, headers: Record<string, string> = {}, body?: Buffer | string): Promise<Reply> {
  const response = await fetch(`${gatewayUrl()}/v2/${pathAndQuery}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : new Uint8Array(body), redirect: 'manual' });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

function errorCode(reply: Reply): string | undefined {
  return (JSON.parse(reply.body) as OciErrorBody).errors[0]?.code;
}

async function registryToken(scopes: string[], headers: Record<string, string>): Promise<{ status: number; body: TokenResponse }> {
  const query = new URLSearchParams({ service: 'imagestreams-registry' });
  for (const scope of scopes) query.append('scope', scope);
  const reply = await v2('GET', `token?${query.toString()}`, headers);
  return { status: reply.status, body: JSON.parse(reply.body) as TokenResponse };
}

async function created<T>(what: string, reply: Promise<{ status: number; body: T }>): Promise<T> {
  const { status, body } = await reply;
  if (status !== 201) throw new Error(`${what}: ${status} ${JSON.stringify(body)}`);
  return body;
}

/** A service account in `namespace` bound to `clusterRole` there, and an access token of it. */
async function serviceAccountWithRole(namespace: string, name: string, clusterRole: string): Promise<string> {
  await created(`service account ${name}`, api('POST', `/api/v1/namespaces/${namespace}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } }));
  await created(
    `role binding for ${name}`,
    api('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${namespace}/rolebindings`, {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: `${name}-${clusterRole.replace(/:/g, '-')}` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    }),
  );
  const token = await created<{ status: { token: string } }>(
    `token of ${name}`,
    api('POST', '/apis/access.imagestreams.io/v1/accesstokens', { apiVersion: 'access.imagestreams.io/v1', kind: 'AccessToken', spec: { subject: { kind: 'ServiceAccount', namespace, name } } }),
  );
  return token.status.token;
}

/** The key every gateway replica signs registry tokens with (generated and stored, as the stack sets no REGISTRY_TOKEN_KEY). */
async function storedSigningKey(): Promise<Buffer> {
  const database = new Client({ connectionString: process.env['E2E_DATABASE_URL'] });
  await database.connect();
  try {
    const rows = await database.query<{ key: Buffer }>("SELECT key FROM registry.registry_token_keys WHERE id = 'registry-token'");
    if (!rows.rows[0]) throw new Error('no registry token key stored');
    return rows.rows[0].key;
  } finally {
    await database.end();
  }
}

describe('registry access control', () => {
  let teamA: string;
  let teamB: string;
  /** `view` in team A: may pull there, nothing else. */
  let viewerToken: string;
  /** `system:image-pusher` in team A: pull and push, but may not create streams. */
  let pusherToken: string;
  /** `edit` in team A: may push new streams. */
  let editorToken: string;
  /** `edit` in team B only. */
  let outsiderToken: string;
  let appImage: BuiltImage;
  let ownImage: BuiltImage;
  const admin = () => ({ baseUrl: gatewayUrl(), authorization: `Bearer ${adminToken()}` });

  beforeAll(async () => {
    teamA = await createTestNamespace('rauth-a');
    teamB = await createTestNamespace('rauth-b');
    [viewerToken, pusherToken, editorToken, outsiderToken] = await Promise.all([
      serviceAccountWithRole(teamA, 'viewer', 'view'),
      serviceAccountWithRole(teamA, 'pusher', 'system:image-pusher'),
      serviceAccountWithRole(teamA, 'editor', 'edit'),
      serviceAccountWithRole(teamB, 'outsider', 'edit'),
    ]);
    appImage = buildImage({ layerSize: 1024 });
    ownImage = buildImage({ layerSize: 1024 });
    await pushImage(admin(), `${teamA}/app`, 'v1', appImage);
    await pushImage(admin(), `${teamB}/own`, 'v1', ownImage);
  });

  afterAll(async () => {
    await removeTempDirs();
  });

  describe('challenges', () => {
    it('answers an anonymous version check 401 with a Bearer challenge naming the token endpoint', async () => {
      const reply = await v2('GET', '');
      expect(reply.status).toBe(401);
      expect(reply.headers.get('www-authenticate')).toBe(`Bearer realm="${gatewayUrl()}/v2/token",service="imagestreams-registry"`);
      expect(errorCode(reply)).toBe('UNAUTHORIZED');
      expect(reply.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    });

    it('answers an anonymous repository call 401 with the scope it needs, whether or not the repository exists', async () => {
      for (const stream of ['app', 'no-such-stream']) {
        const reply = await v2('GET', `${teamA}/${stream}/manifests/v1`);
        expect({ stream, status: reply.status, code: errorCode(reply) }).toEqual({ stream, status: 401, code: 'UNAUTHORIZED' });
        expect(reply.headers.get('www-authenticate')).toBe(`Bearer realm="${gatewayUrl()}/v2/token",service="imagestreams-registry",scope="repository:${teamA}/${stream}:pull"`);
      }
      const push = await v2('POST', `${teamA}/app/blobs/uploads/`);
      expect(push.headers.get('www-authenticate')).toContain(`scope="repository:${teamA}/app:pull,push"`);
      // A mount reads its source too: the challenge names both, so one token covers the whole request.
      const mount = await v2('POST', `${teamA}/app/blobs/uploads/?mount=${encodeURIComponent(sha256(Buffer.from('x')))}&from=${teamB}/own`);
      expect(mount.headers.get('www-authenticate')).toContain(`scope="repository:${teamA}/app:pull,push repository:${teamB}/own:pull"`);
    });

    it('answers an unknown access token 401, never as anonymous', async () => {
      const reply = await v2('GET', `${teamA}/app/manifests/v1`, bearer(`ist_${randomBytes(32).toString('base64url')}`));
      expect(reply.status).toBe(401);
      expect(reply.headers.get('www-authenticate')).toContain('error="invalid_token"');
    });

    it('lets access tokens in as Bearer or as the Basic password, whatever the user name', async () => {
      expect((await v2('GET', '', bearer(viewerToken))).status).toBe(200);
      expect((await v2('GET', '', basic(viewerToken, 'x'))).status).toBe(200);
      expect((await v2('GET', `${teamA}/app/manifests/v1`, { ...basic(viewerToken), accept: appImage.manifest.mediaType })).status).toBe(200);
    });
  });

  describe('the token endpoint', () => {
    it('grants a viewer pull but not push, in an HS256 token for this registry', async () => {
      const { status, body } = await registryToken([`repository:${teamA}/app:pull,push`], basic(viewerToken));
      expect(status).toBe(200);
      expect(body).toEqual({ token: body.token, access_token: body.token, expires_in: 300, issued_at: expect.any(String) });
      const claims = decodeJwt(body.token);
      expect(claims).toMatchObject({
        iss: 'imagestreams',
        sub: `system:serviceaccount:${teamA}:viewer`,
        aud: 'imagestreams-registry',
        access: [{ type: 'repository', name: `${teamA}/app`, actions: ['pull'] }],
      });
      expect(Number(claims.exp) - Number(claims.iat)).toBe(300);

      const pulled = await v2('GET', `${teamA}/app/manifests/v1`, { ...bearer(body.token), accept: appImage.manifest.mediaType });
      expect(pulled.status).toBe(200);
      expect(sha256(Buffer.from(pulled.body))).toBe(appImage.manifestDigest);
      const pushed = await v2('POST', `${teamA}/app/blobs/uploads/`, bearer(body.token));
      expect({ status: pushed.status, code: errorCode(pushed) }).toEqual({ status: 403, code: 'DENIED' });
    });

    it('grants anonymous callers nothing on a namespace that has not opened pulls to them, and the catalog', async () => {
      const { status, body } = await registryToken([`repository:${teamA}/app:pull`, 'registry:catalog:*'], {});
      expect(status).toBe(200);
      expect(decodeJwt(body.token)).toMatchObject({ sub: 'system:anonymous', access: [{ type: 'repository', name: `${teamA}/app`, actions: [] }, { type: 'registry', name: 'catalog', actions: ['*'] }] });
      const reply = await v2('GET', `${teamA}/app/manifests/v1`, bearer(body.token));
      expect(reply.status).toBe(401);
    });

    it('grants push into a new stream only to callers who may create streams', async () => {
      const pusher = await registryToken([`repository:${teamA}/brand-new:pull,push`, `repository:${teamA}/app:push`], bearer(pusherToken));
      expect(decodeJwt(pusher.body.token)['access']).toEqual([
        { type: 'repository', name: `${teamA}/brand-new`, actions: ['pull'] },
        { type: 'repository', name: `${teamA}/app`, actions: ['push'] },
      ]);
      const editor = await registryToken([`repository:${teamA}/brand-new:pull,push`], bearer(editorToken));
      expect(decodeJwt(editor.body.token)['access']).toEqual([{ type: 'repository', name: `${teamA}/brand-new`, actions: ['pull', 'push'] }]);
    });

    it('accepts an OAuth2 password grant by POST', async () => {
      const form = new URLSearchParams({ grant_type: 'password', username: 'x', password: viewerToken, service: 'imagestreams-registry', scope: `repository:${teamA}/app:pull` });
      const reply = await v2('POST', 'token', { 'content-type': 'application/x-www-form-urlencoded' }, form.toString());
      expect(reply.status).toBe(200);
      const body = JSON.parse(reply.body) as TokenResponse & { scope: string };
      expect(body.scope).toBe(`repository:${teamA}/app:pull`);
      expect((await v2('HEAD', `${teamA}/app/manifests/v1`, { ...bearer(body.access_token), accept: appImage.manifest.mediaType })).status).toBe(200);
    });

    it('answers bad credentials 401 UNAUTHORIZED and a malformed scope 400', async () => {
      const denied = await v2('GET', `token?scope=repository:${teamA}/app:pull`, basic(`ist_${randomBytes(32).toString('base64url')}`));
      expect({ status: denied.status, code: errorCode(denied) }).toEqual({ status: 401, code: 'UNAUTHORIZED' });
      const malformed = await v2('GET', 'token?scope=repository-without-actions', basic(viewerToken));
      expect(malformed.status).toBe(400);
      // A registry token does not buy another one.
      const { body } = await registryToken([], basic(viewerToken));
      expect((await v2('GET', 'token', bearer(body.token))).status).toBe(401);
    });
  });

  describe('routes', () => {
    it('denies a viewer push and delete (403 DENIED) and writes nothing', async () => {
      const upload = await v2('POST', `${teamA}/app/blobs/uploads/`, bearer(viewerToken));
      expect({ status: upload.status, code: errorCode(upload) }).toEqual({ status: 403, code: 'DENIED' });
      const manifest = await v2('PUT', `${teamA}/app/manifests/forbidden`, { ...bearer(viewerToken), 'content-type': appImage.manifest.mediaType }, appImage.manifestBytes);
      expect(manifest.status).toBe(403);
      const removal = await v2('DELETE', `${teamA}/app/manifests/${appImage.manifestDigest}`, bearer(viewerToken));
      expect(removal.status).toBe(403);
      const tags = await v2('GET', `${teamA}/app/tags/list`, bearer(adminToken()));
      expect(JSON.parse(tags.body)).toEqual({ name: `${teamA}/app`, tags: ['v1'] });
    });

    it('denies callers without a binding in the namespace the same way whether or not the repository exists', async () => {
      for (const stream of ['app', 'no-such-stream']) {
        const reply = await v2('GET', `${teamA}/${stream}/tags/list`, bearer(outsiderToken));
        expect({ stream, status: reply.status, code: errorCode(reply) }).toEqual({ stream, status: 403, code: 'DENIED' });
      }
    });

    it('lets a pusher who may not create streams push into an existing stream but not start a new one', async () => {
      const image = buildImage({ layerSize: 512 });
      await pushImage({ baseUrl: gatewayUrl(), authorization: `Bearer ${pusherToken}` }, `${teamA}/app`, 'v2', image);
      const fresh = await v2('POST', `${teamA}/brand-new/blobs/uploads/`, bearer(pusherToken));
      expect({ status: fresh.status, code: errorCode(fresh) }).toEqual({ status: 403, code: 'DENIED' });
      expect((await api('GET', `/apis/image.openshift.io/v1/namespaces/${teamA}/imagestreams/brand-new`)).status).toBe(404);
    });

    it('serves a blob only through a repository that references it: a digest from another namespace is unknown', async () => {
      const layer = appImage.layers[0].digest;
      const guessed = await v2('GET', `${teamB}/own/blobs/${layer}`, bearer(outsiderToken));
      expect({ status: guessed.status, code: errorCode(guessed) }).toEqual({ status: 404, code: 'BLOB_UNKNOWN' });
      const direct = await v2('GET', `${teamA}/app/blobs/${layer}`, bearer(outsiderToken));
      expect({ status: direct.status, code: errorCode(direct) }).toEqual({ status: 403, code: 'DENIED' });
      // The control: the blob is there for those who may pull its repository.
      expect((await v2('HEAD', `${teamA}/app/blobs/${layer}`, bearer(viewerToken))).status).toBe(200);
    });

    it('falls back to a plain upload (202) when the caller may not pull the mount source, and mounts (201) when it may', async () => {
      const layer = appImage.layers[0].digest;
      const mount = `${teamB}/own/blobs/uploads/?mount=${encodeURIComponent(layer)}&from=${encodeURIComponent(`${teamA}/app`)}`;
      const refused = await v2('POST', mount, bearer(outsiderToken));
      expect(refused.status).toBe(202);
      expect(refused.headers.get('location')).toMatch(new RegExp(`^/v2/${teamB}/own/blobs/uploads/[0-9a-f-]{61}$`));
      expect((await v2('HEAD', `${teamB}/own/blobs/${layer}`, bearer(outsiderToken))).status).toBe(404);

      const mounted = await v2('POST', mount, bearer(adminToken()));
      expect(mounted.status).toBe(201);
      expect((await v2('HEAD', `${teamB}/own/blobs/${layer}`, bearer(outsiderToken))).status).toBe(200);
    });

    it('decides mounts with a registry token by the token: one without the source is sent back for it (401 insufficient_scope) when its holder may pull the source', async () => {
      const image = buildImage({ layerSize: 256 });
      await pushBlob(gatewayUrl(), `${teamA}/app`, image.layers[0].bytes, `Bearer ${adminToken()}`);
      const layer = image.layers[0].digest;
      const mount = `${teamA}/mounted/blobs/uploads/?mount=${encodeURIComponent(layer)}&from=${encodeURIComponent(`${teamA}/app`)}`;
      const withoutSource = await registryToken([`repository:${teamA}/mounted:pull,push`], bearer(editorToken));
      const challenged = await v2('POST', mount, bearer(withoutSource.body.token));
      expect({ status: challenged.status, code: errorCode(challenged) }).toEqual({ status: 401, code: 'UNAUTHORIZED' });
      const challenge = challenged.headers.get('www-authenticate') ?? '';
      expect(challenge).toContain('error="insufficient_scope"');
      // What a client does next: a token for exactly the scope the challenge names, then the same request again.
      const scope = /scope="([^"]+)"/.exec(challenge)?.[1];
      expect(scope).toBe(`repository:${teamA}/mounted:pull,push repository:${teamA}/app:pull`);
      const withSource = await registryToken([scope ?? ''], bearer(editorToken));
      const mounted = await v2('POST', mount, bearer(withSource.body.token));
      expect(mounted.status).toBe(201);
      expect(mounted.headers.get('docker-content-digest')).toBe(layer);
    });

    it('falls back to an upload (202) for a registry token whose holder may not pull the mount source: asking again would not help', async () => {
      const layer = appImage.layers[0].digest;
      const mount = `${teamB}/own/blobs/uploads/?mount=${encodeURIComponent(layer)}&from=${encodeURIComponent(`${teamA}/app`)}`;
      const token = await registryToken([`repository:${teamB}/own:pull,push repository:${teamA}/app:pull`], bearer(outsiderToken));
      expect(decodeJwt(token.body.token)['access']).toEqual([{ type: 'repository', name: `${teamB}/own`, actions: ['pull', 'push'] }, { type: 'repository', name: `${teamA}/app`, actions: [] }]);
      const refused = await v2('POST', mount, bearer(token.body.token));
      expect(refused.status).toBe(202);
      expect(refused.headers.get('location')).toMatch(new RegExp(`^/v2/${teamB}/own/blobs/uploads/[0-9a-f-]{61}$`));
    });
  });

  describe('registry tokens not minted here', () => {
    let key: Buffer;
    const now = () => Math.floor(Date.now() / 1000);

    beforeAll(async () => {
      key = await storedSigningKey();
    });

    async function crafted(changes: { key?: Uint8Array; audience?: string; issuedAt?: number; lifetime?: number }): Promise<string> {
      const issuedAt = changes.issuedAt ?? now();
      return new SignJWT({ access: [{ type: 'repository', name: `${teamA}/app`, actions: ['pull'] }], groups: [] })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer('imagestreams')
        .setSubject('admin')
        .setAudience(changes.audience ?? 'imagestreams-registry')
        .setIssuedAt(issuedAt)
        .setNotBefore(issuedAt)
        .setExpirationTime(issuedAt + (changes.lifetime ?? 300))
        .setJti(randomBytes(8).toString('hex'))
        .sign(changes.key ?? key);
    }

    const pull = (token: string) => v2('GET', `${teamA}/app/manifests/v1`, { ...bearer(token), accept: appImage.manifest.mediaType });

    it('accepts one signed with the stored key (the control for the refusals below)', async () => {
      expect((await pull(await crafted({}))).status).toBe(200);
    });

    it('refuses forged, expired, foreign-audience and alg none tokens with 401', async () => {
      const unsigned = new UnsecuredJWT({ access: [{ type: 'repository', name: `${teamA}/app`, actions: ['pull'] }], groups: [] })
        .setIssuer('imagestreams')
        .setSubject('admin')
        .setAudience('imagestreams-registry')
        .setIssuedAt(now())
        .setNotBefore(now())
        .setExpirationTime(now() + 300)
        .setJti('none')
        .encode();
      const refused = {
        forged: await crafted({ key: randomBytes(32) }),
        expired: await crafted({ issuedAt: now() - 3600, lifetime: 300 }),
        audience: await crafted({ audience: 'another-registry' }),
        algNone: unsigned,
      };
      for (const [what, token] of Object.entries(refused)) {
        const reply = await pull(token);
        expect({ what, status: reply.status, code: errorCode(reply) }).toEqual({ what, status: 401, code: 'UNAUTHORIZED' });
        expect(reply.headers.get('www-authenticate')).toContain('error="invalid_token"');
      }
    });
  });

  describe('the catalog', () => {
    async function catalogPages(headers: Record<string, string>, n: number): Promise<{ repositories: string[]; links: string[] }> {
      const repositories: string[] = [];
      const links: string[] = [];
      let next: string | undefined = `_catalog?n=${n}`;
      while (next !== undefined) {
        const reply = await v2('GET', next, headers);
        expect(reply.status).toBe(200);
        repositories.push(...(JSON.parse(reply.body) as { repositories: string[] }).repositories);
        const link = reply.headers.get('link');
        if (link) links.push(link);
        next = link ? /^<\/v2\/([^>]+)>; rel="next"$/.exec(link)?.[1] : undefined;
      }
      return { repositories, links };
    }

    beforeAll(async () => {
      // A second stream in team A, so the viewer's catalog has two pages of one.
      await pushImage(admin(), `${teamA}/second`, 'v1', buildImage({ layerSize: 256 }));
    });

    it('lists only the repositories the caller may pull, page by page, with Link naming only visible ones', async () => {
      // Streams exist once a manifest was pushed (a mounted blob alone makes none), and other suites' namespaces are hidden.
      const viewer = await catalogPages(bearer(viewerToken), 1);
      expect(viewer.repositories).toEqual([`${teamA}/app`, `${teamA}/second`]);
      expect(viewer.links).toEqual([`</v2/_catalog?n=1&last=${encodeURIComponent(`${teamA}/app`)}>; rel="next"`]);
      const outsider = await catalogPages(bearer(outsiderToken), 1000);
      expect(outsider.repositories).toEqual([`${teamB}/own`]);
    });

    it('lists the same through a registry token holding registry:catalog:*', async () => {
      const { body } = await registryToken(['registry:catalog:*'], basic(outsiderToken));
      expect((await catalogPages(bearer(body.token), 1000)).repositories).toEqual([`${teamB}/own`]);
      const withoutScope = await registryToken([], basic(outsiderToken));
      const reply = await v2('GET', '_catalog', bearer(withoutScope.body.token));
      expect(reply.status).toBe(401);
      expect(reply.headers.get('www-authenticate')).toContain('scope="registry:catalog:*"');
    });
  });

  describe('with skopeo', () => {
    let authDir: string;

    beforeAll(async () => {
      authDir = await tempDir('registry-auth-');
    });

    async function login(name: string, token: string): Promise<string> {
      const authfile = path.join(authDir, `${name}.json`);
      await writeFile(authfile, '{}');
      await skopeo(['login', '--tls-verify=false', '--authfile', authfile, '-u', 'x', '-p', token, registryHost()]);
      return authfile;
    }

    it('logs in with an access token and pulls through a stream the caller can read (token flow)', async () => {
      const authfile = await login('viewer', viewerToken);
      expect(JSON.parse(await readFile(authfile, 'utf8'))).toEqual({ auths: { [registryHost()]: { auth: Buffer.from(`x:${viewerToken}`).toString('base64') } } });
      const target = await tempDir();
      await skopeoCopy(dockerRef(`${teamA}/app`, 'v1'), `oci:${target}:pulled`, ['--authfile', authfile], { token: null });
      const pulled = await readOciLayoutImage(target, 'pulled');
      expect(pulled.manifestDigest).toBe(appImage.manifestDigest);
    });

    it('refuses a viewer\'s push (denied) and leaves the tag absent', async () => {
      const authfile = await login('viewer-push', viewerToken);
      const layout: OciLayout = await writeOciLayout({ layerSize: 512 });
      const failure = await skopeoCopy(layout.reference, dockerRef(`${teamA}/app`, 'from-viewer'), ['--authfile', authfile], { token: null }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(SkopeoError);
      expect((failure as SkopeoError).stderr).toMatch(/denied|403/i);
      const tag = await api('GET', `/apis/image.openshift.io/v1/namespaces/${teamA}/imagestreamtags/app:from-viewer`);
      expect(tag.status).toBe(404);
    });

    it('pushes a new stream with --dest-creds for an editor, which the viewer then reads with --creds', async () => {
      const layout = await writeOciLayout({ layerSize: 512 });
      await skopeoCopy(layout.reference, dockerRef(`${teamA}/from-editor`, 'v1'), ['--dest-creds', `x:${editorToken}`], { token: null });
      const target = await tempDir();
      await skopeoCopy(dockerRef(`${teamA}/from-editor`, 'v1'), `oci:${target}:v1`, ['--src-creds', `x:${viewerToken}`], { token: null });
      expect((await readOciLayoutImage(target, 'v1')).manifestDigest).toBe(layout.digest);
      const tag = await api<{ image: { metadata: { name: string } } }>('GET', `/apis/image.openshift.io/v1/namespaces/${teamA}/imagestreamtags/from-editor:v1`);
      expect(tag.body.image.metadata.name).toBe(layout.digest);
    });

    it('cannot pull anonymously from a namespace that has not opened pulls to everyone', async () => {
      const target = await tempDir();
      await expect(skopeoCopy(dockerRef(`${teamA}/app`, 'v1'), `oci:${target}:anonymous`, ['--src-no-creds'], { token: null })).rejects.toThrow(/unauthorized|401|authentication required/i);
    });

    it('pulls anonymously once a namespace binds system:image-puller to system:unauthenticated, and only there', async () => {
      await created(
        'anonymous pulls in team B',
        api('POST', `/apis/rbac.authorization.k8s.io/v1/namespaces/${teamB}/rolebindings`, {
          apiVersion: 'rbac.authorization.k8s.io/v1',
          kind: 'RoleBinding',
          metadata: { name: 'anonymous-pulls' },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:image-puller' },
          subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:unauthenticated' }],
        }),
      );
      const target = await tempDir();
      await skopeoCopy(dockerRef(`${teamB}/own`, 'v1'), `oci:${target}:anonymous`, ['--src-no-creds'], { token: null });
      expect((await readOciLayoutImage(target, 'anonymous')).manifestDigest).toBe(ownImage.manifestDigest);
      // Pulling is all: anonymous callers still may not push there, and get nothing elsewhere.
      expect((await v2('POST', `${teamB}/own/blobs/uploads/`)).status).toBe(401);
      expect((await v2('HEAD', `${teamA}/app/manifests/v1`)).status).toBe(401);
    });
  });
});
