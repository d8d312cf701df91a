import { createHash } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import type { Readable } from 'node:stream';
import {
  type BlobSink,
  DOCKER_MANIFEST_V2,
  HttpOnlyRegistryError,
  InvalidReferenceError,
  InvalidRegistryResponseError,
  OCI_IMAGE_MANIFEST,
  RateLimitedError,
  RefusedAddressError,
  RegistryClient,
  type RegistryClientOptions,
  RegistryClientClosedError,
  RegistryConnectionError,
  RegistryHttpError,
  type RegistryTarget,
  RegistryTimeoutError,
} from './index';
import { type Handler, json, startServer, type TestServer, waitFor } from './testing/http-server.fixture';

const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
const MANIFEST = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: DOCKER_MANIFEST_V2,
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: sha256(Buffer.from('{}')), size: 2 },
    layers: [],
  }),
);

function serveManifest(response: Parameters<Handler>[1], bytes = MANIFEST, headers: Record<string, string> = {}): void {
  response.writeHead(200, {
    'content-type': DOCKER_MANIFEST_V2,
    'docker-content-digest': sha256(bytes),
    'content-length': String(bytes.length),
    ...headers,
  });
  response.end(bytes);
}

/** Reads a whole body, hashing it. */
async function digestOf(body: Readable): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of body) hash.update(chunk as Buffer);
  return `sha256:${hash.digest('hex')}`;
}

const LOOPBACK_OK = { allowLoopback: true, allowPrivate: false, allowedCidrs: [] };

describe('RegistryClient resilience (real HTTP servers)', () => {
  const servers: TestServer[] = [];
  const clients: RegistryClient[] = [];

  async function server(handler: Handler, host?: string): Promise<TestServer> {
    const started = await startServer(handler, host);
    servers.push(started);
    return started;
  }
  function client(options: Partial<RegistryClientOptions> = {}): RegistryClient {
    const created = new RegistryClient({ timeoutMs: 3000, retries: 2, retryBaseMs: 10, retryMaxMs: 50, addressPolicy: LOOPBACK_OK, ...options });
    clients.push(created);
    return created;
  }
  const target = (s: TestServer, repository = 'team/app', insecure = true): RegistryTarget => ({ registry: s.authority, repository, insecure });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(servers.map((s) => s.close()));
  });

  describe('rate limiting and retries', () => {
    it('waits out Retry-After: 1 twice, then succeeds', async () => {
      let hits = 0;
      const s = await server((_request, response) => {
        if (++hits <= 2) {
          response.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' });
          return response.end('{"errors":[{"code":"TOOMANYREQUESTS"}]}');
        }
        serveManifest(response);
      });
      const started = Date.now();
      const manifest = await client().getManifest(target(s), 'latest');
      const elapsed = Date.now() - started;
      expect(manifest.digest).toBe(sha256(MANIFEST));
      expect(hits).toBe(3);
      expect(elapsed).toBeGreaterThanOrEqual(1900);
      expect(elapsed).toBeLessThan(5000);
    });

    it('throws RateLimitedError at once when Retry-After exceeds what a call waits', async () => {
      const s = await server((_request, response) => {
        response.writeHead(429, { 'retry-after': '3600' });
        response.end();
      });
      const started = Date.now();
      const error = await client().headManifest(target(s), 'latest').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RateLimitedError);
      expect(error).toMatchObject({ retryAfterMs: 3_600_000, registry: s.authority });
      expect(Date.now() - started).toBeLessThan(1000);
      expect(s.requests).toHaveLength(1);
    });

    it('throws RateLimitedError when 429s outlast the retries', async () => {
      const s = await server((_request, response) => {
        response.writeHead(429);
        response.end();
      });
      await expect(client({ retries: 2 }).getManifest(target(s), 'latest')).rejects.toBeInstanceOf(RateLimitedError);
      expect(s.requests).toHaveLength(3);
    });

    it('retries 5xx and dropped connections with backoff', async () => {
      let hits = 0;
      const s = await server((request, response) => {
        hits++;
        if (hits === 1) return void request.socket.destroy();
        if (hits === 2) return json(response, 503, { errors: [{ code: 'UNAVAILABLE' }] });
        serveManifest(response);
      });
      expect((await client({ retries: 3 }).getManifest(target(s), 'latest')).digest).toBe(sha256(MANIFEST));
      expect(hits).toBe(3);
    });

    it('gives up on 5xx after the retries with RegistryHttpError', async () => {
      const s = await server((_request, response) => json(response, 500, { errors: [{ code: 'UNKNOWN', message: 'boom' }] }));
      const error = await client({ retries: 1 }).getManifest(target(s), 'latest').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RegistryHttpError);
      expect(error).toMatchObject({ status: 500, code: 'UNKNOWN' });
      expect(s.requests).toHaveLength(2);
    });
  });

  describe('timeouts', () => {
    it('throws RegistryTimeoutError within timeoutMs when the server never answers (not retried)', async () => {
      const s = await server(() => {
        // never answers
      });
      const started = Date.now();
      const error = await client({ timeoutMs: 400, retries: 3 }).headManifest(target(s), 'latest').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RegistryTimeoutError);
      expect(Date.now() - started).toBeLessThan(1200);
      expect(s.requests).toHaveLength(1);
    });

    it('counts the body against the deadline', async () => {
      const s = await server((_request, response) => {
        response.writeHead(200, { 'content-type': DOCKER_MANIFEST_V2, 'content-length': String(MANIFEST.length) });
        response.write(MANIFEST.subarray(0, 10)); // and nothing more
      });
      const started = Date.now();
      await expect(client({ timeoutMs: 400 }).getManifest(target(s), 'latest')).rejects.toBeInstanceOf(RegistryTimeoutError);
      expect(Date.now() - started).toBeLessThan(1200);
    });
  });

  describe('streamed blob downloads', () => {
    const LAYER = Buffer.alloc(64 * 1024, 'layer ');
    const LAYER_DIGEST = sha256(LAYER);
    const CHUNKS = 10;
    let s: TestServer;
    let storage: TestServer;
    let resets = 0;
    /** Responses of `s/cut`: whether each ended before all of the body was sent. */
    const cutShort: boolean[] = [];

    const blobHeaders = { 'content-type': 'application/octet-stream', 'content-length': String(LAYER.length) };
    const chunk = (i: number) => LAYER.subarray((i * LAYER.length) / CHUNKS, ((i + 1) * LAYER.length) / CHUNKS);

    beforeAll(async () => {
      storage = await server((_request, response) => {
        response.writeHead(200, blobHeaders);
        response.end(LAYER);
      });
      s = await server(async (request, response) => {
        const repository = /^\/v2\/(.+)\/blobs\//.exec(new URL(request.url ?? '/', 'http://x').pathname)?.[1];
        switch (repository) {
          case 's/steady':
            // ~1.5 s in total, never idle for more than 150 ms (the client allows 800 ms: room for a busy machine).
            response.writeHead(200, blobHeaders);
            for (let i = 0; i < CHUNKS; i++) {
              response.write(chunk(i));
              await new Promise((resolve) => setTimeout(resolve, 150));
            }
            return response.end();
          case 's/stall':
            response.writeHead(200, blobHeaders);
            return response.write(chunk(0)); // and nothing more
          case 's/reset':
            if (++resets > 1) {
              response.writeHead(200, blobHeaders);
              return response.end(LAYER);
            }
            response.writeHead(200, blobHeaders);
            response.write(LAYER.subarray(0, LAYER.length / 2));
            return setTimeout(() => request.socket.destroy(), 50);
          case 's/redirect':
            response.writeHead(307, { location: `${storage.origin}/blobs/layer?X-Amz-Signature=secret` });
            return response.end();
          case 's/cut': {
            // More than loopback socket buffers hold (up to 32 MiB here), written as fast as it is read.
            const megabyte = Buffer.alloc(1024 * 1024);
            const megabytes = 256;
            response.on('close', () => cutShort.push(!response.writableFinished));
            response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(megabytes * megabyte.length) });
            for (let i = 0; i < megabytes && !response.destroyed; i++) {
              if (!response.write(megabyte)) await new Promise((resolve) => response.once('drain', resolve).once('close', resolve));
            }
            return response.end();
          }
          default:
            return json(response, 404, { errors: [{ code: 'BLOB_UNKNOWN' }] });
        }
      });
    });

    it('lets a steady body outlast timeoutMs, but fails a body idle for longer (not retried)', async () => {
      const c = client({ timeoutMs: 800, retries: 2 });
      let started = Date.now();
      expect(await c.downloadBlob(target(s, 's/steady'), LAYER_DIGEST, digestOf)).toBe(LAYER_DIGEST);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1350);

      const before = s.requests.length;
      started = Date.now();
      const error = await c.downloadBlob(target(s, 's/stall'), LAYER_DIGEST, digestOf).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RegistryTimeoutError);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(s.requests.length - before).toBe(1);
    });

    it('retries a connection reset mid-body, calling the sink again with a fresh body', async () => {
      const outcomes: string[] = [];
      const sink: BlobSink<string> = (body) =>
        digestOf(body).then(
          (digest) => (outcomes.push('done'), digest),
          (error: unknown) => {
            outcomes.push('failed');
            throw error;
          },
        );
      expect(await client({ retries: 2 }).downloadBlob(target(s, 's/reset'), LAYER_DIGEST, sink)).toBe(LAYER_DIGEST);
      expect(outcomes).toEqual(['failed', 'done']);
      expect(resets).toBe(2);
    });

    it('follows a storage redirect and tells the sink where the body came from', async () => {
      const infos: Parameters<BlobSink<string>>[1][] = [];
      const digest = await client().downloadBlob(target(s, 's/redirect'), LAYER_DIGEST, (body, info) => {
        infos.push(info);
        return digestOf(body);
      });
      expect(digest).toBe(LAYER_DIGEST);
      expect(infos.map(({ url, size }) => ({ origin: url.origin, size }))).toEqual([{ origin: storage.origin, size: LAYER.length }]);
    });

    it('destroys a body the sink leaves unread', async () => {
      const c = client();
      expect(await c.downloadBlob(target(s, 's/cut'), LAYER_DIGEST, async () => 'skipped')).toBe('skipped');
      await waitFor(() => cutShort.length === 1, 2000, 'the abandoned response to close');
      expect(cutShort).toEqual([true]);
    });

    it('is aborted by close()', async () => {
      const c = new RegistryClient({ timeoutMs: 10_000, addressPolicy: LOOPBACK_OK });
      let received = 0;
      const pending = c
        .downloadBlob(target(s, 's/stall'), LAYER_DIGEST, async (body) => {
          for await (const part of body) received += (part as Buffer).length;
        })
        .catch((e: unknown) => e);
      await waitFor(() => received > 0, 2000, 'the first chunk');
      await c.close();
      expect(await pending).toBeInstanceOf(RegistryClientClosedError);
    });
  });

  describe('garbage', () => {
    let s: TestServer;
    let c: RegistryClient;
    const other = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{},"layers":[]}');

    beforeAll(async () => {
      s = await server((request, response) => {
        const path = new URL(request.url ?? '/', 'http://x').pathname;
        switch (path) {
          case '/v2/g/json/manifests/latest':
            response.writeHead(200, { 'content-type': OCI_IMAGE_MANIFEST });
            return response.end('{"schemaVersion": 2, "config": ');
          case '/v2/g/array/manifests/latest':
            response.writeHead(200, { 'content-type': OCI_IMAGE_MANIFEST });
            return response.end('[1,2,3]');
          case '/v2/g/big/manifests/latest':
            return serveManifest(response, Buffer.alloc(8192, 0x20));
          case '/v2/g/chunked/manifests/latest':
            // No Content-Length: the cap must hold while streaming.
            response.writeHead(200, { 'content-type': OCI_IMAGE_MANIFEST });
            for (let i = 0; i < 64; i++) response.write(Buffer.alloc(1024, 0x20));
            return response.end();
          case `/v2/g/mismatch/manifests/${sha256(MANIFEST)}`:
            return serveManifest(response, other, { 'docker-content-digest': sha256(MANIFEST) });
          case '/v2/g/header/manifests/latest':
            return serveManifest(response, MANIFEST, { 'docker-content-digest': sha256(other) });
          case '/v2/g/untyped/manifests/latest':
            response.writeHead(200, { 'content-type': 'application/json' });
            return response.end('{"schemaVersion":2}');
          case '/v2/g/contradiction/manifests/latest':
            return serveManifest(response, other, { 'content-type': DOCKER_MANIFEST_V2 });
          case '/v2/g/inferred/manifests/latest': {
            const bytes = Buffer.from('{"schemaVersion":2,"config":{"digest":"sha256:00"},"layers":[]}');
            response.writeHead(200, { 'content-type': 'application/json' });
            return response.end(bytes);
          }
          case '/v2/g/nodigest/manifests/latest':
            // HEAD without Docker-Content-Digest: the client must GET and hash the body.
            response.writeHead(200, { 'content-type': DOCKER_MANIFEST_V2, 'content-length': String(MANIFEST.length) });
            return response.end(request.method === 'HEAD' ? undefined : MANIFEST);
          case `/v2/g/blob/blobs/${sha256(Buffer.from('expected'))}`:
            response.writeHead(200, { 'content-type': 'application/octet-stream' });
            return response.end('something else');
          case '/v2/g/loop/manifests/latest':
            response.writeHead(302, { location: '/v2/g/loop/manifests/latest' });
            return response.end();
          case '/v2/g/tags/tags/list':
            response.writeHead(200, { 'content-type': 'application/json' });
            return response.end('{"name":"g/tags","tags":"latest"}');
          default:
            return json(response, 404, { errors: [{ code: 'NOT_FOUND' }] });
        }
      });
      c = client({ maxManifestBytes: 4096 });
    });

    const invalid = (promise: Promise<unknown>) => expect(promise).rejects.toBeInstanceOf(InvalidRegistryResponseError);

    it('rejects a manifest that is not JSON or not an object', async () => {
      await invalid(c.getManifest(target(s, 'g/json'), 'latest'));
      await invalid(c.getManifest(target(s, 'g/array'), 'latest'));
    });

    it('rejects oversized bodies, announced or streamed', async () => {
      await invalid(c.getManifest(target(s, 'g/big'), 'latest'));
      await invalid(c.headManifest(target(s, 'g/big'), 'latest'));
      await invalid(c.getManifest(target(s, 'g/chunked'), 'latest'));
    });

    it('verifies digests of manifests and blobs', async () => {
      await invalid(c.getManifest(target(s, 'g/mismatch'), sha256(MANIFEST)));
      await invalid(c.getManifest(target(s, 'g/header'), 'latest'));
      await invalid(c.getBlob(target(s, 'g/blob'), sha256(Buffer.from('expected'))));
    });

    it('needs a media type it can tell, and a consistent one', async () => {
      await invalid(c.getManifest(target(s, 'g/untyped'), 'latest'));
      await invalid(c.getManifest(target(s, 'g/contradiction'), 'latest'));
      expect((await c.getManifest(target(s, 'g/inferred'), 'latest')).mediaType).toBe(OCI_IMAGE_MANIFEST);
    });

    it('falls back to GET when HEAD has no Docker-Content-Digest', async () => {
      const before = s.requests.length;
      expect(await c.headManifest(target(s, 'g/nodigest'), 'latest')).toEqual({
        digest: sha256(MANIFEST),
        mediaType: DOCKER_MANIFEST_V2,
        size: MANIFEST.length,
      });
      expect(s.requests.slice(before).map((request) => request.method)).toEqual(['HEAD', 'GET']);
    });

    it('stops redirect loops and rejects malformed tag lists', async () => {
      await invalid(c.getManifest(target(s, 'g/loop'), 'latest'));
      await invalid(c.listTags(target(s, 'g/tags')));
    });

    it('refuses invalid names before sending anything', async () => {
      const before = s.requests.length;
      await expect(c.getManifest(target(s, '../etc'), 'latest')).rejects.toBeInstanceOf(InvalidReferenceError);
      await expect(c.getManifest(target(s, 'g/app'), 'bad/tag')).rejects.toBeInstanceOf(InvalidReferenceError);
      await expect(c.getManifest(target(s, 'g/app'), 'md5:0123456789abcdef0123456789abcdef')).rejects.toBeInstanceOf(InvalidReferenceError);
      await expect(c.getBlob(target(s, 'g/app'), 'sha256:xyz')).rejects.toBeInstanceOf(InvalidReferenceError);
      await expect(c.getManifest({ registry: 'user@host', repository: 'a', insecure: true }, 'latest')).rejects.toBeInstanceOf(InvalidReferenceError);
      expect(s.requests.length).toBe(before);
    });
  });

  describe('address policy', () => {
    let allowed: TestServer;
    /** On 127.0.0.2: reachable, but outside the allowed CIDR. */
    let forbidden: TestServer;

    beforeAll(async () => {
      forbidden = await server((_request, response) => serveManifest(response), '127.0.0.2');
      allowed = await server((request, response) => {
        const path = new URL(request.url ?? '/', 'http://x').pathname;
        const redirects: Record<string, string> = {
          '/v2/r/loopback/manifests/latest': `${forbidden.origin}/v2/r/loopback/manifests/latest`,
          '/v2/r/metadata/manifests/latest': 'http://169.254.169.254/latest/meta-data/',
          '/v2/r/private/manifests/latest': 'http://10.255.255.1/v2/r/private/manifests/latest',
          '/v2/r/mapped/manifests/latest': `http://[::ffff:127.0.0.2]:${forbidden.port}/`,
        };
        if (redirects[path]) {
          response.writeHead(302, { location: redirects[path] });
          return response.end();
        }
        if (path === '/v2/r/realm/manifests/latest') {
          return json(response, 401, {}, { 'www-authenticate': `Bearer realm="${forbidden.origin}/token",service="x",scope="repository:r/realm:pull"` });
        }
        serveManifest(response);
      });
    });

    it('refuses loopback registries when allowLoopback is false, before connecting', async () => {
      const strict = client({ addressPolicy: { allowLoopback: false, allowPrivate: false, allowedCidrs: [] } });
      const byLiteral = await strict.headManifest(target(allowed), 'latest').catch((e: unknown) => e);
      expect(byLiteral).toBeInstanceOf(RefusedAddressError);
      expect(byLiteral).toMatchObject({ host: '127.0.0.1' });
      const byName = await strict.getManifest({ registry: `localhost:${allowed.port}`, repository: 'team/app', insecure: true }, 'latest').catch((e: unknown) => e);
      expect(byName).toBeInstanceOf(RefusedAddressError);
      expect(allowed.connections).toBe(0);
      expect(allowed.requests).toHaveLength(0);
    });

    it('allows them when allowLoopback is true (by literal and by name)', async () => {
      const relaxed = client();
      expect((await relaxed.headManifest(target(allowed), 'latest')).digest).toBe(sha256(MANIFEST));
      expect((await relaxed.headManifest({ registry: `localhost:${allowed.port}`, repository: 'team/app', insecure: true }, 'latest')).digest).toBe(
        sha256(MANIFEST),
      );
    });

    it('refuses redirects and token realms that lead to refused addresses, without connecting', async () => {
      const pinned = client({ addressPolicy: { allowLoopback: false, allowPrivate: false, allowedCidrs: ['127.0.0.1/32'] } });
      expect((await pinned.headManifest(target(allowed), 'latest')).digest).toBe(sha256(MANIFEST));
      for (const repository of ['r/loopback', 'r/metadata', 'r/private', 'r/mapped', 'r/realm']) {
        const started = Date.now();
        const error = await pinned.getManifest(target(allowed, repository), 'latest').catch((e: unknown) => e);
        expect(error).toBeInstanceOf(RefusedAddressError);
        expect(Date.now() - started).toBeLessThan(1000);
      }
      expect(forbidden.connections).toBe(0);
    });
  });

  describe('HTTP-only registries', () => {
    let plain: TestServer;
    beforeAll(async () => {
      plain = await server((_request, response) => serveManifest(response));
    });

    it('reports HttpOnlyRegistryError when https fails and the registry is not insecure', async () => {
      const error = await client().getManifest(target(plain, 'team/app', false), 'latest').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HttpOnlyRegistryError);
    });

    it('does not take an http-to-https redirect on the plain port for an HTTP-only registry', async () => {
      const redirecting = await server((request, response) => {
        response.writeHead(301, { location: `https://${request.headers.host}${request.url}` });
        response.end();
      });
      const error = await client({ retries: 0 }).getManifest(target(redirecting, 'team/app', false), 'latest').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RegistryConnectionError);
      expect(error).not.toBeInstanceOf(HttpOnlyRegistryError);
    });

    it('uses plain http when the registry is insecure', async () => {
      expect((await client().getManifest(target(plain, 'team/app', true), 'latest')).digest).toBe(sha256(MANIFEST));
    });

    // https first, then http: needs a non-loopback address (loopback insecure registries go straight to http).
    const external = Object.values(networkInterfaces())
      .flat()
      .find((entry) => entry && entry.family === 'IPv4' && !entry.internal)?.address;
    (external ? it : it.skip)('falls back from https to http for an insecure registry on a non-loopback address', async () => {
      const s = await server((_request, response) => serveManifest(response), external);
      const c = client({ addressPolicy: { allowLoopback: false, allowPrivate: false, allowedCidrs: [`${external}/32`] } });
      expect((await c.getManifest(target(s, 'team/app', true), 'latest')).digest).toBe(sha256(MANIFEST));
      // The https attempt was made (the server saw a TLS handshake instead of HTTP) before http.
      expect(s.clientErrors).toBe(1);
      // The scheme is remembered.
      await c.headManifest(target(s, 'team/app', true), 'latest');
      expect(s.clientErrors).toBe(1);
      await expect(c.headManifest(target(s, 'team/app', false), 'latest')).rejects.toBeInstanceOf(HttpOnlyRegistryError);
    });
  });

  describe('close', () => {
    it('aborts calls in flight and refuses new ones', async () => {
      const s = await server(() => {
        // never answers
      });
      const c = new RegistryClient({ timeoutMs: 10_000, addressPolicy: LOOPBACK_OK });
      const pending = c.getManifest(target(s), 'latest').catch((e: unknown) => e);
      await waitFor(() => s.requests.length === 1, 2000, 'the request to arrive');
      await c.close();
      expect(await pending).toBeInstanceOf(RegistryClientClosedError);
      await expect(c.headManifest(target(s), 'latest')).rejects.toBeInstanceOf(RegistryClientClosedError);
    });
  });
});
