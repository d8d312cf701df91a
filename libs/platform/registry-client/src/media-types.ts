export const OCI_IMAGE_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_IMAGE_INDEX = 'application/vnd.oci.image.index.v1+json';
export const DOCKER_MANIFEST_V2 = 'application/vnd.docker.distribution.manifest.v2+json';
export const DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';

/** What `headManifest`/`getManifest` ask for, in order of preference. */
export const MANIFEST_MEDIA_TYPES: readonly string[] = Object.freeze([OCI_IMAGE_INDEX, OCI_IMAGE_MANIFEST, DOCKER_MANIFEST_LIST, DOCKER_MANIFEST_V2]);

export const MANIFEST_ACCEPT = MANIFEST_MEDIA_TYPES.join(', ');

/** `type/subtype` of a Content-Type value, lowercased, without parameters; '' when absent. */
export function baseMediaType(contentType: string | string[] | undefined): string {
  const value = Array.isArray(contentType) ? contentType[0] : contentType;
  if (!value) return '';
  return value.split(';', 1)[0].trim().toLowerCase();
}

/**
 * A Content-Type that names a manifest kind. Every manifest (and artifact) media type is an
 * `application/vnd.*` type; `application/json`, `text/plain` or a proxy's `text/html` say nothing.
 */
export function isSpecificMediaType(mediaType: string): boolean {
  return /^application\/vnd\.[a-z0-9][a-z0-9!#$&^_.+-]*$/.test(mediaType);
}
