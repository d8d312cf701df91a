import { hasStringReference } from './substitution';
import type { JsonObject } from './types';

/**
 * A copy of `object` without a hard-coded `metadata.namespace`, so that the object lands in the
 * namespace it is instantiated into. A namespace holding any `${NAME}` (even an unknown one) is
 * the author's explicit choice and is kept for substitution; `${{NAME}}` is not a reference in
 * this sense, and an empty namespace is left as it is. Runs before substitution, as in OpenShift.
 */
export function withoutHardCodedNamespace(object: JsonObject): JsonObject {
  const metadata = object['metadata'];
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) return object;
  const namespace = metadata['namespace'];
  if (typeof namespace !== 'string' || namespace === '' || hasStringReference(namespace)) return object;
  const { namespace: _stripped, ...rest } = metadata;
  return { ...object, metadata: rest };
}
