export {
  DEFAULT_OCI_ERROR_STATUS,
  ociErrorBody,
  RegistryError,
  type OciErrorBody,
  type OciErrorCode,
  type OciErrorEntry,
  type RegistryErrorOptions,
} from './oci-error';
export { digestOf, isDigest, parseDigest, type DigestAlgorithm, type ParsedDigest } from './digest';
export { isOciTagName } from './tag-name';
export { malformedPathError } from './malformed-path';
export {
  bareMediaType,
  isDockerSchema1MediaType,
  isForeignLayerMediaType,
  isImageManifestMediaType,
  isIndexMediaType,
  isMediaType,
  DOCKER_CONTAINER_CONFIG_MEDIA_TYPE,
  DOCKER_MANIFEST_LIST_MEDIA_TYPE,
  DOCKER_MANIFEST_MEDIA_TYPE,
  DOCKER_SCHEMA1_MANIFEST_MEDIA_TYPES,
  OCI_EMPTY_MEDIA_TYPE,
  OCI_IMAGE_CONFIG_MEDIA_TYPE,
  OCI_IMAGE_INDEX_MEDIA_TYPE,
  OCI_IMAGE_MANIFEST_MEDIA_TYPE,
  SUPPORTED_MANIFEST_MEDIA_TYPES,
} from './media-types';
export type { Descriptor, Platform } from './descriptor';
export { parseManifest, MAX_MANIFEST_BYTES, type ManifestKind, type ParsedManifest } from './manifest';
export { chooseManifestRepresentation, type ManifestRepresentation, type StoredManifestSummary } from './accept';
export { parseBlobRange, parseUploadContentRange, type ByteRange } from './ranges';
export { linkHeader, pageAfter, parsePageParams, MAX_PAGE_SIZE, type Page, type PageParams } from './pagination';
export {
  dockerImageLayersFrom,
  dockerImageManifestsFrom,
  dockerImageMetadataFrom,
  dockerImageSizeOf,
  DOCKER_IMAGE_METADATA_API_VERSION,
  type DockerImageLayer,
  type DockerImageMetadata,
  type DockerImageRunConfig,
} from './image-metadata';
export {
  referrerDescriptorOf,
  referrersIndex,
  type ReferrerDescriptor,
  type ReferrersImageIndex,
  type ReferrersIndex,
} from './referrers';
export { withoutNul } from './storable-strings';
export { isUploadSessionOf, issueUploadSessionId } from './upload-session-id';
