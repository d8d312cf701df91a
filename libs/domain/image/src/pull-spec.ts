import { tryParseReference } from '@imagestreams/image-reference';
import { TagReferencePolicyType } from './spec-tags';

/**
 * The pull spec to record when a tag copies an event from another stream (§4.2, last step).
 * An image that lives in the SOURCE stream's integrated-registry repository is re-pointed at
 * THIS stream's repository, `<thisRepository>@<image>`, so later pulls are authorised against
 * the stream that holds the tag rather than one the puller may not be allowed to read.
 *
 * Left unchanged: `reference: true` tags (they point at exactly what was written), references
 * elsewhere (another registry or repository), refs that do not parse, and events without an
 * image id (nothing to address by digest). `sourceRepository` and `thisRepository` are
 * `status.dockerImageRepository` values, `<registry>/<namespace>/<name>`; the ref's tag and
 * digest are ignored for the comparison.
 */
export function rewriteForThisStream(
  ref: string,
  sourceRepository: string,
  thisRepository: string,
  image: string,
  reference: boolean,
): string {
  if (reference || image === '' || sourceRepository === '') return ref;
  const parsed = tryParseReference(ref);
  if (!parsed.ok || parsed.value.name !== sourceRepository) return ref;
  return `${thisRepository}@${image}`;
}

/**
 * The pull spec a tag resolves to (§4.6), from its current event (`items[0]`), or `undefined`
 * when the tag has no history yet.
 * - `Source` (also for tags without a spec entry, i.e. `policy` undefined): the event's
 *   `dockerImageReference`, the image's original location.
 * - `Local`: `<dockerImageRepository>@<image>`, pulled through the integrated registry, when
 *   both are known; else the Source value (e.g. a `reference: true` tag has no image id).
 */
export function resolvePullSpec(
  policy: TagReferencePolicyType | undefined,
  current: { dockerImageReference: string; image: string } | undefined,
  dockerImageRepository: string,
): string | undefined {
  if (current === undefined) return undefined;
  if (policy === 'Local' && dockerImageRepository !== '' && current.image !== '') {
    return `${dockerImageRepository}@${current.image}`;
  }
  return current.dockerImageReference;
}
