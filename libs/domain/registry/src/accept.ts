import type { Descriptor } from './descriptor';
import { isIndexMediaType } from './media-types';

/** What a manifest GET answers: the stored manifest, one child of a stored index, or 406-ish nothing. */
export type ManifestRepresentation = { serve: 'stored' } | { serve: 'child'; digest: string } | { serve: 'none' };

/** What negotiation needs to know about a stored manifest; `manifests` are an index's children. */
export interface StoredManifestSummary {
  mediaType: string;
  manifests?: readonly Pick<Descriptor, 'mediaType' | 'digest' | 'platform'>[];
}

interface MediaRange {
  type: string;
  subtype: string;
  acceptable: boolean;
}

// q=0 is the only weight that matters here: it removes a type, any other weight keeps it.
const ZERO_QUALITY = /^q\s*=\s*0(\.0{0,3})?$/i;

function parseMediaRange(entry: string): MediaRange | undefined {
  const [range, ...parameters] = entry.split(';').map((part) => part.trim());
  // Old Java clients send a bare `*` for `*/*`.
  const [type, subtype, extra] = (range === '*' ? '*/*' : range.toLowerCase()).split('/');
  if (!type || !subtype || extra !== undefined) return undefined;
  return { type, subtype, acceptable: !parameters.some((parameter) => ZERO_QUALITY.test(parameter)) };
}

/** Media ranges of all Accept headers; repeated headers are one list, as HTTP defines them. */
function parseAccept(accept: string | readonly string[]): MediaRange[] {
  const joined = typeof accept === 'string' ? accept : accept.join(',');
  return joined.split(',').flatMap((entry) => parseMediaRange(entry) ?? []);
}

/** How closely a range names a type: 2 exactly, 1 as `type/*`, 0 as the full wildcard, -1 not at all. */
function specificity(range: MediaRange, type: string, subtype: string): number {
  if (range.type === '*') return range.subtype === '*' ? 0 : -1;
  if (range.type !== type) return -1;
  if (range.subtype === subtype) return 2;
  return range.subtype === '*' ? 1 : -1;
}

// HTTP's rule: the most specific matching range decides, so `*/*` together with
// `<type>;q=0` accepts everything except that one type.
function accepts(ranges: readonly MediaRange[], mediaType: string): boolean {
  const [type, subtype] = mediaType.toLowerCase().split('/');
  let best = -1;
  let acceptable = false;
  for (const range of ranges) {
    const score = specificity(range, type, subtype);
    if (score < 0 || score < best) continue;
    // Contradictory ranges of equal specificity: any that allows the type wins.
    acceptable = score > best ? range.acceptable : acceptable || range.acceptable;
    best = score;
  }
  return acceptable;
}

/**
 * Picks what to send for a manifest GET/HEAD. The stored manifest is sent whenever the client
 * takes its type (no Accept at all means anything). Formats are never converted, with one
 * exception Docker clients rely on: a client that cannot read a manifest list gets its
 * linux/amd64 image instead, if the client accepts that image's type.
 */
export function chooseManifestRepresentation(
  accept: string | readonly string[] | undefined,
  stored: StoredManifestSummary,
): ManifestRepresentation {
  const ranges = accept === undefined ? [] : parseAccept(accept);
  if (ranges.length === 0 || accepts(ranges, stored.mediaType)) return { serve: 'stored' };
  if (isIndexMediaType(stored.mediaType)) {
    const child = stored.manifests?.find(
      (entry) => entry.platform?.os === 'linux' && entry.platform.architecture === 'amd64' && accepts(ranges, entry.mediaType),
    );
    if (child) return { serve: 'child', digest: child.digest };
  }
  return { serve: 'none' };
}
