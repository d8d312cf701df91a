import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { eventually } from '@imagestreams/testing';
import { eventuallyAudited } from './support/access';
import { api, authHeaders, createTestNamespace, gatewayUrl } from './support/api';
import { buildImage, descriptorOf, OCI_EMPTY, OCI_INDEX, OCI_MANIFEST, sha256, type BuiltImage } from './support/oci-layout';

/**
 * The OCI Distribution API over plain HTTP, written from the distribution spec
 * (https://github.com/opencontainers/distribution-spec/blob/main/spec.md) along the lines of its
 * conformance suite: pull, push, content discovery, referrers and content management, plus input
 * that must be refused with a 4xx and an OCI error body, never a 5xx.
 */

interface Reply {
  status: number;
  headers: Headers;
  bytes: Buffer;
}

interface OciErrorBody {
  errors: { code: string; message: string; detail?: unknown }[];
}

const v2 = (path: string) => `${gatewayUrl()}/v2/${path}`;

/**
 * One request, as the admin. A connection the server closes without answering is reported as
 * status 0 with the cause as the body, so an assertion shows "no response" rather than an unhandled TypeError.
 */
async function send(method: string, url: string, init: { headers?: Record<string, string>; body?: Buffer | string } = {}): Promise<Reply> {
  try {
    const response = await fetch(url, { method, headers: { ...authHeaders(), ...init.headers }, body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : new Uint8Array(init.body), redirect: 'manual' });
    return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
  } catch (error) {
    const cause = (error as { cause?: { message?: string } }).cause?.message ?? (error as Error).message;
    return { status: 0, headers: new Headers(), bytes: Buffer.from(`no response to ${method} ${new URL(url).pathname}: ${cause}`) };
  }
}

function json<T>(reply: Reply): T {
  return JSON.parse(reply.bytes.toString('utf8')) as T;
}

/** The spec's error shape: `{"errors":[{"code","message","detail"?}]}` with the expected status and code. */
function expectOciError(reply: Reply, status: number, code: string | string[]): void {
  const text = reply.bytes.toString('utf8');
  if (reply.status !== status) throw new Error(`expected ${status} ${String(code)}, got ${reply.status}: ${text.slice(0, 500)}`);
  expect(reply.headers.get('content-type') ?? '').toMatch(/^application\/json/);
  const body = JSON.parse(text) as OciErrorBody;
  expect(body).toEqual({ errors: expect.any(Array) });
  expect(body.errors.length).toBeGreaterThan(0);
  for (const error of body.errors) expect(error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
  if (Array.isArray(code)) expect(code).toContain(body.errors[0].code);
  else expect(body.errors[0].code).toBe(code);
}

/** Any client error with an OCI error body: what bad input gets, whatever the exact code. */
function expectClientError(reply: Reply): void {
  if (reply.status < 400 || reply.status > 499) throw new Error(`expected a 4xx, got ${reply.status}: ${reply.bytes.toString('utf8').slice(0, 500)}`);
  expectOciError(reply, reply.status, json<OciErrorBody>(reply).errors[0]?.code ?? 'missing');
}

/** A Location header made absolute, with `digest` added to its query when given. */
function location(reply: Reply, digest?: string): string {
  const header = reply.headers.get('location');
  if (!header) throw new Error(`no Location header (status ${reply.status}): ${reply.bytes.toString('utf8')}`);
  const url = new URL(header, gatewayUrl());
  if (digest) url.searchParams.set('digest', digest);
  return url.toString();
}

async function startUpload(repository: string): Promise<string> {
  const started = await send('POST', v2(`${repository}/blobs/uploads/`));
  expect(started.status).toBe(202);
  return location(started);
}

async function putManifest(repository: string, reference: string, bytes: Buffer | string, mediaType = OCI_MANIFEST): Promise<Reply> {
  return send('PUT', v2(`${repository}/manifests/${reference}`), { headers: { 'content-type': mediaType }, body: bytes });
}

/** Blobs then the manifest under each tag (or by digest when no tag is given). */
async function pushImage(repository: string, tags: string[], image: BuiltImage = buildImage({ layers: 1, layerSize: 256 })): Promise<BuiltImage> {
  for (const layer of image.layers) await uploadWhole(repository, layer.bytes);
  await uploadWhole(repository, image.configBytes);
  for (const reference of tags.length ? tags : [image.manifestDigest]) {
    const put = await putManifest(repository, reference, image.manifestBytes);
    if (put.status !== 201) throw new Error(`manifest PUT ${repository}:${reference} answered ${put.status}: ${put.bytes.toString('utf8')}`);
  }
  return image;
}

/** POST (202, Location) then PUT Location?digest= with the whole body (201). */
async function uploadWhole(repository: string, bytes: Buffer): Promise<string> {
  const digest = sha256(bytes);
  const upload = await startUpload(repository);
  const put = await send('PUT', withDigest(upload, digest), { headers: { 'content-type': 'application/octet-stream' }, body: bytes });
  if (put.status !== 201) throw new Error(`blob PUT answered ${put.status}: ${put.bytes.toString('utf8')}`);
  return digest;
}

function withDigest(url: string, digest: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('digest', digest);
  return parsed.toString();
}

/** A request exactly as written (no URL normalisation), over node:http, as the admin. */
function rawRequest(method: string, path: string, headers: Record<string, string | number> = {}, body?: Buffer): Promise<Reply> {
  const { hostname, port } = new URL(gatewayUrl());
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, method, path, headers: { ...authHeaders(), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') responseHeaders.set(name, value);
        resolve({ status: res.statusCode ?? 0, headers: responseHeaders, bytes: Buffer.concat(chunks) });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** GET of an upload session: 204 with `Range: 0-<last byte>` while it exists. */
async function uploadStatus(upload: string): Promise<Reply> {
  return send('GET', upload);
}

describe('OCI distribution API', () => {
  let namespace: string;
  const repo = (stream: string) => `${namespace}/${stream}`;

  beforeAll(async () => {
    namespace = await createTestNamespace('registry-api');
  });

  describe('pull', () => {
    let image: BuiltImage;

    beforeAll(async () => {
      image = await pushImage(repo('pull'), ['v1'], buildImage({ layers: 2, layerSize: 4096 }));
    });

    it('answers GET and HEAD /v2/ with 200', async () => {
      const get = await send('GET', v2(''));
      expect(get.status).toBe(200);
      expect(get.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
      expect((await send('HEAD', v2(''))).status).toBe(200);
    });

    it.each([['tag', 'v1'], ['digest', '']])('serves the manifest by %s with Docker-Content-Digest and Content-Type (GET and HEAD)', async (_kind, reference) => {
      const url = v2(`${repo('pull')}/manifests/${reference || image.manifestDigest}`);
      const get = await send('GET', url, { headers: { accept: OCI_MANIFEST } });
      expect(get.status).toBe(200);
      expect(get.headers.get('docker-content-digest')).toBe(image.manifestDigest);
      expect(get.headers.get('content-type')).toBe(OCI_MANIFEST);
      expect(sha256(get.bytes)).toBe(image.manifestDigest);
      const head = await send('HEAD', url, { headers: { accept: OCI_MANIFEST } });
      expect(head.status).toBe(200);
      expect(head.headers.get('docker-content-digest')).toBe(image.manifestDigest);
      expect(head.headers.get('content-length')).toBe(String(image.manifestBytes.length));
      expect(head.bytes).toHaveLength(0);
    });

    it('serves blobs (GET and HEAD) with their digest and length', async () => {
      const layer = image.layers[0];
      const get = await send('GET', v2(`${repo('pull')}/blobs/${layer.digest}`));
      expect(get.status).toBe(200);
      expect(sha256(get.bytes)).toBe(layer.digest);
      expect(get.headers.get('docker-content-digest')).toBe(layer.digest);
      const head = await send('HEAD', v2(`${repo('pull')}/blobs/${image.configDigest}`));
      expect(head.status).toBe(200);
      expect(head.headers.get('content-length')).toBe(String(image.configBytes.length));
      expect(head.bytes).toHaveLength(0);
    });

    it('answers a Range request with 206 and Content-Range', async () => {
      const layer = image.layers[1];
      const partial = await send('GET', v2(`${repo('pull')}/blobs/${layer.digest}`), { headers: { range: 'bytes=10-109' } });
      expect(partial.status).toBe(206);
      expect(partial.headers.get('content-range')).toBe(`bytes 10-109/${layer.size}`);
      expect(partial.bytes.equals(layer.bytes.subarray(10, 110))).toBe(true);
    });

    it('answers a Range past the end, or ending before it starts, with 416', async () => {
      const layer = image.layers[1];
      for (const range of [`bytes=${layer.size}-`, 'bytes=500-0']) {
        expectOciError(await send('GET', v2(`${repo('pull')}/blobs/${layer.digest}`), { headers: { range } }), 416, 'RANGE_INVALID');
      }
    });

    it('answers an unknown blob with 404 BLOB_UNKNOWN', async () => {
      expectOciError(await send('GET', v2(`${repo('pull')}/blobs/${sha256(randomBytes(16))}`)), 404, 'BLOB_UNKNOWN');
      expect((await send('HEAD', v2(`${repo('pull')}/blobs/${sha256(randomBytes(16))}`))).status).toBe(404);
    });

    it('answers an unknown manifest with 404 MANIFEST_UNKNOWN', async () => {
      expectOciError(await send('GET', v2(`${repo('pull')}/manifests/nope`)), 404, 'MANIFEST_UNKNOWN');
      expectOciError(await send('GET', v2(`${repo('pull')}/manifests/${sha256(randomBytes(16))}`)), 404, 'MANIFEST_UNKNOWN');
      expect((await send('HEAD', v2(`${repo('pull')}/manifests/nope`))).status).toBe(404);
    });

    it('answers a pull or delete by a name that cannot be a tag with 404 MANIFEST_UNKNOWN, as the conformance suite expects of a pull', async () => {
      // The suite's "nonexistent manifest" is `.INVALID_MANIFEST_NAME`: no manifest can have it, so it is unknown, not bad input.
      expectOciError(await send('GET', v2(`${repo('pull')}/manifests/.INVALID_MANIFEST_NAME`), { headers: { accept: OCI_MANIFEST } }), 404, 'MANIFEST_UNKNOWN');
      expect((await send('HEAD', v2(`${repo('pull')}/manifests/.INVALID_MANIFEST_NAME`), { headers: { accept: OCI_MANIFEST } })).status).toBe(404);
      expectOciError(await send('DELETE', v2(`${repo('pull')}/manifests/.INVALID_MANIFEST_NAME`)), 404, 'MANIFEST_UNKNOWN');
      expectClientError(await putManifest(repo('pull'), '.INVALID_MANIFEST_NAME', image.manifestBytes));
    });

    it('answers an unknown repository with 404 NAME_UNKNOWN', async () => {
      expectOciError(await send('GET', v2(`${repo('never-pushed')}/tags/list`)), 404, 'NAME_UNKNOWN');
      expectOciError(await send('GET', v2(`${repo('never-pushed')}/manifests/latest`)), 404, 'NAME_UNKNOWN');
      expectOciError(await send('GET', v2(`no-such-ns-${randomBytes(3).toString('hex')}/app/tags/list`)), 404, 'NAME_UNKNOWN');
    });
  });

  describe('push', () => {
    it('takes a monolithic upload: POST 202 with Location, PUT ?digest= 201', async () => {
      const bytes = randomBytes(3000);
      const digest = sha256(bytes);
      const started = await send('POST', v2(`${repo('push')}/blobs/uploads/`));
      expect(started.status).toBe(202);
      const put = await send('PUT', location(started, digest), { headers: { 'content-type': 'application/octet-stream' }, body: bytes });
      expect(put.status).toBe(201);
      expect(put.headers.get('location')).toBeTruthy();
      expect(put.headers.get('docker-content-digest')).toBe(digest);
      const get = await send('GET', location(put));
      expect(get.status).toBe(200);
      expect(sha256(get.bytes)).toBe(digest);
    });

    it('takes the empty blob (0 bytes) and serves it', async () => {
      const digest = await uploadWhole(repo('push'), Buffer.alloc(0));
      expect(digest).toBe('sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
      const get = await send('GET', v2(`${repo('push')}/blobs/${digest}`));
      expect(get.status).toBe(200);
      expect(get.bytes).toHaveLength(0);
    });

    it('takes a single POST ?digest= with the body (201)', async () => {
      const bytes = randomBytes(1500);
      const digest = sha256(bytes);
      const posted = await send('POST', v2(`${repo('push')}/blobs/uploads/?digest=${digest}`), { headers: { 'content-type': 'application/octet-stream' }, body: bytes });
      expect(posted.status).toBe(201);
      expect(posted.headers.get('location')).toBeTruthy();
      const get = await send('GET', v2(`${repo('push')}/blobs/${digest}`));
      expect(sha256(get.bytes)).toBe(digest);
    });

    it('takes a chunked upload; refuses an out-of-order chunk with 416; reports status with 204 and Range', async () => {
      const bytes = randomBytes(5000);
      const digest = sha256(bytes);
      let upload = await startUpload(repo('push'));

      const first = await send('PATCH', upload, { headers: { 'content-type': 'application/octet-stream', 'content-range': '0-1999' }, body: bytes.subarray(0, 2000) });
      expect(first.status).toBe(202);
      expect(first.headers.get('range')).toBe('0-1999');
      upload = location(first);

      const outOfOrder = await send('PATCH', upload, { headers: { 'content-type': 'application/octet-stream', 'content-range': '2500-2999' }, body: bytes.subarray(2500, 3000) });
      expectOciError(outOfOrder, 416, 'BLOB_UPLOAD_INVALID');

      const status = await uploadStatus(upload);
      expect(status.status).toBe(204);
      expect(status.headers.get('range')).toBe('0-1999');
      expect(status.headers.get('location')).toBeTruthy();

      const second = await send('PATCH', upload, { headers: { 'content-type': 'application/octet-stream', 'content-range': '2000-4999' }, body: bytes.subarray(2000) });
      expect(second.status).toBe(202);
      expect(second.headers.get('range')).toBe('0-4999');
      const done = await send('PUT', location(second, digest));
      expect(done.status).toBe(201);
      expect(done.headers.get('docker-content-digest')).toBe(digest);
      expect(sha256((await send('GET', v2(`${repo('push')}/blobs/${digest}`))).bytes)).toBe(digest);
    });

    it('audits the PUTs that store a blob or an image, not the upload steps before them', async () => {
      const repository = repo('audited');
      const since = new Date().toISOString();
      const bytes = randomBytes(300);
      const digest = sha256(bytes);
      const chunk = await send('PATCH', await startUpload(repository), { headers: { 'content-type': 'application/octet-stream', 'content-range': '0-299' }, body: bytes });
      expect(chunk.status).toBe(202);
      expect((await send('PUT', location(chunk, digest))).status).toBe(201);
      await pushImage(repository, ['v1']);
      const manifestPath = `/v2/${repository}/manifests/v1`;
      const events = await eventuallyAudited({ namespace, since }, (found) => found.some((event) => event.path === manifestPath), 'the manifest PUT in the audit trail');
      const ofRepository = events.filter((event) => event.path.startsWith(`/v2/${repository}/`)).map((event) => `${event.method} ${event.code}`);
      // The chunked blob, the image's layer and config, and its manifest: four PUTs; no POST 202 or PATCH.
      expect(ofRepository).toEqual(['PUT 201', 'PUT 201', 'PUT 201', 'PUT 201']);
    });

    it('takes the last chunk with the closing PUT', async () => {
      const bytes = randomBytes(1200);
      const digest = sha256(bytes);
      const upload = await startUpload(repo('push'));
      const first = await send('PATCH', upload, { headers: { 'content-type': 'application/octet-stream', 'content-range': '0-699' }, body: bytes.subarray(0, 700) });
      expect(first.status).toBe(202);
      const done = await send('PUT', location(first, digest), { headers: { 'content-type': 'application/octet-stream', 'content-range': '700-1199' }, body: bytes.subarray(700) });
      expect(done.status).toBe(201);
      expect(sha256((await send('GET', v2(`${repo('push')}/blobs/${digest}`))).bytes)).toBe(digest);
    });

    it('refuses a PUT whose content does not match ?digest= with 400 DIGEST_INVALID and keeps nothing', async () => {
      const bytes = randomBytes(1024);
      const claimed = sha256(randomBytes(8));
      const upload = await startUpload(repo('push'));
      const put = await send('PUT', withDigest(upload, claimed), { headers: { 'content-type': 'application/octet-stream' }, body: bytes });
      expectOciError(await send('GET', v2(`${repo('push')}/blobs/${claimed}`)), 404, 'BLOB_UNKNOWN');
      expectOciError(await send('GET', v2(`${repo('push')}/blobs/${sha256(bytes)}`)), 404, 'BLOB_UNKNOWN');
      expectOciError(put, 400, 'DIGEST_INVALID');
    });

    it('mounts a blob from another repository (201) and falls back to an upload when the source lacks it (202)', async () => {
      const bytes = randomBytes(2048);
      const digest = await uploadWhole(repo('mount-src'), bytes);
      expectOciError(await send('GET', v2(`${repo('mount-dst')}/blobs/${digest}`)), 404, 'BLOB_UNKNOWN');

      const mounted = await send('POST', v2(`${repo('mount-dst')}/blobs/uploads/?mount=${digest}&from=${repo('mount-src')}`));
      expect(mounted.status).toBe(201);
      expect(mounted.headers.get('docker-content-digest')).toBe(digest);
      expect(mounted.headers.get('location')).toBeTruthy();
      expect(sha256((await send('GET', v2(`${repo('mount-dst')}/blobs/${digest}`))).bytes)).toBe(digest);

      const missing = sha256(randomBytes(8));
      const fallback = await send('POST', v2(`${repo('mount-dst')}/blobs/uploads/?mount=${missing}&from=${repo('mount-src')}`));
      expect(fallback.status).toBe(202);
      const status = await uploadStatus(location(fallback));
      expect(status.status).toBe(204);
    });

    it('refuses a manifest that references a blob the repository lacks with 400 MANIFEST_BLOB_UNKNOWN', async () => {
      const image = buildImage({ layers: 1, layerSize: 64 });
      await uploadWhole(repo('push'), image.configBytes);
      const put = await putManifest(repo('push'), 'missing-layer', image.manifestBytes);
      expectOciError(await send('GET', v2(`${repo('push')}/manifests/${image.manifestDigest}`)), 404, 'MANIFEST_UNKNOWN');
      // The stream may not exist yet (no tag was pushed to it): then the repository is unknown.
      expectOciError(await send('GET', v2(`${repo('push')}/manifests/missing-layer`)), 404, ['MANIFEST_UNKNOWN', 'NAME_UNKNOWN']);
      expectOciError(put, 400, 'MANIFEST_BLOB_UNKNOWN');
    });

    it('refuses a manifest over 4 MiB with 413 MANIFEST_INVALID', async () => {
      const image = await pushImage(repo('push'), ['small']);
      const huge = { ...image.manifest, annotations: { padding: 'x'.repeat(4 * 1024 * 1024) } };
      expectOciError(await putManifest(repo('push'), 'huge', JSON.stringify(huge)), 413, 'MANIFEST_INVALID');
      // The connection the refusal may have closed does not matter: the registry still answers.
      expect((await send('GET', v2(''))).status).toBe(200);
    });

    it('refuses a manifest that is not JSON with 400 MANIFEST_INVALID', async () => {
      const put = await putManifest(repo('push'), 'broken', '{"schemaVersion": 2, "config": ');
      expectOciError(await send('GET', v2(`${repo('push')}/manifests/broken`)), 404, ['MANIFEST_UNKNOWN', 'NAME_UNKNOWN']);
      expectOciError(put, 400, 'MANIFEST_INVALID');
    });

    it('refuses a manifest PUT by a digest that is not its own with 400 DIGEST_INVALID', async () => {
      const image = await pushImage(repo('push'), ['by-digest']);
      expectOciError(await putManifest(repo('push'), sha256(randomBytes(8)), image.manifestBytes), 400, 'DIGEST_INVALID');
      const ok = await putManifest(repo('push'), image.manifestDigest, image.manifestBytes);
      expect(ok.status).toBe(201);
      expect(ok.headers.get('docker-content-digest')).toBe(image.manifestDigest);
      expect(ok.headers.get('location')).toBeTruthy();
    });
  });

  describe('content discovery', () => {
    const tags = ['zeta', 'alpha', '1.0', 'mid', 'beta'];
    const sorted = [...tags].sort();

    beforeAll(async () => {
      await pushImage(repo('listing'), tags);
    });

    it('lists tags in lexical order', async () => {
      const list = await send('GET', v2(`${repo('listing')}/tags/list`));
      expect(list.status).toBe(200);
      expect(json(list)).toEqual({ name: repo('listing'), tags: sorted });
    });

    it('pages with n and last, linking the next page', async () => {
      const first = await send('GET', v2(`${repo('listing')}/tags/list?n=2`));
      expect(first.status).toBe(200);
      expect(json<{ tags: string[] }>(first).tags).toEqual(sorted.slice(0, 2));
      const link = first.headers.get('link') ?? '';
      expect(link).toMatch(/^<[^>]*[?&]last=[^>]*>;\s*rel="next"$/);

      const second = await send('GET', v2(`${repo('listing')}/tags/list?n=2&last=${sorted[1]}`));
      expect(json<{ tags: string[] }>(second).tags).toEqual(sorted.slice(2, 4));
      const followed = await send('GET', new URL(/^<([^>]*)>/.exec(link)?.[1] ?? '', gatewayUrl()).toString());
      expect(json<{ tags: string[] }>(followed).tags).toEqual(sorted.slice(2, 4));

      const last = await send('GET', v2(`${repo('listing')}/tags/list?n=2&last=${sorted[3]}`));
      expect(json<{ tags: string[] }>(last).tags).toEqual(sorted.slice(4));
      expect(last.headers.get('link')).toBeNull();
    });

    it('lists the repository in the catalog', async () => {
      let url: string | undefined = v2('_catalog?n=100');
      const seen: string[] = [];
      while (url && !seen.includes(repo('listing'))) {
        const page = await send('GET', url);
        expect(page.status).toBe(200);
        seen.push(...json<{ repositories: string[] }>(page).repositories);
        const next = /^<([^>]*)>/.exec(page.headers.get('link') ?? '')?.[1];
        url = next ? new URL(next, gatewayUrl()).toString() : undefined;
      }
      expect(seen).toContain(repo('listing'));
    });
  });

  describe('referrers', () => {
    const ARTIFACT_TYPE = 'application/vnd.example.sbom';
    let image: BuiltImage;
    let artifactDigest: string;
    let artifactSize: number;

    beforeAll(async () => {
      image = await pushImage(repo('refs'), ['v1']);
      const empty = Buffer.from('{}');
      const sbom = Buffer.from(JSON.stringify({ sbom: randomBytes(8).toString('hex') }));
      await uploadWhole(repo('refs'), empty);
      await uploadWhole(repo('refs'), sbom);
      const artifact = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: OCI_MANIFEST,
          artifactType: ARTIFACT_TYPE,
          config: descriptorOf(OCI_EMPTY, empty),
          layers: [descriptorOf('application/vnd.example.sbom.v1+json', sbom)],
          subject: descriptorOf(OCI_MANIFEST, image.manifestBytes),
          annotations: { 'org.example.kind': 'sbom' },
        }),
      );
      artifactDigest = sha256(artifact);
      artifactSize = artifact.length;
      const put = await putManifest(repo('refs'), artifactDigest, artifact);
      expect(put.status).toBe(201);
      expect(put.headers.get('oci-subject')).toBe(image.manifestDigest);
    });

    it('lists the artifact among the referrers of its subject', async () => {
      const referrers = await send('GET', v2(`${repo('refs')}/referrers/${image.manifestDigest}`));
      expect(referrers.status).toBe(200);
      expect(referrers.headers.get('content-type')).toBe(OCI_INDEX);
      expect(json(referrers)).toEqual({
        schemaVersion: 2,
        mediaType: OCI_INDEX,
        manifests: [{ mediaType: OCI_MANIFEST, digest: artifactDigest, size: artifactSize, artifactType: ARTIFACT_TYPE, annotations: { 'org.example.kind': 'sbom' } }],
      });
    });

    it('filters by artifactType and says so', async () => {
      const matching = await send('GET', v2(`${repo('refs')}/referrers/${image.manifestDigest}?artifactType=${encodeURIComponent(ARTIFACT_TYPE)}`));
      expect(matching.status).toBe(200);
      expect(matching.headers.get('oci-filters-applied')).toBe('artifactType');
      expect(json<{ manifests: { digest: string }[] }>(matching).manifests.map((m) => m.digest)).toEqual([artifactDigest]);

      const other = await send('GET', v2(`${repo('refs')}/referrers/${image.manifestDigest}?artifactType=${encodeURIComponent('application/vnd.example.other')}`));
      expect(other.status).toBe(200);
      expect(other.headers.get('oci-filters-applied')).toBe('artifactType');
      expect(json<{ manifests: unknown[] }>(other).manifests).toEqual([]);
    });

    it('accepts a referrer whose subject was never pushed, and lists it', async () => {
      const empty = Buffer.from('{}');
      await uploadWhole(repo('refs'), empty);
      const subject = { mediaType: OCI_MANIFEST, digest: sha256(randomBytes(8)), size: 1234 };
      const artifact = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, artifactType: 'application/vnd.example.signature', config: descriptorOf(OCI_EMPTY, empty), layers: [descriptorOf(OCI_EMPTY, empty)], subject }));
      const put = await putManifest(repo('refs'), sha256(artifact), artifact);
      expect(put.status).toBe(201);
      expect(put.headers.get('oci-subject')).toBe(subject.digest);
      const referrers = await send('GET', v2(`${repo('refs')}/referrers/${subject.digest}`));
      expect(json<{ manifests: { digest: string; artifactType?: string }[] }>(referrers).manifests).toEqual([
        expect.objectContaining({ digest: sha256(artifact), artifactType: 'application/vnd.example.signature' }),
      ]);
    });

    it('answers a digest nothing refers to with an empty index, not 404', async () => {
      const none = await send('GET', v2(`${repo('refs')}/referrers/${sha256(randomBytes(8))}`));
      expect(none.status).toBe(200);
      expect(json(none)).toEqual({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] });
    });
  });

  describe('content management', () => {
    it('deletes a tag (202): it leaves tags/list, the manifest stays by digest', async () => {
      const image = await pushImage(repo('manage-tag'), ['keep', 'drop']);
      const deleted = await send('DELETE', v2(`${repo('manage-tag')}/manifests/drop`));
      expect(deleted.status).toBe(202);
      expect(json<{ tags: string[] }>(await send('GET', v2(`${repo('manage-tag')}/tags/list`))).tags).toEqual(['keep']);
      expectOciError(await send('GET', v2(`${repo('manage-tag')}/manifests/drop`)), 404, 'MANIFEST_UNKNOWN');
      expect((await send('GET', v2(`${repo('manage-tag')}/manifests/${image.manifestDigest}`))).status).toBe(200);
    });

    it('deletes a manifest by digest (202): GET by digest 404, the tags pointing at it gone', async () => {
      await pushImage(repo('manage-digest'), ['other']);
      const image = await pushImage(repo('manage-digest'), ['t1', 't2']);
      const deleted = await send('DELETE', v2(`${repo('manage-digest')}/manifests/${image.manifestDigest}`));
      expect(deleted.status).toBe(202);
      expectOciError(await send('GET', v2(`${repo('manage-digest')}/manifests/${image.manifestDigest}`)), 404, 'MANIFEST_UNKNOWN');
      expect(json<{ tags: string[] }>(await send('GET', v2(`${repo('manage-digest')}/tags/list`))).tags).toEqual(['other']);
      expectOciError(await send('GET', v2(`${repo('manage-digest')}/manifests/t1`)), 404, 'MANIFEST_UNKNOWN');
      expectOciError(await send('DELETE', v2(`${repo('manage-digest')}/manifests/${image.manifestDigest}`)), 404, 'MANIFEST_UNKNOWN');
    });

    it('deletes a blob (202): GET then 404 BLOB_UNKNOWN', async () => {
      const digest = await uploadWhole(repo('manage-blob'), randomBytes(700));
      expect((await send('DELETE', v2(`${repo('manage-blob')}/blobs/${digest}`))).status).toBe(202);
      expectOciError(await send('GET', v2(`${repo('manage-blob')}/blobs/${digest}`)), 404, 'BLOB_UNKNOWN');
    });

    it('knows an upload only in the repository that started it (404 BLOB_UPLOAD_UNKNOWN elsewhere, also for a forged id)', async () => {
      const upload = await startUpload(repo('session-home'));
      const id = upload.slice(upload.lastIndexOf('/') + 1);
      const elsewhere = v2(`${repo('session-elsewhere')}/blobs/uploads/${id}`);
      expectOciError(await send('GET', elsewhere), 404, 'BLOB_UPLOAD_UNKNOWN');
      expectOciError(await send('PATCH', elsewhere, { headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from('x') }), 404, 'BLOB_UPLOAD_UNKNOWN');
      expectOciError(await send('DELETE', elsewhere), 404, 'BLOB_UPLOAD_UNKNOWN');
      const forged = `${id.slice(0, -1)}${id.endsWith('0') ? '1' : '0'}`;
      expectOciError(await send('GET', v2(`${repo('session-home')}/blobs/uploads/${forged}`)), 404, 'BLOB_UPLOAD_UNKNOWN');
      // Untouched by all that: the session still answers at home, empty.
      const status = await uploadStatus(upload);
      expect(status.status).toBe(204);
      expect(status.headers.get('range')).toBe('0-0');
    });

    it('cancels an upload (204): its status is then 404 BLOB_UPLOAD_UNKNOWN', async () => {
      const upload = await startUpload(repo('manage-blob'));
      expect((await send('DELETE', upload)).status).toBe(204);
      expectOciError(await uploadStatus(upload), 404, 'BLOB_UPLOAD_UNKNOWN');
    });

    it('forgets a deleted image stream: tags/list and manifests answer 404 NAME_UNKNOWN', async () => {
      const image = await pushImage(repo('gone'), ['v1']);
      const deleted = await api('DELETE', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams/gone`);
      expect(deleted.status).toBe(200);
      expectOciError(await send('GET', v2(`${repo('gone')}/tags/list`)), 404, 'NAME_UNKNOWN');
      expectOciError(await send('GET', v2(`${repo('gone')}/manifests/v1`)), 404, 'NAME_UNKNOWN');
      // The repository's own records are removed on the stream's deletion event.
      const byDigest = await eventually(async () => {
        const reply = await send('GET', v2(`${repo('gone')}/manifests/${image.manifestDigest}`));
        return reply.status === 404 ? reply : undefined;
      }, 'the deleted stream to stop serving its manifest by digest');
      expectOciError(byDigest, 404, ['NAME_UNKNOWN', 'MANIFEST_UNKNOWN']);
    });
  });

  describe('bad input is a 4xx with an OCI error body, never a 5xx', () => {
    it.each([['/v2/UPPER/x/tags/list'], ['/v2/a/%2e%2e/tags/list'], ['/v2/a/b/c/d/tags/list'], ['/v2/a/../../etc/passwd'], ['/v2/-a/b/tags/list'], ['/v2/a//tags/list']])('refuses the name in %s', async (path) => {
      expectClientError(await rawRequest('GET', path));
    });

    it.each([['sha256:xyz'], [`md5:${'a'.repeat(32)}`], [`sha256:${'A'.repeat(64)}`], ['sha256:'], ['latest:x']])('refuses the digest %s', async (digest) => {
      expectClientError(await send('GET', v2(`${repo('pull')}/blobs/${encodeURIComponent(digest)}`)));
      expectClientError(await send('GET', v2(`${repo('pull')}/referrers/${encodeURIComponent(digest)}`)));
      const upload = await startUpload(repo('bad-input'));
      expectClientError(await send('PUT', withDigest(upload, digest), { headers: { 'content-type': 'application/octet-stream' }, body: Buffer.from('x') }));
    });

    it('accepts an image whose config and annotations hold NUL characters: the manifest pulls byte for byte, the Image shows U+FFFD', async () => {
      const built = buildImage({ layers: 1, labels: { 'nul.label': 'a\u0000b' }, env: ['WITH_NUL=\u0000'] });
      const manifestBytes = Buffer.from(JSON.stringify({ ...built.manifest, annotations: { 'org.example.note': 'x\u0000y' } }));
      await pushImage(repo('nul'), [], built);
      expect((await putManifest(repo('nul'), 'v1', manifestBytes)).status).toBe(201);

      const pulled = await send('GET', v2(`${repo('nul')}/manifests/v1`), { headers: { accept: OCI_MANIFEST } });
      expect(pulled.status).toBe(200);
      expect(pulled.bytes.equals(manifestBytes)).toBe(true);
      const tag = await api<{ image: { dockerImageMetadata: { Config: { Labels: Record<string, string>; Env: string[] } } } }>('GET', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreamtags/nul:v1`);
      expect(tag.status).toBe(200);
      expect(tag.body.image.dockerImageMetadata.Config.Labels['nul.label']).toBe('a\uFFFDb');
      expect(tag.body.image.dockerImageMetadata.Config.Env).toContain('WITH_NUL=\uFFFD');
    });

    it('refuses unknown upload ids, bad page sizes and bad tags', async () => {
      expectOciError(await send('GET', v2(`${repo('bad-input')}/blobs/uploads/not-an-upload`)), 404, 'BLOB_UPLOAD_UNKNOWN');
      expectOciError(await send('PATCH', v2(`${repo('bad-input')}/blobs/uploads/${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}`), { body: Buffer.from('x') }), 404, 'BLOB_UPLOAD_UNKNOWN');
      expectClientError(await send('GET', v2(`${repo('pull')}/tags/list?n=abc`)));
      expectClientError(await send('GET', v2(`${repo('pull')}/tags/list?n=-1`)));
      const image = buildImage({ layers: 0 });
      expectClientError(await putManifest(repo('bad-input'), '-bad', image.manifestBytes));
      expectClientError(await putManifest(repo('bad-input'), 'x'.repeat(129), image.manifestBytes));
    });

    it.each([['bytes=abc'], ['100-50'], ['-5'], ['0-'], ['zero-ten']])('refuses the Content-Range %p; the upload keeps its offset', async (contentRange) => {
      const bytes = randomBytes(64);
      let upload = await startUpload(repo('bad-input'));
      const first = await send('PATCH', upload, { headers: { 'content-type': 'application/octet-stream', 'content-range': '0-31' }, body: bytes.subarray(0, 32) });
      expect(first.status).toBe(202);
      upload = location(first);
      expectClientError(await send('PATCH', upload, { headers: { 'content-type': 'application/octet-stream', 'content-range': contentRange }, body: bytes.subarray(32) }));
      expect((await uploadStatus(upload)).headers.get('range')).toBe('0-31');
    });

    it('survives a PATCH cut short of its Content-Length: the upload stays at its previous offset and can go on', async () => {
      const bytes = randomBytes(3000);
      const digest = sha256(bytes);
      let upload = await startUpload(repo('bad-input'));
      const first = await send('PATCH', upload, { headers: { 'content-type': 'application/octet-stream', 'content-range': '0-999' }, body: bytes.subarray(0, 1000) });
      expect(first.status).toBe(202);
      upload = location(first);

      // Promise 2000 bytes, send 700, then drop the connection.
      const { hostname, port, pathname, search } = new URL(upload);
      await new Promise<void>((resolve) => {
        const req = httpRequest({
          host: hostname,
          port,
          method: 'PATCH',
          path: `${pathname}${search}`,
          headers: { 'content-type': 'application/octet-stream', 'content-range': '1000-2999', 'content-length': 2000 },
        });
        req.on('error', () => resolve());
        req.on('close', () => resolve());
        req.on('response', (res) => res.resume());
        req.write(bytes.subarray(1000, 1700), () => setImmediate(() => req.destroy()));
      });

      expect((await send('GET', v2(''))).status).toBe(200);
      await eventually(async () => ((await uploadStatus(upload)).headers.get('range') === '0-999' ? true : undefined), 'the upload to be back at 1000 bytes');
      // Nothing of the cut-short chunk stayed: the next chunk must start at 1000 and the blob comes out whole.
      const next = await eventually(async () => {
        const reply = await send('PATCH', upload, { headers: { 'content-type': 'application/octet-stream', 'content-range': '1000-2999' }, body: bytes.subarray(1000) });
        return reply.status < 500 ? reply : undefined;
      }, 'the next chunk to be answered');
      expect(next.status).toBe(202);
      expect(next.headers.get('range')).toBe('0-2999');
      const done = await send('PUT', location(next, digest));
      expect(done.status).toBe(201);
      expect(sha256((await send('GET', v2(`${repo('bad-input')}/blobs/${digest}`))).bytes)).toBe(digest);
    });

    it('answers unsupported methods with an OCI error, not a 5xx', async () => {
      expectClientError(await send('POST', v2(`${repo('pull')}/tags/list`)));
      expectClientError(await send('PATCH', v2(`${repo('pull')}/manifests/v1`), { body: '{}' }));
    });
  });
});
