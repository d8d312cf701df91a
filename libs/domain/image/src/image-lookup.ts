export type ImageLookupResult =
  | { image: string }
  | { error: 'too-short' | 'not-found' | 'ambiguous'; matches: string[] };

/** Shortest hex prefix accepted: git's default abbreviation, short enough to type, rarely ambiguous. */
export const MIN_IMAGE_ID_HEX_LENGTH = 7;

const ALGORITHM_PREFIX = /^(sha256|sha384|sha512):/;
const HEX_PREFIX = new RegExp(`^[0-9a-f]{${MIN_IMAGE_ID_HEX_LENGTH},}$`);

/**
 * Finds the one image an ImageStreamImage id names (§4.8): `id` is `sha256:<hex>` or a bare
 * `<hex>`, matched as a prefix of the image names in `candidates` (the stream's layers view,
 * where an image may appear several times; repeats are one match).
 *
 * Deliberate deviation from OpenShift, which accepts any prefix (even `sha`, which matches
 * everything) and on GET picks an arbitrary image among several matches:
 * - the hex part must be at least 7 lowercase hex characters (`too-short` otherwise, which also
 *   covers ids that are not hex at all);
 * - more than one distinct match is `ambiguous`, listing the matches sorted, so the caller can
 *   answer 409 instead of serving a random image.
 * `sha384:`/`sha512:` ids work the same way, for streams holding such images.
 */
export function findImageByPrefix(candidates: readonly string[], id: string): ImageLookupResult {
  const algorithm = ALGORITHM_PREFIX.exec(id)?.[1];
  const hex = algorithm === undefined ? id : id.slice(algorithm.length + 1);
  if (!HEX_PREFIX.test(hex)) return { error: 'too-short', matches: [] };

  const matches = new Set<string>();
  for (const candidate of candidates) {
    const matched = algorithm === undefined ? hexOf(candidate).startsWith(hex) : candidate.startsWith(id);
    if (matched) matches.add(candidate);
  }

  const found = [...matches].sort();
  if (found.length === 1) return { image: found[0] };
  return { error: found.length === 0 ? 'not-found' : 'ambiguous', matches: found };
}

/** The encoded part of an image name (`sha256:<hex>` → `<hex>`). */
function hexOf(imageName: string): string {
  return imageName.slice(imageName.indexOf(':') + 1);
}
