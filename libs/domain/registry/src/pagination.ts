import { RegistryError } from './oci-error';

/** The largest `n` a client may ask for (distribution's default limit). */
export const MAX_PAGE_SIZE = 1000;

export interface Page {
  items: string[];
  /** The `last` to ask with for the next page; only set when more names remain. */
  next?: string;
}

export interface PageParams {
  n?: number;
  last?: string;
}

/**
 * One page of a tag or repository listing: the names after `last` (exclusive), at most `n` of
 * them (all when `n` is undefined). `sortedNames` must be in ASCII order without duplicates,
 * which is the order the spec requires listings to come in.
 */
export function pageAfter(sortedNames: readonly string[], n: number | undefined, last: string | undefined): Page {
  if (n !== undefined && (!Number.isSafeInteger(n) || n < 0)) throw new RangeError(`page size must be a non-negative integer, got ${n}`);
  const from = last === undefined ? 0 : sortedNames.findIndex((name) => name > last);
  const remaining = from === -1 ? [] : sortedNames.slice(from);
  if (n === undefined || remaining.length <= n) return { items: [...remaining] };
  const items = remaining.slice(0, n);
  // n=0 asks for an empty list with no Link (spec): a next page would start where this one did.
  return n === 0 ? { items } : { items, next: items[n - 1] };
}

// Query parsers give a string, or an array when the parameter is repeated; Go registries read
// the first occurrence, and so does this.
function firstQueryValue(value: unknown): unknown {
  return Array.isArray(value) ? value[0] : value;
}

/** Reads `n` and `last` from a listing's query; empty values count as not given. */
export function parsePageParams(query: { n?: unknown; last?: unknown }, max: number = MAX_PAGE_SIZE): PageParams {
  const params: PageParams = {};

  const n = firstQueryValue(query.n);
  if (n !== undefined && n !== '') {
    if (typeof n !== 'string' || !/^\d+$/.test(n)) throw RegistryError.paginationNumberInvalid(`n must be a non-negative integer, got ${JSON.stringify(n)}`);
    const size = Number(n);
    if (size > max) throw RegistryError.paginationNumberInvalid(`n must be at most ${max}, got ${n}`);
    params.n = size;
  }

  const last = firstQueryValue(query.last);
  if (last !== undefined && last !== '') {
    // Only reachable with nested query syntax (`last[a]=b`); no code fits better than this one.
    if (typeof last !== 'string') throw RegistryError.unsupported('last must be a single string', 400);
    params.last = last;
  }
  return params;
}

/**
 * The `Link` header pointing at the next page, e.g. `</v2/ns/app/tags/list?n=2&last=b>; rel="next"`.
 * `path` is unencoded; each segment and the query values are percent-encoded here.
 */
export function linkHeader(path: string, n: number | undefined, next: string): string {
  const encodedPath = path.split('/').map(encodeURIComponent).join('/');
  const query = [...(n === undefined ? [] : [`n=${n}`]), `last=${encodeURIComponent(next)}`].join('&');
  return `<${encodedPath}?${query}>; rel="next"`;
}
