import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * OCI image layouts (https://github.com/opencontainers/image-spec/blob/main/image-layout.md) built
 * from scratch for skopeo's `oci:<dir>:<tag>` transport, plus readers for what skopeo writes back
 * (`oci:` and `dir:`), so tests can compare pushed and pulled bytes.
 */

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
export const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
export const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
export const DOCKER_LAYER = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

/** The annotation an OCI layout's index.json names a tag with. */
const REF_NAME = 'org.opencontainers.image.ref.name';

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { architecture: string; os: string; variant?: string };
  annotations?: Record<string, string>;
  artifactType?: string;
}

export function sha256(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** The hex part of `sha256:<hex>`. */
export function hexOf(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1);
}

export function descriptorOf(mediaType: string, bytes: Buffer, extra: Partial<Descriptor> = {}): Descriptor {
  return { mediaType, digest: sha256(bytes), size: bytes.length, ...extra };
}

// ------------------------------------------------------------------------------------ layers

export interface LayerBlob {
  /** Digest of the gzip'ed bytes (what manifests and the registry name it by). */
  digest: string;
  size: number;
  /** The gzip'ed tar archive. */
  bytes: Buffer;
  /** Digest of the uncompressed tar (the config's rootfs.diff_ids entry). */
  diffId: string;
}

/** A ustar header field: `value` as NUL-padded ASCII. */
function writeField(header: Buffer, offset: number, length: number, value: string): void {
  header.write(value, offset, Math.min(length, Buffer.byteLength(value)), 'ascii');
}

/** Numeric ustar fields are zero-padded octal followed by a NUL. */
function octal(value: number, length: number): string {
  return `${value.toString(8).padStart(length - 1, '0')}\0`;
}

/** A minimal POSIX ustar archive holding one regular file. */
export function tarWithOneFile(name: string, content: Buffer, mtimeSeconds = 1_700_000_000): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`tar entry name too long: ${name}`);
  const header = Buffer.alloc(512, 0);
  writeField(header, 0, 100, name);
  writeField(header, 100, 8, octal(0o644, 8));
  writeField(header, 108, 8, octal(0, 8));
  writeField(header, 116, 8, octal(0, 8));
  writeField(header, 124, 12, octal(content.length, 12));
  writeField(header, 136, 12, octal(mtimeSeconds, 12));
  header.fill(0x20, 148, 156); // the checksum is computed with its own field as spaces
  writeField(header, 156, 1, '0'); // regular file
  writeField(header, 257, 6, 'ustar\0');
  writeField(header, 263, 2, '00');
  writeField(header, 265, 32, 'root');
  writeField(header, 297, 32, 'root');
  let checksum = 0;
  for (const byte of header) checksum += byte;
  writeField(header, 148, 8, `${checksum.toString(8).padStart(6, '0')}\0 `);
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512, 0);
  // Two zero blocks end the archive.
  return Buffer.concat([header, content, padding, Buffer.alloc(1024, 0)]);
}

/** A gzip'ed tar with one file of `size` random (incompressible) bytes. */
export function randomLayer(size = 4096): LayerBlob {
  const tar = tarWithOneFile(`data/${randomBytes(8).toString('hex')}.bin`, randomBytes(size));
  const bytes = gzipSync(tar);
  return { digest: sha256(bytes), size: bytes.length, bytes, diffId: sha256(tar) };
}

// ------------------------------------------------------------------------------------ images

export interface ImageOptions {
  /** Fresh random layers after the shared ones (default 2). */
  layers?: number;
  /** Bytes of random content per fresh layer (default 4 KiB). */
  layerSize?: number;
  /** Layers of other images to reuse, base first, before the fresh ones: the images share those blobs. */
  sharedLayers?: LayerBlob[];
  architecture?: string;
  variant?: string;
  /** Labels on top of a random `e2e.nonce` label (which keeps every config, and so every manifest, unique). */
  labels?: Record<string, string>;
  env?: string[];
  exposedPorts?: string[];
  entrypoint?: string[];
  cmd?: string[];
  created?: string;
}

export interface ImageConfigContent {
  created: string;
  architecture: string;
  os: string;
  variant?: string;
  config: { Labels: Record<string, string>; Env: string[]; ExposedPorts: Record<string, Record<string, never>>; Entrypoint: string[]; Cmd: string[] };
  rootfs: { type: 'layers'; diff_ids: string[] };
  history: { created: string; created_by: string }[];
}

export interface BuiltImage {
  manifestDigest: string;
  manifestBytes: Buffer;
  manifest: { schemaVersion: 2; mediaType: string; config: Descriptor; layers: Descriptor[] };
  configDigest: string;
  configBytes: Buffer;
  config: ImageConfigContent;
  layers: LayerBlob[];
  platform: { architecture: string; os: string; variant?: string };
}

/** An image (config + manifest) in memory; nothing is written. */
export function buildImage(options: ImageOptions = {}): BuiltImage {
  const layers = [...(options.sharedLayers ?? []), ...Array.from({ length: options.layers ?? 2 }, () => randomLayer(options.layerSize))];
  const created = options.created ?? '2024-05-01T12:00:00Z';
  const architecture = options.architecture ?? 'amd64';
  const platform = { architecture, os: 'linux', ...(options.variant ? { variant: options.variant } : {}) };
  const config: ImageConfigContent = {
    created,
    ...platform,
    config: {
      Labels: { 'e2e.nonce': randomBytes(6).toString('hex'), ...options.labels },
      Env: options.env ?? ['PATH=/usr/local/bin:/usr/bin:/bin', 'APP_MODE=e2e'],
      ExposedPorts: Object.fromEntries((options.exposedPorts ?? ['8080/tcp']).map((port) => [port, {}])),
      Entrypoint: options.entrypoint ?? ['/bin/app'],
      Cmd: options.cmd ?? ['--serve'],
    },
    rootfs: { type: 'layers', diff_ids: layers.map((layer) => layer.diffId) },
    history: layers.map(() => ({ created, created_by: 'system-e2e oci-layout' })),
  };
  const configBytes = Buffer.from(JSON.stringify(config));
  const manifest = {
    schemaVersion: 2 as const,
    mediaType: OCI_MANIFEST,
    config: descriptorOf(OCI_CONFIG, configBytes),
    layers: layers.map((layer) => ({ mediaType: OCI_LAYER, digest: layer.digest, size: layer.size })),
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  return { manifestDigest: sha256(manifestBytes), manifestBytes, manifest, configDigest: sha256(configBytes), configBytes, config, layers, platform };
}

export interface BuiltIndex {
  digest: string;
  bytes: Buffer;
  index: { schemaVersion: 2; mediaType: string; manifests: Descriptor[] };
  images: BuiltImage[];
}

export function buildIndex(images: BuiltImage[]): BuiltIndex {
  const index = {
    schemaVersion: 2 as const,
    mediaType: OCI_INDEX,
    manifests: images.map((image) => descriptorOf(OCI_MANIFEST, image.manifestBytes, { platform: image.platform })),
  };
  const bytes = Buffer.from(JSON.stringify(index));
  return { digest: sha256(bytes), bytes, index, images };
}

// ------------------------------------------------------------------------------------ layouts

const tempDirs = new Set<string>();

/** A fresh directory under the OS temp dir, removed by {@link removeTempDirs}. */
export async function tempDir(prefix = 'oci-e2e-'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all([...tempDirs].map((dir) => rm(dir, { recursive: true, force: true })));
  tempDirs.clear();
}

export interface LayoutOptions extends ImageOptions {
  /** The tag in index.json (default `latest`). */
  tag?: string;
  /** Write into this (existing or new) directory instead of a fresh temp dir. */
  dir?: string;
  /** An index with a linux/amd64 and a linux/arm64 (v8) image; copy it with `--all` / `--multi-arch all`. */
  multiArch?: boolean;
}

export interface OciLayout {
  dir: string;
  tag: string;
  /** `oci:<dir>:<tag>`, skopeo's name for it. */
  reference: string;
  /** The tagged manifest: the image's, or the index's for multi-arch. */
  digest: string;
  mediaType: string;
  manifestBytes: Buffer;
  /** The image (amd64 for multi-arch). */
  image: BuiltImage;
  /** Every image: one, or amd64 and arm64 for multi-arch. */
  images: BuiltImage[];
  index?: BuiltIndex;
}

async function writeBlob(dir: string, bytes: Buffer): Promise<string> {
  const digest = sha256(bytes);
  await writeFile(path.join(dir, 'blobs', 'sha256', hexOf(digest)), bytes);
  return digest;
}

/** Writes an image (or a two-platform index) as an OCI image layout and returns everything in it. */
export async function writeOciLayout(options: LayoutOptions = {}): Promise<OciLayout> {
  const dir = options.dir ?? (await tempDir());
  const tag = options.tag ?? 'latest';
  await mkdir(path.join(dir, 'blobs', 'sha256'), { recursive: true });

  const images = options.multiArch
    ? [buildImage({ ...options, architecture: 'amd64', variant: undefined }), buildImage({ ...options, architecture: 'arm64', variant: 'v8' })]
    : [buildImage(options)];
  for (const image of images) {
    for (const layer of image.layers) await writeBlob(dir, layer.bytes);
    await writeBlob(dir, image.configBytes);
    await writeBlob(dir, image.manifestBytes);
  }
  const index = options.multiArch ? buildIndex(images) : undefined;
  if (index) await writeBlob(dir, index.bytes);

  const manifestBytes = index ? index.bytes : images[0].manifestBytes;
  const mediaType = index ? OCI_INDEX : OCI_MANIFEST;
  const top = descriptorOf(mediaType, manifestBytes, { annotations: { [REF_NAME]: tag } });
  await writeFile(path.join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [top] }));
  await writeFile(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  return { dir, tag, reference: `oci:${dir}:${tag}`, digest: top.digest, mediaType, manifestBytes, image: images[0], images, index };
}

// ------------------------------------------------------------------------------------ reading back

export interface ReadImage {
  manifestDigest: string;
  manifestBytes: Buffer;
  manifest: { mediaType?: string; config: Descriptor; layers: Descriptor[]; manifests?: Descriptor[] };
  configBytes: Buffer;
  /** Layer blobs in manifest order. */
  layers: Buffer[];
}

async function readImage(manifestBytes: Buffer, blob: (digest: string) => Promise<Buffer>): Promise<ReadImage> {
  const manifest = JSON.parse(manifestBytes.toString('utf8')) as ReadImage['manifest'];
  if (!manifest.config) throw new Error(`not an image manifest: ${manifestBytes.toString('utf8').slice(0, 200)}`);
  return {
    manifestDigest: sha256(manifestBytes),
    manifestBytes,
    manifest,
    configBytes: await blob(manifest.config.digest),
    layers: await Promise.all(manifest.layers.map((layer) => blob(layer.digest))),
  };
}

/** The image tagged `tag` in an OCI layout (as `skopeo copy … oci:<dir>:<tag>` writes it). */
export async function readOciLayoutImage(dir: string, tag: string): Promise<ReadImage> {
  const index = JSON.parse(await readFile(path.join(dir, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
  const entry = index.manifests.find((candidate) => candidate.annotations?.[REF_NAME] === tag);
  if (!entry) throw new Error(`no manifest tagged ${tag} in ${dir}/index.json`);
  const blob = (digest: string) => readFile(path.join(dir, 'blobs', 'sha256', hexOf(digest)));
  return readImage(await blob(entry.digest), blob);
}

/** The image in a `dir:` directory (manifest.json plus one file per blob, named by its hex). */
export async function readDirImage(dir: string): Promise<ReadImage> {
  const blob = (digest: string) => readFile(path.join(dir, hexOf(digest)));
  return readImage(await readFile(path.join(dir, 'manifest.json')), blob);
}
