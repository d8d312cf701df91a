import type { Descriptor } from './descriptor';
import {
  DOCKER_IMAGE_METADATA_API_VERSION,
  dockerImageLayersFrom,
  dockerImageManifestsFrom,
  dockerImageMetadataFrom,
  dockerImageSizeOf,
  type DockerImageMetadata,
} from './image-metadata';

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
const ID = digest(1);
const BASE: DockerImageMetadata = { kind: 'DockerImage', apiVersion: 'image.openshift.io/1.0', Id: ID, Size: 1234 };

// A trimmed `docker inspect`-style config blob, as Docker and BuildKit write them.
const FULL_CONFIG = {
  architecture: 'amd64',
  os: 'linux',
  created: '2024-05-01T10:00:00Z',
  config: {
    Labels: { 'io.openshift.tags': 'web', maintainer: 'team' },
    Env: ['PATH=/usr/bin', 'PORT=8080'],
    ExposedPorts: { '8080/tcp': {}, '53/udp': {} },
    Entrypoint: ['/entrypoint.sh'],
    Cmd: ['serve', '--port', '8080'],
    WorkingDir: '/app',
    User: '1001',
    Volumes: { '/data': {} },
  },
  rootfs: { type: 'layers', diff_ids: [digest(9)] },
  history: [{ created_by: 'COPY . /app' }],
};

describe('dockerImageMetadataFrom', () => {
  it('copies the well-known fields of a full image config', () => {
    expect(dockerImageMetadataFrom(FULL_CONFIG, ID, 1234)).toStrictEqual({
      ...BASE,
      Created: '2024-05-01T10:00:00Z',
      Architecture: 'amd64',
      Os: 'linux',
      Config: {
        Labels: { 'io.openshift.tags': 'web', maintainer: 'team' },
        Env: ['PATH=/usr/bin', 'PORT=8080'],
        ExposedPorts: { '8080/tcp': {}, '53/udp': {} },
        Entrypoint: ['/entrypoint.sh'],
        Cmd: ['serve', '--port', '8080'],
        WorkingDir: '/app',
        User: '1001',
      },
    });
  });

  it.each<[label: string, config: unknown, expected: DockerImageMetadata]>([
    ['an artifact\'s empty config', {}, BASE],
    ['null', null, BASE],
    ['an array', [FULL_CONFIG], BASE],
    ['a string', 'config', BASE],
    ['undefined (config blob missing)', undefined, BASE],
    ['a config without a config section', { architecture: 'arm64', os: 'linux' }, { ...BASE, Architecture: 'arm64', Os: 'linux' }],
    ['a config section that is null', { config: null }, BASE],
    ['an empty config section', { config: {} }, { ...BASE, Config: {} }],
    [
      'malformed fields, each dropped on its own',
      {
        architecture: 64,
        os: ['linux'],
        created: 1714557600,
        config: {
          Labels: { a: 'b', n: 1 },
          Env: 'PATH=/bin',
          ExposedPorts: { '80/tcp': true },
          Entrypoint: ['/bin/sh', 1],
          Cmd: ['ok'],
          WorkingDir: 7,
          User: { uid: 0 },
        },
      },
      { ...BASE, Config: { Cmd: ['ok'] } },
    ],
    [
      'empty values left out as OpenShift does',
      { architecture: '', os: '', created: '', config: { Labels: {}, Env: [], ExposedPorts: {}, Entrypoint: [], Cmd: [], WorkingDir: '', User: '' } },
      { ...BASE, Config: {} },
    ],
    ['Labels null, as Docker writes when there are none', { config: { Labels: null, Env: ['A=1'] } }, { ...BASE, Config: { Env: ['A=1'] } }],
  ])('%s', (_label, config, expected) => {
    expect(dockerImageMetadataFrom(config, ID, 1234)).toStrictEqual(expected);
  });

  it('copies maps and lists, so the result does not change with the parsed config', () => {
    const config = JSON.parse(JSON.stringify(FULL_CONFIG));
    const metadata = dockerImageMetadataFrom(config, ID, 1);
    config.config.Labels.maintainer = 'someone else';
    config.config.Env.push('X=1');
    expect(metadata.Config?.Labels?.maintainer).toBe('team');
    expect(metadata.Config?.Env).toEqual(['PATH=/usr/bin', 'PORT=8080']);
  });

  it('uses the apiVersion the image views serve', () => {
    expect(DOCKER_IMAGE_METADATA_API_VERSION).toBe('image.openshift.io/1.0');
  });
});

const CONFIG: Descriptor = { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digest(1), size: 100 };
const LAYER_A: Descriptor = { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: digest(2), size: 2000, annotations: { a: 'b' } };
const LAYER_B: Descriptor = { mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd', digest: digest(3), size: 30 };

describe('dockerImageLayersFrom', () => {
  it.each<[label: string, layers: Descriptor[], expected: ReturnType<typeof dockerImageLayersFrom>]>([
    [
      'layers in manifest order, base first, only name/size/mediaType',
      [LAYER_A, LAYER_B],
      [
        { name: digest(2), size: 2000, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' },
        { name: digest(3), size: 30, mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd' },
      ],
    ],
    [
      'a repeated layer is listed each time',
      [LAYER_B, LAYER_B],
      [
        { name: digest(3), size: 30, mediaType: LAYER_B.mediaType },
        { name: digest(3), size: 30, mediaType: LAYER_B.mediaType },
      ],
    ],
    ['an artifact or index without layers', [], []],
  ])('%s', (_label, layers, expected) => {
    expect(dockerImageLayersFrom({ layers })).toStrictEqual(expected);
  });
});

describe('dockerImageSizeOf', () => {
  it.each<[label: string, manifest: { config?: Descriptor; layers: Descriptor[] }, expected: number]>([
    ['config plus layers', { config: CONFIG, layers: [LAYER_A, LAYER_B] }, 2130],
    ['a layer used twice counts once', { config: CONFIG, layers: [LAYER_A, LAYER_A, LAYER_B] }, 2130],
    ['a layer equal to the config counts once', { config: CONFIG, layers: [{ ...LAYER_A, digest: CONFIG.digest }] }, 100],
    ['an artifact with only a config', { config: CONFIG, layers: [] }, 100],
    ['an index', { layers: [] }, 0],
  ])('%s', (_label, manifest, expected) => {
    expect(dockerImageSizeOf(manifest)).toBe(expected);
  });
});

describe('DockerImageMetadata', () => {
  it('fits an API object field typed Record<string, unknown> without a cast', () => {
    const field: Record<string, unknown> = dockerImageMetadataFrom(FULL_CONFIG, ID, 1);
    expect(field['kind']).toBe('DockerImage');
  });
});

describe('NUL characters, which no stored string can hold', () => {
  it('become U+FFFD in the metadata of a config (pushed or imported) that holds them', () => {
    const metadata = dockerImageMetadataFrom({ architecture: 'amd\u0000', config: { Labels: { 'a\u0000': 'b\u0000' }, Env: ['A=\u0000'] } }, ID, 1);
    expect(metadata).toMatchObject({ Architecture: 'amd\uFFFD', Config: { Labels: { 'a\uFFFD': 'b\uFFFD' }, Env: ['A=\uFFFD'] } });
  });

  it("become U+FFFD in an index's children, which otherwise keep their digest, type, size and platform", () => {
    const manifests = dockerImageManifestsFrom({
      manifests: [
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: digest(2), size: 10, platform: { architecture: 'arm64', os: 'linux', variant: 'v8\u0000' } },
        { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: digest(3), size: 11 },
      ],
    });
    expect(manifests).toEqual([
      { digest: digest(2), mediaType: 'application/vnd.oci.image.manifest.v1+json', manifestSize: 10, architecture: 'arm64', os: 'linux', variant: 'v8\uFFFD' },
      { digest: digest(3), mediaType: 'application/vnd.oci.image.manifest.v1+json', manifestSize: 11 },
    ]);
  });
});
