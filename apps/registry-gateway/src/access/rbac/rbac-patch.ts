import { applyMergePatch } from '@imagestreams/contracts';
import { mergePatchBody } from '../../http/edge-validation';

/**
 * The object a JSON merge patch (RFC 7386) makes of the stored one, for PATCH of roles and
 * bindings (what `kubectl apply` sends for an existing object). It carries the resourceVersion that
 * was read unless the patch names one, so a write in between is a 409 rather than a lost update;
 * the result then goes through the same validation and checks as a PUT.
 */
export function patchedObject(current: object, contentType: string | undefined, body: unknown): Record<string, unknown> {
  const patch = mergePatchBody(contentType, body);
  const merged = applyMergePatch(current, patch) as Record<string, unknown>;
  const readVersion = (current as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion;
  const metadata = typeof merged['metadata'] === 'object' && merged['metadata'] !== null ? (merged['metadata'] as Record<string, unknown>) : {};
  return { ...merged, metadata: { ...metadata, resourceVersion: metadata['resourceVersion'] ?? readVersion } };
}
