export { parseReference, tryParseReference, type ParseReferenceResult } from './parse';
export { normalizeReference } from './normalize';
export { familiarName, familiarString } from './familiar-name';
export { formatReference } from './format-reference';
export { isValidDigest, parseDigest, type ParsedDigest } from './digest';
export {
  INVALID_REFERENCE_MESSAGES,
  InvalidReferenceError,
  type InvalidReferenceCode,
} from './invalid-reference-error';
export type { NormalizedReference, ParsedReference, ReferenceParts } from './reference';
export type { DigestAlgorithm } from './grammar';
export { DEFAULT_TAG, DOCKER_HUB_REGISTRY } from './docker-defaults';
