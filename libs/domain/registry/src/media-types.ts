export const OCI_IMAGE_MANIFEST_MEDIA_TYPE = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_IMAGE_INDEX_MEDIA_TYPE = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_MANIFEST_MEDIA_TYPE = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST_MEDIA_TYPE = 'application/vnd.docker.distribution.manifest.list.v2+json';

/** The `{}` config of artifacts that have no configuration of their own. */
export const OCI_EMPTY_MEDIA_TYPE = 'application/vnd.oci.empty.v1+json';
export const OCI_IMAGE_CONFIG_MEDIA_TYPE = 'application/vnd.oci.image.config.v1+json';
export const DOCKER_CONTAINER_CONFIG_MEDIA_TYPE = 'application/vnd.docker.container.image.v1+json';

/** Docker's original manifest format: named here only so that pushes of it can be refused by name. */
export const DOCKER_SCHEMA1_MANIFEST_MEDIA_TYPES: readonly string[] = [
  'application/vnd.docker.distribution.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
];

const IMAGE_MANIFEST_MEDIA_TYPES: readonly string[] = [OCI_IMAGE_MANIFEST_MEDIA_TYPE, DOCKER_MANIFEST_MEDIA_TYPE];
const INDEX_MEDIA_TYPES: readonly string[] = [OCI_IMAGE_INDEX_MEDIA_TYPE, DOCKER_MANIFEST_LIST_MEDIA_TYPE];

/** The manifest formats the registry stores and serves, single images first. */
export const SUPPORTED_MANIFEST_MEDIA_TYPES: readonly string[] = [...IMAGE_MANIFEST_MEDIA_TYPES, ...INDEX_MEDIA_TYPES];

/** An OCI index or a Docker manifest list: a manifest that lists other manifests. */
export function isIndexMediaType(mediaType: string): boolean {
  return INDEX_MEDIA_TYPES.includes(mediaType);
}

/** An OCI image manifest or a Docker schema 2 manifest: one image (or artifact) with its blobs. */
export function isImageManifestMediaType(mediaType: string): boolean {
  return IMAGE_MANIFEST_MEDIA_TYPES.includes(mediaType);
}

// Layers that may live outside the registry (Windows base layers): pushers never upload them.
const FOREIGN_LAYER_MEDIA_TYPES: readonly string[] = [
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',
];

export function isForeignLayerMediaType(mediaType: string): boolean {
  return FOREIGN_LAYER_MEDIA_TYPES.includes(mediaType);
}

export function isDockerSchema1MediaType(mediaType: string): boolean {
  return DOCKER_SCHEMA1_MANIFEST_MEDIA_TYPES.includes(mediaType);
}

/**
 * A Content-Type value reduced to `type/subtype`: parameters dropped, trimmed and lowercased,
 * since HTTP media types are case-insensitive but registry media types are compared exactly.
 */
export function bareMediaType(headerValue: string): string {
  const semicolon = headerValue.indexOf(';');
  return (semicolon === -1 ? headerValue : headerValue.slice(0, semicolon)).trim().toLowerCase();
}

// RFC 6838 restricted names: 1-127 characters each side of the slash, starting alphanumeric.
const MEDIA_TYPE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;

/** Whether a descriptor's `mediaType` or an `artifactType` is a well-formed `type/subtype`. */
export function isMediaType(value: unknown): value is string {
  return typeof value === 'string' && MEDIA_TYPE_PATTERN.test(value);
}
