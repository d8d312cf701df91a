import type { Descriptor } from './descriptor';
import { MAX_MANIFEST_BYTES, parseManifest, type ParsedManifest } from './manifest';
import {
  DOCKER_CONTAINER_CONFIG_MEDIA_TYPE,
  DOCKER_MANIFEST_LIST_MEDIA_TYPE,
  DOCKER_MANIFEST_MEDIA_TYPE,
  OCI_EMPTY_MEDIA_TYPE,
  OCI_IMAGE_CONFIG_MEDIA_TYPE,
  OCI_IMAGE_INDEX_MEDIA_TYPE,
  OCI_IMAGE_MANIFEST_MEDIA_TYPE,
} from './media-types';
import { RegistryError } from './oci-error';

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
const LAYER_TYPE = 'application/vnd.oci.image.layer.v1.tar+gzip';
const DOCKER_LAYER_TYPE = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
const FOREIGN_LAYER_TYPE = 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip';
const SBOM_TYPE = 'application/vnd.example.sbom.v1';

const CONFIG: Descriptor = { mediaType: OCI_IMAGE_CONFIG_MEDIA_TYPE, digest: digest(1), size: 100 };
const LAYER_A: Descriptor = { mediaType: LAYER_TYPE, digest: digest(2), size: 2000 };
const LAYER_B: Descriptor = { mediaType: LAYER_TYPE, digest: digest(3), size: 3000 };
const EMPTY_CONFIG: Descriptor = { mediaType: OCI_EMPTY_MEDIA_TYPE, digest: digest(4), size: 2 };
const SUBJECT: Descriptor = { mediaType: OCI_IMAGE_MANIFEST_MEDIA_TYPE, digest: digest(5), size: 500 };
const AMD64 = { mediaType: OCI_IMAGE_MANIFEST_MEDIA_TYPE, digest: digest(6), size: 600, platform: { architecture: 'amd64', os: 'linux' } };
const ARM64 = { mediaType: OCI_IMAGE_MANIFEST_MEDIA_TYPE, digest: digest(7), size: 700, platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } };

const ociImage = (extra: Record<string, unknown> = {}) => ({
  schemaVersion: 2,
  mediaType: OCI_IMAGE_MANIFEST_MEDIA_TYPE,
  config: CONFIG,
  layers: [LAYER_A, LAYER_B],
  ...extra,
});
const ociIndex = (extra: Record<string, unknown> = {}) => ({
  schemaVersion: 2,
  mediaType: OCI_IMAGE_INDEX_MEDIA_TYPE,
  manifests: [AMD64, ARM64],
  ...extra,
});

const bytesOf = (body: unknown) => new TextEncoder().encode(typeof body === 'string' ? body : JSON.stringify(body));

function failure(body: unknown, contentType?: string): RegistryError {
  try {
    parseManifest(body instanceof Uint8Array ? body : bytesOf(body), contentType);
  } catch (error) {
    if (error instanceof RegistryError) return error;
    throw error;
  }
  throw new Error('parseManifest accepted the manifest');
}

describe('parseManifest accepts', () => {
  it.each<[label: string, body: unknown, contentType: string | undefined, expected: Partial<ParsedManifest>]>([
    [
      'an OCI image, config and layers blob references in order',
      ociImage(),
      OCI_IMAGE_MANIFEST_MEDIA_TYPE,
      {
        mediaType: OCI_IMAGE_MANIFEST_MEDIA_TYPE,
        kind: 'image',
        config: CONFIG,
        layers: [LAYER_A, LAYER_B],
        manifests: [],
        artifactType: OCI_IMAGE_CONFIG_MEDIA_TYPE,
        blobReferences: [CONFIG, LAYER_A, LAYER_B],
        manifestReferences: [],
      },
    ],
    [
      'a Docker schema 2 image without a Content-Type',
      { schemaVersion: 2, mediaType: DOCKER_MANIFEST_MEDIA_TYPE, config: { ...CONFIG, mediaType: DOCKER_CONTAINER_CONFIG_MEDIA_TYPE }, layers: [{ ...LAYER_A, mediaType: DOCKER_LAYER_TYPE }] },
      undefined,
      { mediaType: DOCKER_MANIFEST_MEDIA_TYPE, kind: 'image', artifactType: DOCKER_CONTAINER_CONFIG_MEDIA_TYPE },
    ],
    [
      'an OCI image without mediaType, typed by Content-Type with parameters and odd case',
      ociImage({ mediaType: undefined }),
      ' Application/VND.oci.image.manifest.v1+json; charset=utf-8',
      { mediaType: OCI_IMAGE_MANIFEST_MEDIA_TYPE, kind: 'image' },
    ],
    [
      'an artifact: empty config, no layers, artifactType and subject',
      ociImage({ config: EMPTY_CONFIG, layers: [], artifactType: SBOM_TYPE, subject: SUBJECT, annotations: { 'org.example': 'x' } }),
      OCI_IMAGE_MANIFEST_MEDIA_TYPE,
      {
        config: EMPTY_CONFIG,
        layers: [],
        subject: SUBJECT,
        artifactType: SBOM_TYPE,
        annotations: { 'org.example': 'x' },
        blobReferences: [EMPTY_CONFIG],
      },
    ],
    [
      'an empty artifactType falls back to config.mediaType',
      ociImage({ artifactType: '' }),
      undefined,
      { artifactType: OCI_IMAGE_CONFIG_MEDIA_TYPE },
    ],
    [
      'a layer used twice and a layer equal to the config are referenced once',
      ociImage({ layers: [LAYER_A, LAYER_A, { ...LAYER_B, digest: CONFIG.digest }] }),
      undefined,
      { layers: [LAYER_A, LAYER_A, { ...LAYER_B, digest: CONFIG.digest }], blobReferences: [CONFIG, LAYER_A] },
    ],
    [
      'a foreign layer with URLs is not a blob reference, one without URLs is',
      ociImage({
        layers: [
          { ...LAYER_A, mediaType: FOREIGN_LAYER_TYPE, urls: ['https://example.com/base.tgz'] },
          { ...LAYER_B, mediaType: FOREIGN_LAYER_TYPE },
        ],
      }),
      undefined,
      { blobReferences: [CONFIG, { ...LAYER_B, mediaType: FOREIGN_LAYER_TYPE }] },
    ],
    [
      'null optional fields count as absent, unknown fields are dropped',
      ociImage({ subject: null, annotations: null, artifactType: null, extra: 1, layers: [{ ...LAYER_A, data: 'e30=', annotations: null }] }),
      undefined,
      { layers: [LAYER_A], artifactType: OCI_IMAGE_CONFIG_MEDIA_TYPE },
    ],
    [
      'descriptor artifactType, annotations and urls are kept; platform is not read on layers',
      ociImage({ layers: [{ ...LAYER_A, artifactType: SBOM_TYPE, annotations: { a: 'b' }, urls: ['https://x'], platform: { os: 1 } }] }),
      undefined,
      { layers: [{ ...LAYER_A, artifactType: SBOM_TYPE, annotations: { a: 'b' }, urls: ['https://x'] }] },
    ],
    [
      'an OCI index with platforms; children referenced once each',
      ociIndex({ manifests: [AMD64, ARM64, AMD64] }),
      OCI_IMAGE_INDEX_MEDIA_TYPE,
      {
        mediaType: OCI_IMAGE_INDEX_MEDIA_TYPE,
        kind: 'index',
        layers: [],
        manifests: [AMD64, ARM64, AMD64],
        blobReferences: [],
        manifestReferences: [AMD64, ARM64],
      },
    ],
    [
      'an index has no artifactType unless it says so',
      ociIndex({ artifactType: SBOM_TYPE, subject: SUBJECT }),
      undefined,
      { kind: 'index', artifactType: SBOM_TYPE, subject: SUBJECT },
    ],
    [
      'a Docker manifest list; an empty variant is dropped',
      { schemaVersion: 2, mediaType: DOCKER_MANIFEST_LIST_MEDIA_TYPE, manifests: [{ ...AMD64, platform: { ...AMD64.platform, variant: '' } }] },
      DOCKER_MANIFEST_LIST_MEDIA_TYPE,
      { mediaType: DOCKER_MANIFEST_LIST_MEDIA_TYPE, kind: 'index', manifests: [AMD64] },
    ],
    [
      'an index child without platform',
      ociIndex({ manifests: [SUBJECT] }),
      undefined,
      { manifests: [SUBJECT], manifestReferences: [SUBJECT] },
    ],
  ])('%s', (_label, body, contentType, expected) => {
    // Compare only the fields the case is about, but strictly: no extra or undefined keys inside.
    const parsed = parseManifest(bytesOf(body), contentType);
    const picked = Object.fromEntries(Object.keys(expected).map((key) => [key, parsed[key as keyof ParsedManifest]]));
    expect(picked).toStrictEqual(expected);
  });

  it('leaves out every optional field it was not given', () => {
    const parsed = parseManifest(bytesOf(ociIndex()), undefined);
    expect(Object.keys(parsed).sort()).toEqual(['blobReferences', 'kind', 'layers', 'manifestReferences', 'manifests', 'mediaType']);
  });

  it('accepts a manifest of exactly the maximum size', () => {
    const json = JSON.stringify(ociImage());
    const padded = bytesOf(json + ' '.repeat(MAX_MANIFEST_BYTES - json.length));
    expect(padded.length).toBe(MAX_MANIFEST_BYTES);
    expect(parseManifest(padded, undefined).kind).toBe('image');
  });
});

describe('parseManifest rejects', () => {
  it.each<[label: string, body: unknown, contentType: string | undefined, detail: string]>([
    // The body as a whole
    ['a body that is not JSON', '{"schemaVersion":', undefined, 'manifest is not valid JSON'],
    ['invalid UTF-8', new Uint8Array([0x7b, 0xff, 0x7d]), undefined, 'manifest is not valid UTF-8'],
    ['a JSON array', '[]', undefined, 'manifest must be a JSON object'],
    ['JSON null', 'null', undefined, 'manifest must be a JSON object'],
    ['a JSON string', '"manifest"', undefined, 'manifest must be a JSON object'],
    // Schema and media type
    ['a schema 1 body', { schemaVersion: 1, name: 'x', tag: 'latest', fsLayers: [] }, undefined, 'Docker schema 1 manifests are unsupported; push a schema 2 or OCI manifest'],
    [
      'a schema 1 Content-Type',
      ociImage({ mediaType: undefined }),
      'application/vnd.docker.distribution.manifest.v1+prettyjws',
      'application/vnd.docker.distribution.manifest.v1+prettyjws is unsupported; push a schema 2 or OCI manifest',
    ],
    ['a missing schemaVersion', ociImage({ schemaVersion: undefined }), undefined, 'schemaVersion must be 2'],
    ['schemaVersion as a string', ociImage({ schemaVersion: '2' }), undefined, 'schemaVersion must be 2'],
    ['schemaVersion 3', ociImage({ schemaVersion: 3 }), undefined, 'schemaVersion must be 2'],
    [
      'mediaType differing from Content-Type',
      ociImage(),
      DOCKER_MANIFEST_MEDIA_TYPE,
      `mediaType ${OCI_IMAGE_MANIFEST_MEDIA_TYPE} does not match Content-Type ${DOCKER_MANIFEST_MEDIA_TYPE}`,
    ],
    ['a non-string mediaType', ociImage({ mediaType: 2 }), undefined, 'mediaType must be a string'],
    ['neither mediaType nor Content-Type', ociImage({ mediaType: undefined }), undefined, 'manifest media type unknown: set mediaType or Content-Type'],
    ['a Content-Type with only parameters', ociImage({ mediaType: undefined }), '; charset=utf-8', 'manifest media type unknown: set mediaType or Content-Type'],
    ['a plain JSON Content-Type', ociImage({ mediaType: undefined }), 'application/json', 'manifest media type application/json is unsupported'],
    [
      'the withdrawn OCI artifact manifest',
      ociImage({ mediaType: 'application/vnd.oci.artifact.manifest.v1+json' }),
      undefined,
      'manifest media type application/vnd.oci.artifact.manifest.v1+json is unsupported',
    ],
    // Image manifests
    ['an image with manifests too', ociImage({ manifests: [] }), undefined, 'an image manifest must not have manifests'],
    ['an image without config', ociImage({ config: undefined }), undefined, 'config is required'],
    ['a config that is a string', ociImage({ config: digest(1) }), undefined, 'config must be a descriptor object'],
    ['a config without mediaType', ociImage({ config: { ...CONFIG, mediaType: undefined } }), undefined, 'config.mediaType must be a media type'],
    ['a config with a malformed mediaType', ociImage({ config: { ...CONFIG, mediaType: 'json' } }), undefined, 'config.mediaType must be a media type'],
    ['a config with an uppercase digest', ociImage({ config: { ...CONFIG, digest: CONFIG.digest.toUpperCase() } }), undefined, 'config.digest must be a sha256 or sha512 digest'],
    ['a config without size', ociImage({ config: { ...CONFIG, size: undefined } }), undefined, 'config.size must be a non-negative integer'],
    ['a negative size', ociImage({ config: { ...CONFIG, size: -1 } }), undefined, 'config.size must be a non-negative integer'],
    ['a fractional size', ociImage({ config: { ...CONFIG, size: 1.5 } }), undefined, 'config.size must be a non-negative integer'],
    ['a size as a string', ociImage({ config: { ...CONFIG, size: '100' } }), undefined, 'config.size must be a non-negative integer'],
    ['a size beyond safe integers', ociImage({ config: { ...CONFIG, size: 2 ** 53 } }), undefined, 'config.size must be a non-negative integer'],
    ['an image without layers', ociImage({ layers: undefined }), undefined, 'layers is required'],
    ['layers that are an object', ociImage({ layers: {} }), undefined, 'layers must be an array'],
    ['a layer with a bad digest', ociImage({ layers: [LAYER_A, { ...LAYER_B, digest: 'sha256:abc' }] }), undefined, 'layers[1].digest must be a sha256 or sha512 digest'],
    ['a layer that is null', ociImage({ layers: [null] }), undefined, 'layers[0] must be a descriptor object'],
    ['layer urls that are not strings', ociImage({ layers: [{ ...LAYER_A, urls: [1] }] }), undefined, 'layers[0].urls must be an array of strings'],
    ['a layer artifactType that is not a media type', ociImage({ layers: [{ ...LAYER_A, artifactType: 'sbom' }] }), undefined, 'layers[0].artifactType must be a media type'],
    ['layer annotations that are not strings', ociImage({ layers: [{ ...LAYER_A, annotations: { n: 1 } }] }), undefined, 'layers[0].annotations["n"] must be a string'],
    // Fields shared by both kinds
    ['a subject without digest', ociImage({ subject: { ...SUBJECT, digest: undefined } }), undefined, 'subject.digest must be a sha256 or sha512 digest'],
    ['an artifactType that is not a media type', ociImage({ artifactType: 'sbom' }), undefined, 'artifactType must be a media type'],
    ['annotations that are an array', ociImage({ annotations: ['a'] }), undefined, 'annotations must be an object of strings'],
    ['an annotation that is not a string', ociImage({ annotations: { ok: 'yes', count: 3 } }), undefined, 'annotations["count"] must be a string'],
    // Indexes
    ['an index with config', ociIndex({ config: CONFIG }), undefined, 'an index must not have config or layers'],
    ['an index with layers', ociIndex({ layers: [] }), undefined, 'an index must not have config or layers'],
    ['an index without manifests', ociIndex({ manifests: undefined }), undefined, 'manifests is required'],
    ['a child with a bad size', ociIndex({ manifests: [AMD64, { ...ARM64, size: -5 }] }), undefined, 'manifests[1].size must be a non-negative integer'],
    ['a platform that is a string', ociIndex({ manifests: [{ ...AMD64, platform: 'linux/amd64' }] }), undefined, 'manifests[0].platform must be an object'],
    ['a platform without os', ociIndex({ manifests: [{ ...AMD64, platform: { architecture: 'amd64' } }] }), undefined, 'manifests[0].platform.os must be a string'],
    ['a platform without architecture', ociIndex({ manifests: [{ ...AMD64, platform: { os: 'linux' } }] }), undefined, 'manifests[0].platform.architecture must be a string'],
    ['a numeric variant', ociIndex({ manifests: [{ ...AMD64, platform: { ...AMD64.platform, variant: 8 } }] }), undefined, 'manifests[0].platform.variant must be a string'],
  ])('%s', (_label, body, contentType, detail) => {
    const error = failure(body, contentType);
    expect({ code: error.code, status: error.status, detail: error.detail }).toEqual({ code: 'MANIFEST_INVALID', status: 400, detail });
    expect(error.message).toBe(`manifest invalid: ${detail}`);
  });

  it('refuses a manifest over the maximum size with 413, before reading it', () => {
    const error = failure(new Uint8Array(MAX_MANIFEST_BYTES + 1));
    expect({ code: error.code, status: error.status, detail: error.detail }).toEqual({
      code: 'MANIFEST_INVALID',
      status: 413,
      detail: `manifest is ${MAX_MANIFEST_BYTES + 1} bytes, more than the ${MAX_MANIFEST_BYTES} allowed`,
    });
  });
});
