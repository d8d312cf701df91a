import { pushBlob, pushManifest } from '@imagestreams/testing';
import { authHeaders, gatewayUrl } from './api';
import type { BuiltImage, BuiltIndex } from './oci-layout';

/** Plain-HTTP pushes to any OCI registry (ours or Debian's docker-registry), for import tests. */
export interface RegistryEndpoint {
  /** `http://host:port` */
  baseUrl: string;
  /** An Authorization header value, for registries that want one. */
  authorization?: string;
}

/** This stack's own registry, as the admin. */
export function gatewayEndpoint(): RegistryEndpoint {
  return { baseUrl: gatewayUrl(), authorization: authHeaders().authorization };
}

/** Blobs, then the manifest under `tag`. */
export async function pushImage(endpoint: RegistryEndpoint, repository: string, tag: string, image: BuiltImage): Promise<void> {
  for (const layer of image.layers) await pushBlob(endpoint.baseUrl, repository, layer.bytes, endpoint.authorization);
  await pushBlob(endpoint.baseUrl, repository, image.configBytes, endpoint.authorization);
  await pushManifest(endpoint.baseUrl, repository, tag, image.manifest.mediaType, image.manifestBytes, endpoint.authorization);
}

/** Every child image by digest, then the index under `tag`. */
export async function pushIndex(endpoint: RegistryEndpoint, repository: string, tag: string, index: BuiltIndex): Promise<void> {
  for (const child of index.images) await pushImage(endpoint, repository, child.manifestDigest, child);
  await pushManifest(endpoint.baseUrl, repository, tag, index.index.mediaType, index.bytes, endpoint.authorization);
}
