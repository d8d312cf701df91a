import { RegistryError } from './oci-error';

function decodes(segment: string): boolean {
  try {
    decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}

/**
 * The error for a `/v2` path (relative to `/v2`) with a segment that is not valid percent-encoding
 * (`%`, `%ZZ`): the route cannot even be matched, so the code says which part is malformed — the
 * repository name, a manifest reference, a digest or an upload id — as its own validation would.
 */
export function malformedPathError(path: string): RegistryError {
  const segments = path.split('/').filter((segment) => segment !== '');
  const bad = segments.findIndex((segment) => !decodes(segment));
  if (bad < 0) return RegistryError.nameInvalid(path, 'the path is not valid percent-encoding');
  const raw = segments[bad];
  const reason = `"${raw}" is not valid percent-encoding`;
  // <namespace>/<stream>/<kind>/...: anything at or before the kind belongs to the name.
  const kind = segments[2];
  if (bad < 3) return RegistryError.nameInvalid(raw, 'the repository name is not valid percent-encoding');
  if (kind === 'manifests') return RegistryError.manifestInvalid(reason, 400);
  if (kind === 'blobs' && segments[3] === 'uploads') return RegistryError.blobUploadInvalid(reason, 400);
  if (kind === 'blobs' || kind === 'referrers') return RegistryError.digestInvalid(reason);
  return RegistryError.nameInvalid(raw, 'the path is not valid percent-encoding');
}
