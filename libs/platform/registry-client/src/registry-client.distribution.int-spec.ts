import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  BlobNotFoundError,
  DOCKER_MANIFEST_V2,
  HttpOnlyRegistryError,
  ManifestNotFoundError,
  OCI_IMAGE_INDEX,
  OCI_IMAGE_MANIFEST,
  RegistryClient,
  type BlobSink,
  type RegistryTarget,
  RepositoryNotFoundError,
  UnauthorizedError,
} from './index';
import { type DockerRegistry, pushBlob, pushManifest, sha256, startDockerRegistry } from '@imagestreams/testing';

/** Pretty-printed on purpose: byte-identical answers prove nothing was re-serialised. */
const encode = (value: unknown) => Buffer.from(JSON.stringify(value, null, 3));

/** Hashes a body while it goes to `destination`, as a pull-through blob store would. */
async function hashInto(body: Readable, destination: Writable): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(
    body,
    async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        hash.update(chunk);
        yield chunk;
      }
    },
    destination,
  );
  return `sha256:${hash.digest('hex')}`;
}

function collect(chunks: Buffer[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
}

interface PushedImage {
  manifest: Buffer;
  digest: string;
  config: Buffer;
  configDigest: string;
}

async function pushImage(
  origin: string,
  repository: string,
  format: 'oci' | 'docker',
  architecture: string,
  tag: string | undefined,
  authorization?: string,
): Promise<PushedImage> {
  const layer = randomBytes(512);
  const layerDigest = await pushBlob(origin, repository, layer, authorization);
  const config = encode({ architecture, os: 'linux', rootfs: { type: 'layers', diff_ids: [layerDigest] }, config: { Env: ['A=1'] } });
  const configDigest = await pushBlob(origin, repository, config, authorization);
  const oci = format === 'oci';
  const manifest = encode({
    schemaVersion: 2,
    mediaType: oci ? OCI_IMAGE_MANIFEST : DOCKER_MANIFEST_V2,
    config: {
      mediaType: oci ? 'application/vnd.oci.image.config.v1+json' : 'application/vnd.docker.container.image.v1+json',
      digest: configDigest,
      size: config.length,
    },
    layers: [
      {
        mediaType: oci ? 'application/vnd.oci.image.layer.v1.tar+gzip' : 'application/vnd.docker.image.rootfs.diff.tar.gzip',
        digest: layerDigest,
        size: layer.length,
      },
    ],
  });
  const digest = sha256(manifest);
  await pushManifest(origin, repository, tag ?? digest, oci ? OCI_IMAGE_MANIFEST : DOCKER_MANIFEST_V2, manifest, authorization);
  return { manifest, digest, config, configDigest };
}

describe('RegistryClient against CNCF distribution (docker-registry)', () => {
  let anonymous: DockerRegistry;
  let secured: DockerRegistry;
  let client: RegistryClient;
  const credentials = { username: 'alice', password: 'correct horse' };
  const basic = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  let oci: PushedImage;
  let docker: PushedImage;
  let children: PushedImage[];
  let index: Buffer;
  let securedImage: PushedImage;

  const target = (registry: DockerRegistry, repository = 'team/app'): RegistryTarget => ({ registry: registry.authority, repository, insecure: true });

  beforeAll(async () => {
    [anonymous, secured] = await Promise.all([startDockerRegistry(), startDockerRegistry({ htpasswd: credentials })]);
    client = new RegistryClient({
      timeoutMs: 5000,
      retries: 1,
      retryBaseMs: 10,
      retryMaxMs: 50,
      addressPolicy: { allowLoopback: true, allowPrivate: false, allowedCidrs: [] },
    });
    oci = await pushImage(anonymous.origin, 'team/app', 'oci', 'amd64', 'oci');
    docker = await pushImage(anonymous.origin, 'team/app', 'docker', 'amd64', 'docker');
    children = [
      await pushImage(anonymous.origin, 'team/app', 'oci', 'amd64', undefined),
      await pushImage(anonymous.origin, 'team/app', 'oci', 'arm64', undefined),
    ];
    index = encode({
      schemaVersion: 2,
      mediaType: OCI_IMAGE_INDEX,
      manifests: children.map((child, i) => ({
        mediaType: OCI_IMAGE_MANIFEST,
        digest: child.digest,
        size: child.manifest.length,
        platform: { architecture: i === 0 ? 'amd64' : 'arm64', os: 'linux' },
      })),
    });
    await pushManifest(anonymous.origin, 'team/app', 'multi', OCI_IMAGE_INDEX, index);
    securedImage = await pushImage(secured.origin, 'private/app', 'oci', 'amd64', 'v1', basic);
  }, 30_000);

  afterAll(async () => {
    await client?.close();
    await Promise.all([anonymous?.stop(), secured?.stop()]);
  });

  it('reads an OCI image manifest by tag and by digest, byte-identical', async () => {
    const head = await client.headManifest(target(anonymous), 'oci');
    expect(head).toEqual({ digest: oci.digest, mediaType: OCI_IMAGE_MANIFEST, size: oci.manifest.length });

    const byTag = await client.getManifest(target(anonymous), 'oci');
    expect(byTag.digest).toBe(oci.digest);
    expect(byTag.mediaType).toBe(OCI_IMAGE_MANIFEST);
    expect(byTag.size).toBe(oci.manifest.length);
    expect(byTag.bytes.equals(oci.manifest)).toBe(true);

    const byDigest = await client.getManifest(target(anonymous), oci.digest);
    expect(byDigest.bytes.equals(oci.manifest)).toBe(true);
    expect(await client.headManifest(target(anonymous), oci.digest)).toEqual(head);
  });

  it('reads a Docker schema2 manifest and its config blob', async () => {
    expect(await client.headManifest(target(anonymous), 'docker')).toEqual({
      digest: docker.digest,
      mediaType: DOCKER_MANIFEST_V2,
      size: docker.manifest.length,
    });
    const manifest = await client.getManifest(target(anonymous), 'docker');
    expect(manifest.bytes.equals(docker.manifest)).toBe(true);
    const config = await client.getBlob(target(anonymous), docker.configDigest, 1024 * 1024);
    expect(config.equals(docker.config)).toBe(true);
  });

  it('reads an OCI index and its platform children', async () => {
    const head = await client.headManifest(target(anonymous), 'multi');
    expect(head).toEqual({ digest: sha256(index), mediaType: OCI_IMAGE_INDEX, size: index.length });
    const fetched = await client.getManifest(target(anonymous), 'multi');
    expect(fetched.bytes.equals(index)).toBe(true);
    const listed = JSON.parse(fetched.bytes.toString()) as { manifests: { digest: string }[] };
    for (const [i, entry] of listed.manifests.entries()) {
      const child = await client.getManifest(target(anonymous), entry.digest);
      expect(child.mediaType).toBe(OCI_IMAGE_MANIFEST);
      expect(child.bytes.equals(children[i].manifest)).toBe(true);
      expect((await client.getBlob(target(anonymous), children[i].configDigest)).equals(children[i].config)).toBe(true);
    }
  });

  it('lists tags, paginating when the limit is below the count', async () => {
    expect((await client.listTags(target(anonymous))).sort()).toEqual(['docker', 'multi', 'oci']);
    const two = await client.listTags(target(anonymous), undefined, 2);
    expect(two).toHaveLength(2);
  });

  it('reports unknown tags, repositories and blobs', async () => {
    await expect(client.headManifest(target(anonymous), 'nope')).rejects.toBeInstanceOf(ManifestNotFoundError);
    const error = await client.getManifest(target(anonymous), 'nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManifestNotFoundError);
    expect(error).toMatchObject({ code: 'MANIFEST_UNKNOWN', reference: 'nope' });
    // distribution answers MANIFEST_UNKNOWN for a tag of an unknown repository, NAME_UNKNOWN for its tag list.
    await expect(client.getManifest(target(anonymous, 'team/missing'), 'latest')).rejects.toBeInstanceOf(ManifestNotFoundError);
    const missingRepository = await client.listTags(target(anonymous, 'team/missing')).catch((e: unknown) => e);
    expect(missingRepository).toBeInstanceOf(RepositoryNotFoundError);
    expect(missingRepository).toBeInstanceOf(ManifestNotFoundError);
    expect(missingRepository).toMatchObject({ code: 'NAME_UNKNOWN' });
    await expect(client.getBlob(target(anonymous), sha256(Buffer.from('absent')))).rejects.toBeInstanceOf(BlobNotFoundError);
  });

  describe('downloadBlob', () => {
    let layer: Buffer;
    let layerDigest: string;

    beforeAll(async () => {
      layer = randomBytes(5 * 1024 * 1024 + 123);
      layerDigest = await pushBlob(anonymous.origin, 'team/app', layer);
    });

    it('streams a blob of a few MiB into a file, byte for byte, with its size', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'download-blob-'));
      try {
        const file = join(dir, 'layer');
        const infos: Parameters<BlobSink<string>>[1][] = [];
        const written = await client.downloadBlob(target(anonymous), layerDigest, (body, info) => {
          infos.push(info);
          return hashInto(body, createWriteStream(file));
        });
        expect(written).toBe(layerDigest);
        expect((await readFile(file)).equals(layer)).toBe(true);
        expect(infos).toHaveLength(1);
        expect(infos[0].size).toBe(layer.length);
        expect(infos[0].url.pathname).toBe(`/v2/team/app/blobs/${layerDigest}`);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('streams a blob with Basic credentials', async () => {
      const chunks: Buffer[] = [];
      const digest = await client.downloadBlob(target(secured, 'private/app'), securedImage.configDigest, (body) => hashInto(body, collect(chunks)), credentials);
      expect(digest).toBe(securedImage.configDigest);
      expect(Buffer.concat(chunks).equals(securedImage.config)).toBe(true);
      await expect(client.downloadBlob(target(secured, 'private/app'), securedImage.configDigest, (body) => hashInto(body, collect([])))).rejects.toBeInstanceOf(
        UnauthorizedError,
      );
    });

    it('reports a missing blob as BlobNotFoundError without calling the sink', async () => {
      const sink = jest.fn<Promise<string>, Parameters<BlobSink<string>>>();
      const error = await client.downloadBlob(target(anonymous), sha256(Buffer.from('absent')), sink).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BlobNotFoundError);
      expect(error).toMatchObject({ code: 'BLOB_UNKNOWN' });
      expect(sink).not.toHaveBeenCalled();
    });

    it('passes what the sink throws to the caller unchanged, without retrying', async () => {
      const diskFull = Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      let calls = 0;
      // A failing destination destroys the body with its own error inside the pipeline.
      const failingFile = () =>
        new Writable({
          write(_chunk, _encoding, callback) {
            callback(diskFull);
          },
        });
      const fromPipeline = await client
        .downloadBlob(target(anonymous), layerDigest, (body) => {
          calls++;
          return hashInto(body, failingFile());
        })
        .catch((e: unknown) => e);
      expect(fromPipeline).toBe(diskFull);
      expect(calls).toBe(1);

      const mismatch = new Error('digest mismatch');
      const fromLoop = await client
        .downloadBlob(target(anonymous), layerDigest, async (body) => {
          calls++;
          for await (const chunk of body) if ((chunk as Buffer).length > 0) throw mismatch;
          return 'unreachable';
        })
        .catch((e: unknown) => e);
      expect(fromLoop).toBe(mismatch);
      expect(calls).toBe(2);

      // The abandoned bodies left nothing behind: the next download works.
      expect(await client.downloadBlob(target(anonymous), layerDigest, (body) => hashInto(body, collect([])))).toBe(layerDigest);
    });
  });

  it('reports a plain-HTTP registry as HttpOnlyRegistryError unless insecure', async () => {
    const error = await client.headManifest({ ...target(anonymous), insecure: false }, 'oci').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpOnlyRegistryError);
    expect(error).toMatchObject({ registry: anonymous.authority });
  });

  it('authenticates with Basic credentials against htpasswd', async () => {
    const t = target(secured, 'private/app');
    expect(await client.headManifest(t, 'v1', credentials)).toEqual({
      digest: securedImage.digest,
      mediaType: OCI_IMAGE_MANIFEST,
      size: securedImage.manifest.length,
    });
    expect((await client.getManifest(t, 'v1', credentials)).bytes.equals(securedImage.manifest)).toBe(true);
    expect((await client.getBlob(t, securedImage.configDigest, undefined, credentials)).equals(securedImage.config)).toBe(true);
    expect(await client.listTags(t, credentials)).toEqual(['v1']);
  });

  it('rejects a wrong password with badCredentials, and anonymous access without it', async () => {
    const t = target(secured, 'private/app');
    const wrong = await client.headManifest(t, 'v1', { ...credentials, password: 'wrong' }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(UnauthorizedError);
    expect(wrong).toMatchObject({ status: 401, badCredentials: true });
    const anonymousError = await client.getManifest(t, 'v1').catch((e: unknown) => e);
    expect(anonymousError).toBeInstanceOf(UnauthorizedError);
    expect(anonymousError).toMatchObject({ badCredentials: false });
    // The right credentials still work after a failure with the wrong ones.
    expect((await client.getManifest(t, 'v1', credentials)).digest).toBe(securedImage.digest);
  });
});
