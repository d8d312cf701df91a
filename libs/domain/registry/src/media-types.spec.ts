import {
  bareMediaType,
  DOCKER_CONTAINER_CONFIG_MEDIA_TYPE,
  DOCKER_MANIFEST_LIST_MEDIA_TYPE,
  DOCKER_MANIFEST_MEDIA_TYPE,
  isDockerSchema1MediaType,
  isForeignLayerMediaType,
  isImageManifestMediaType,
  isIndexMediaType,
  isMediaType,
  OCI_EMPTY_MEDIA_TYPE,
  OCI_IMAGE_CONFIG_MEDIA_TYPE,
  OCI_IMAGE_INDEX_MEDIA_TYPE,
  OCI_IMAGE_MANIFEST_MEDIA_TYPE,
  SUPPORTED_MANIFEST_MEDIA_TYPES,
} from './media-types';

describe('manifest media type classification', () => {
  it.each<[mediaType: string, image: boolean, index: boolean, schema1: boolean]>([
    [OCI_IMAGE_MANIFEST_MEDIA_TYPE, true, false, false],
    [DOCKER_MANIFEST_MEDIA_TYPE, true, false, false],
    [OCI_IMAGE_INDEX_MEDIA_TYPE, false, true, false],
    [DOCKER_MANIFEST_LIST_MEDIA_TYPE, false, true, false],
    ['application/vnd.docker.distribution.manifest.v1+json', false, false, true],
    ['application/vnd.docker.distribution.manifest.v1+prettyjws', false, false, true],
    [OCI_IMAGE_CONFIG_MEDIA_TYPE, false, false, false],
    [DOCKER_CONTAINER_CONFIG_MEDIA_TYPE, false, false, false],
    [OCI_EMPTY_MEDIA_TYPE, false, false, false],
    ['application/json', false, false, false],
    // Comparisons are exact: callers normalise header values with bareMediaType first.
    [OCI_IMAGE_MANIFEST_MEDIA_TYPE.toUpperCase(), false, false, false],
    [`${OCI_IMAGE_INDEX_MEDIA_TYPE}; charset=utf-8`, false, false, false],
  ])('%s', (mediaType, image, index, schema1) => {
    expect(isImageManifestMediaType(mediaType)).toBe(image);
    expect(isIndexMediaType(mediaType)).toBe(index);
    expect(isDockerSchema1MediaType(mediaType)).toBe(schema1);
    expect(SUPPORTED_MANIFEST_MEDIA_TYPES.includes(mediaType)).toBe(image || index);
  });

  it('supports exactly the four schema 2 manifest formats', () => {
    expect([...SUPPORTED_MANIFEST_MEDIA_TYPES].sort()).toEqual(
      [OCI_IMAGE_MANIFEST_MEDIA_TYPE, DOCKER_MANIFEST_MEDIA_TYPE, OCI_IMAGE_INDEX_MEDIA_TYPE, DOCKER_MANIFEST_LIST_MEDIA_TYPE].sort(),
    );
  });
});

describe('bareMediaType', () => {
  it.each<[headerValue: string, expected: string]>([
    [OCI_IMAGE_MANIFEST_MEDIA_TYPE, OCI_IMAGE_MANIFEST_MEDIA_TYPE],
    [`${OCI_IMAGE_MANIFEST_MEDIA_TYPE}; charset=utf-8`, OCI_IMAGE_MANIFEST_MEDIA_TYPE],
    [`  ${DOCKER_MANIFEST_MEDIA_TYPE} ;q=1`, DOCKER_MANIFEST_MEDIA_TYPE],
    ['Application/JSON', 'application/json'],
    ['', ''],
    [';charset=utf-8', ''],
  ])('%j → %j', (headerValue, expected) => {
    expect(bareMediaType(headerValue)).toBe(expected);
  });
});

describe('isMediaType', () => {
  it.each<[value: unknown, expected: boolean]>([
    [OCI_IMAGE_MANIFEST_MEDIA_TYPE, true],
    ['application/vnd.example.sbom.v1', true],
    ['text/plain', true],
    ['application/vnd.cncf.helm.chart.content.v1.tar+gzip', true],
    ['application', false],
    ['application/', false],
    ['/json', false],
    ['application/json; charset=utf-8', false],
    ['application/json/extra', false],
    [' application/json', false],
    ['application/.json', false],
    [`application/${'a'.repeat(127)}`, true],
    [`application/${'a'.repeat(128)}`, false],
    ['', false],
    [undefined, false],
    [7, false],
  ])('%j → %s', (value, expected) => {
    expect(isMediaType(value)).toBe(expected);
  });
});

describe('isForeignLayerMediaType', () => {
  it.each<[mediaType: string, expected: boolean]>([
    ['application/vnd.docker.image.rootfs.foreign.diff.tar.gzip', true],
    ['application/vnd.oci.image.layer.nondistributable.v1.tar', true],
    ['application/vnd.oci.image.layer.nondistributable.v1.tar+gzip', true],
    ['application/vnd.oci.image.layer.nondistributable.v1.tar+zstd', true],
    ['application/vnd.docker.image.rootfs.diff.tar.gzip', false],
    ['application/vnd.oci.image.layer.v1.tar+gzip', false],
  ])('%s → %s', (mediaType, expected) => {
    expect(isForeignLayerMediaType(mediaType)).toBe(expected);
  });
});
