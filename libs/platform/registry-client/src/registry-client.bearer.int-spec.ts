import { createHash } from 'node:crypto';
import { OCI_IMAGE_MANIFEST, RegistryClient, type RegistryTarget, UnauthorizedError } from './index';
import { json, type RecordedRequest, startServer, type TestServer } from './testing/http-server.fixture';

const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const CONFIG = Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}');
const MANIFEST = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_IMAGE_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(CONFIG), size: CONFIG.length },
    layers: [],
  }),
);
const TAGS = ['a', 'b', 'c', 'd', 'e'];
const USER = { username: 'alice', password: 's3cret' };
const IDENTITY_TOKEN = 'refresh-me-please';
const SERVICE = 'fake-registry';

const basicOf = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

/**
 * A token server and a registry that only accepts bearer tokens issued for the repository's pull
 * scope, plus a "storage" server blobs redirect to (on another origin).
 */
describe('RegistryClient bearer token flow (real HTTP servers)', () => {
  let tokenServer: TestServer;
  let registry: TestServer;
  let storage: TestServer;
  let client: RegistryClient;
  /** token → scope it was issued for */
  const issued = new Map<string, string>();
  let tokenCount = 0;

  const target = (repository: string): RegistryTarget => ({ registry: registry.authority, repository, insecure: true });
  const tokenRequestsFor = (repository: string): RecordedRequest[] =>
    tokenServer.requests.filter((request) => {
      const url = new URL(request.url, tokenServer.origin);
      const scope = request.method === 'POST' ? new URLSearchParams(request.body.toString()).get('scope') : url.searchParams.get('scope');
      return scope === `repository:${repository}:pull`;
    });
  const registryRequestsFor = (repository: string) => registry.requests.filter((request) => request.url.startsWith(`/v2/${repository}/`));

  beforeAll(async () => {
    storage = await startServer((request, response) => {
      if (request.url?.startsWith(`/blob/${sha256(CONFIG)}?`)) {
        response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(CONFIG.length) });
        response.end(CONFIG);
      } else {
        json(response, 404, {});
      }
    });

    tokenServer = await startServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://token');
      if (url.pathname !== '/token') return json(response, 404, {});
      const issue = (scope: string) => {
        const token = `token-${++tokenCount}`;
        issued.set(token, scope);
        json(response, 200, { access_token: token, expires_in: 300, issued_at: new Date().toISOString() });
      };
      if (request.method === 'POST') {
        const form = new URLSearchParams(request.body.toString());
        if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== IDENTITY_TOKEN || form.get('service') !== SERVICE) {
          return json(response, 401, { error: 'invalid_grant' });
        }
        return issue(form.get('scope') ?? '');
      }
      const scopes = url.searchParams.getAll('scope');
      if (url.searchParams.get('service') !== SERVICE || scopes.length !== 1) return json(response, 400, { error: 'bad request' });
      const authorization = request.headers.authorization;
      if (authorization === undefined) {
        if (!scopes[0].startsWith('repository:public/')) return json(response, 401, { error: 'credentials required' });
      } else if (authorization !== basicOf(USER.username, USER.password)) {
        return json(response, 401, { error: 'bad credentials' });
      }
      issue(scopes[0]);
    });

    registry = await startServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://registry');
      const match = /^\/v2\/(.+)\/(manifests|blobs|tags)\/([^/]+)$/.exec(url.pathname);
      if (!match) return json(response, 404, { errors: [{ code: 'UNSUPPORTED' }] });
      const [, repository, kind, reference] = match;
      const scope = `repository:${repository}:pull`;
      const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
      if (!bearer || issued.get(bearer[1]) !== scope) {
        return json(
          response,
          401,
          { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
          { 'www-authenticate': `Bearer realm="${tokenServer.origin}/token",service="${SERVICE}",scope="${scope}"` },
        );
      }
      if (kind === 'manifests') {
        response.writeHead(200, { 'content-type': OCI_IMAGE_MANIFEST, 'docker-content-digest': sha256(MANIFEST), 'content-length': String(MANIFEST.length) });
        return response.end(request.method === 'HEAD' ? undefined : MANIFEST);
      }
      if (kind === 'blobs') {
        response.writeHead(307, { location: `${storage.origin}/blob/${reference}?signature=secret` });
        return response.end();
      }
      const last = url.searchParams.get('last');
      const start = last ? TAGS.indexOf(last) + 1 : 0;
      const page = TAGS.slice(start, start + 2);
      const headers: Record<string, string> = {};
      if (start + 2 < TAGS.length) headers['link'] = `</v2/${repository}/tags/list?n=2&last=${page[page.length - 1]}>; rel="next"`;
      json(response, 200, { name: repository, tags: page }, headers);
    });

    client = new RegistryClient({
      timeoutMs: 5000,
      retries: 1,
      retryBaseMs: 10,
      retryMaxMs: 50,
      addressPolicy: { allowLoopback: true, allowPrivate: false, allowedCidrs: [] },
    });
  });

  afterAll(async () => {
    await client?.close();
    await Promise.all([tokenServer?.close(), registry?.close(), storage?.close()]);
  });

  it('fetches one token per scope and reuses it for every call', async () => {
    const app = target('team/app');
    expect(await client.headManifest(app, 'latest', USER)).toEqual({ digest: sha256(MANIFEST), mediaType: OCI_IMAGE_MANIFEST, size: MANIFEST.length });
    expect((await client.getManifest(app, 'latest', USER)).bytes.equals(MANIFEST)).toBe(true);
    expect((await client.getBlob(app, sha256(CONFIG), 4096, USER)).equals(CONFIG)).toBe(true);
    expect(await client.listTags(app, USER)).toEqual(TAGS);
    await client.headManifest(app, 'latest', USER);
    expect(tokenRequestsFor('team/app')).toHaveLength(1);
    // Only the very first request went out anonymous and was challenged; later ones carried the token.
    expect(registryRequestsFor('team/app').filter((request) => request.headers.authorization === undefined)).toHaveLength(1);

    await client.getManifest(target('team/other'), 'latest', USER);
    await client.headManifest(target('team/other'), 'latest', USER);
    expect(tokenRequestsFor('team/other')).toHaveLength(1);
  });

  it('sends credentials only to the realm, and no Authorization to the storage redirect', async () => {
    await client.getBlob(target('team/app'), sha256(CONFIG), undefined, USER);
    for (const request of registry.requests) expect(request.headers.authorization ?? 'Bearer (anonymous)').toMatch(/^Bearer /);
    for (const request of tokenRequestsFor('team/app')) expect(request.headers.authorization).toBe(basicOf(USER.username, USER.password));
    expect(storage.requests.length).toBeGreaterThan(0);
    for (const request of storage.requests) expect(request.headers.authorization).toBeUndefined();
  });

  it('shares one token request between concurrent calls', async () => {
    const concurrent = target('team/concurrent');
    const results = await Promise.all(Array.from({ length: 5 }, () => client.getManifest(concurrent, 'latest', USER)));
    expect(results.every((result) => result.digest === sha256(MANIFEST))).toBe(true);
    expect(tokenRequestsFor('team/concurrent')).toHaveLength(1);
  });

  it('follows tag list pagination up to the limit', async () => {
    expect(await client.listTags(target('team/paged'), USER, 3)).toEqual(['a', 'b', 'c']);
    expect(await client.listTags(target('team/paged'), USER)).toEqual(TAGS);
  });

  it('gets anonymous tokens when no credentials are given', async () => {
    expect((await client.getManifest(target('public/app'), 'latest')).digest).toBe(sha256(MANIFEST));
    const [tokenRequest] = tokenRequestsFor('public/app');
    expect(tokenRequest.headers.authorization).toBeUndefined();
  });

  it('flags rejected credentials at the token service as badCredentials', async () => {
    const error = await client.getManifest(target('team/secret'), 'latest', { username: 'alice', password: 'nope' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error).toMatchObject({ badCredentials: true });
    expect(String(error)).not.toContain('nope');

    const anonymous = await client.getManifest(target('team/secret'), 'latest').catch((e: unknown) => e);
    expect(anonymous).toBeInstanceOf(UnauthorizedError);
    expect(anonymous).toMatchObject({ badCredentials: false });
  });

  it('fetches a fresh token once when the registry rejects a cached one', async () => {
    const app = target('team/revoked');
    await client.getManifest(app, 'latest', USER);
    expect(tokenRequestsFor('team/revoked')).toHaveLength(1);
    issued.clear(); // the registry forgets every token
    expect((await client.getManifest(app, 'latest', USER)).digest).toBe(sha256(MANIFEST));
    expect(tokenRequestsFor('team/revoked')).toHaveLength(2);
  });

  it('exchanges an identity token with the OAuth2 refresh_token grant', async () => {
    const manifest = await client.getManifest(target('team/identity'), 'latest', { username: '<token>', password: IDENTITY_TOKEN });
    expect(manifest.digest).toBe(sha256(MANIFEST));
    const [tokenRequest] = tokenRequestsFor('team/identity');
    expect(tokenRequest.method).toBe('POST');
    expect(new URLSearchParams(tokenRequest.body.toString()).get('grant_type')).toBe('refresh_token');
  });
});
