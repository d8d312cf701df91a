import { createHash } from 'node:crypto';
import type { BuiltImage, BuiltIndex } from './oci-layout';

/** Plain-HTTP pushes to any OCI registry (ours or Debian's docker-registry), for import tests. */
export interface RegistryEndpoint {
  /** `http://host:port` */
  baseUrl: string;
  /** An Authorization header value, for registries that want one. */
  authorization?: string;
}

function headers(endpoint: RegistryEndpoint, extra: Record<string, string> = {}): Record<string, string> {
  return { ...extra, ...(endpoint.authorization ? { authorization: endpoint.authorization } : {}) };
}

async function pushBlob(endpoint: RegistryEndpoint, repository: string, bytes: Buffer): Promise<void> {
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  const started = await fetch(`${endpoint.baseUrl}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: headers(endpoint) });
  if (started.status !== 202) throw new Error(`upload start in ${repository} answered ${started.status}: ${await started.text()}`);
  const location = new URL(String(started.headers.get('location')), endpoint.baseUrl);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, { method: 'PUT', headers: headers(endpoint, { 'content-type': 'application/octet-stream' }), body: new Uint8Array(bytes) });
  if (put.status !== 201) throw new Error(`blob PUT in ${repository} answered ${put.status}: ${await put.text()}`);
}

export async function putManifest(endpoint: RegistryEndpoint, repository: string, reference: string, mediaType: string, bytes: Buffer): Promise<void> {
  const put = await fetch(`${endpoint.baseUrl}/v2/${repository}/manifests/${reference}`, { method: 'PUT', headers: headers(endpoint, { 'content-type': mediaType }), body: new Uint8Array(bytes) });
  if (put.status !== 201) throw new Error(`manifest PUT ${repository}:${reference} answered ${put.status}: ${await put.text()}`);
}

/** Blobs, then the manifest under `tag`. */
export async function pushImage(endpoint: RegistryEndpoint, repository: string, tag: string, image: BuiltImage): Promise<void> {
  for (const layer of image.layers) await pushBlob(endpoint, repository, layer.bytes);
  await pushBlob(endpoint, repository, image.configBytes);
  await putManifest(endpoint, repository, tag, image.manifest.mediaType, image.manifestBytes);
}

/** Every child image by digest, then the index under `tag`. */
export async function pushIndex(endpoint: RegistryEndpoint, repository: string, tag: string, index: BuiltIndex): Promise<void> {
  for (const child of index.images) await pushImage(endpoint, repository, child.manifestDigest, child);
  await putManifest(endpoint, repository, tag, index.index.mediaType, index.bytes);
}
