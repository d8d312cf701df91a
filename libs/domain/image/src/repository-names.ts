import { parseDigest } from '@imagestreams/image-reference';

/**
 * `status.dockerImageRepository` of a stream: where the integrated registry serves it,
 * `<registryHost>/<namespace>/<name>`. A trailing `/` on the host (common in config values)
 * is ignored.
 */
export function dockerImageRepository(registryHost: string, namespace: string, name: string): string {
  const host = registryHost.replace(/\/+$/, '');
  if (host === '') throw new RangeError('registryHost must not be empty');
  return `${host}/${namespace}/${name}`;
}

/**
 * The by-digest pull spec of one image in a stream, `<registryHost>/<namespace>/<name>@<digest>`,
 * as written into tag history for pushed images and into `referencePolicy: Local` resolutions.
 * The digest must be a valid `sha256:`/`sha384:`/`sha512:` digest (`InvalidReferenceError`
 * otherwise), because a pull spec that cannot be pulled must not reach tag history.
 */
export function imagePullSpec(registryHost: string, namespace: string, name: string, digest: string): string {
  return `${dockerImageRepository(registryHost, namespace, name)}@${parseDigest(digest).value}`;
}
