import picomatch from 'picomatch';
import isSafeRegex from 'safe-regex2';
import { parse as parseSemver, satisfies, validRange } from 'semver';

/** The optional `spec.filter` of a WebhookSubscription; every present field must match. */
export interface SubscriptionFilter {
  /** Globs on the image stream name; any one matching is enough. */
  imageStreams?: string[];
  /** Globs on the tag name; any one matching is enough. */
  tags?: string[];
  /** A semver range the tag name (optionally `v`-prefixed) must satisfy. */
  tagSemver?: string;
  /** A regular expression the whole tag name must match (anchored: `v\\d+` does not match `v1-rc`). */
  tagRegex?: string;
}

/** What a subscription can be matched on, taken from an event envelope and its data. */
export interface EventFacts {
  /** Full CloudEvents type, e.g. `io.imagestreams.tag.changed.v1`. */
  type: string;
  namespace: string;
  imageStream?: string;
  tag?: string;
}

export interface SubscriptionMatchInput {
  namespace: string;
  /** Short event types (`tag.changed`); omitted or empty means every type. */
  events?: string[];
  filter?: SubscriptionFilter;
}

const EVENT_TYPE_PREFIX = 'io.imagestreams.';
const EVENT_TYPE_VERSION_SUFFIX = /\.v\d+$/;

/**
 * `io.imagestreams.tag.changed.v1` → `tag.changed`. Subscribers name event types without
 * prefix and version so a v2 of an event keeps reaching them; foreign types pass through
 * with only the parts that are present removed.
 */
export function shortEventType(type: string): string {
  const withoutPrefix = type.startsWith(EVENT_TYPE_PREFIX) ? type.slice(EVENT_TYPE_PREFIX.length) : type;
  return withoutPrefix.replace(EVENT_TYPE_VERSION_SUFFIX, '');
}

export function matchesSubscription(sub: SubscriptionMatchInput, event: EventFacts): boolean {
  if (sub.namespace !== event.namespace) return false;
  if (!matchesEventTypes(sub.events, event.type)) return false;

  const filter = sub.filter;
  if (!filter) return true;
  if (!matchesGlobList(filter.imageStreams, event.imageStream)) return false;
  if (!matchesGlobList(filter.tags, event.tag)) return false;
  if (filter.tagSemver !== undefined && !tagSatisfiesRange(event.tag, filter.tagSemver)) return false;
  if (filter.tagRegex !== undefined && (event.tag === undefined || !regexOrNever(filter.tagRegex)(event.tag))) return false;
  return true;
}

/**
 * Problems with a filter as human-readable messages (empty = valid). Runs on API input before
 * it is stored, so it also guards against shapes the TypeScript type cannot rule out.
 */
export function validateSubscriptionFilter(filter: SubscriptionFilter | undefined): string[] {
  if (filter === undefined || filter === null) return [];
  const problems: string[] = [];
  problems.push(...validateGlobList('imageStreams', filter.imageStreams));
  problems.push(...validateGlobList('tags', filter.tags));

  const range: unknown = filter.tagSemver;
  if (range !== undefined) {
    if (typeof range !== 'string' || range.trim() === '') {
      // semver reads '' as '*', which would silently turn a typo into "match every version".
      problems.push('filter.tagSemver: must be a non-empty semver range (omit it to match any tag)');
    } else if (validRange(range) === null) {
      problems.push(`filter.tagSemver: "${range}" is not a valid semver range`);
    }
  }
  const regex: unknown = filter.tagRegex;
  if (regex !== undefined) {
    if (typeof regex !== 'string' || regex === '') problems.push('filter.tagRegex: must be a non-empty regular expression (omit it to match any tag)');
    else if (regex.length > MAX_REGEX_LENGTH) problems.push(`filter.tagRegex: at most ${MAX_REGEX_LENGTH} characters`);
    else {
      try {
        new RegExp(regex, 'u');
        // Every event is matched against every subscription: a catastrophically backtracking
        // pattern would stall delivery for everyone, so nested quantifiers are refused up front.
        if (!isSafeRegex(regex)) problems.push(`filter.tagRegex: "${regex}" could take exponential time (nested quantifiers); simplify it`);
      } catch (error) {
        problems.push(`filter.tagRegex: invalid regular expression: ${(error as Error).message}`);
      }
    }
  }
  return problems;
}

const MAX_REGEX_LENGTH = 256;

function matchesEventTypes(events: string[] | undefined, type: string): boolean {
  if (!events || events.length === 0) return true;
  return events.includes(shortEventType(type));
}

// An empty list is read like an omitted one, the same as `events`, so clearing a list in a
// YAML edit never turns a subscription silent.
function matchesGlobList(globs: string[] | undefined, value: string | undefined): boolean {
  if (!globs || globs.length === 0) return true;
  if (value === undefined || value === '') return false;
  return globs.some((glob) => matcherOrNever(glob)(value));
}

function validateGlobList(field: 'imageStreams' | 'tags', globs: unknown): string[] {
  if (globs === undefined) return [];
  if (!Array.isArray(globs)) return [`filter.${field}: must be a list of glob strings`];
  const problems: string[] = [];
  globs.forEach((glob: unknown, index) => {
    if (typeof glob !== 'string') {
      problems.push(`filter.${field}[${index}]: must be a string`);
    } else if (glob.trim() === '') {
      problems.push(`filter.${field}[${index}]: glob must not be empty`);
    } else {
      try {
        compileGlob(glob);
      } catch (error) {
        problems.push(`filter.${field}[${index}]: invalid glob "${glob}": ${(error as Error).message}`);
      }
    }
  });
  return problems;
}

/**
 * Strict semver (no coercion, so `1.2` or `latest` never match) with one leading `v`
 * tolerated because that is how most image tags spell versions. Prereleases follow npm
 * rules: `1.3.0-rc.1` only satisfies ranges that mention a 1.3.0 prerelease.
 */
function tagSatisfiesRange(tag: string | undefined, range: string): boolean {
  if (tag === undefined) return false;
  const bare = tag.startsWith('v') ? tag.slice(1) : tag;
  // semver.parse trims whitespace and accepts '=' prefixes; tags must be the version exactly.
  if (!/^\d/.test(bare) || bare.trim() !== bare) return false;
  const version = parseSemver(bare);
  if (version === null) return false;
  // satisfies() returns false for an invalid range, so an unvalidated range fails closed.
  return satisfies(version, range);
}

type GlobMatcher = (value: string) => boolean;

const neverMatches: GlobMatcher = () => false;

// A stored glob that slipped past validation must not make dispatch throw for every event;
// it simply matches nothing (fail closed).
function matcherOrNever(glob: string): GlobMatcher {
  try {
    return compileGlob(glob);
  } catch {
    return neverMatches;
  }
}

// The dispatcher matches every event against every subscription in a namespace; compiling a
// glob costs far more than running it, so compiled matchers are kept. The bound keeps
// user-supplied globs from growing the cache forever; resetting is simpler than LRU and the
// working set (globs of live subscriptions) refills quickly.
const GLOB_CACHE_LIMIT = 1000;
const globCache = new Map<string, GlobMatcher>();

function compileGlob(glob: string): GlobMatcher {
  const cached = globCache.get(glob);
  if (cached) return cached;
  // dot: true so `*` really means "any name"; stream and tag names have no path separators.
  const matcher = picomatch(glob, { dot: true });
  if (globCache.size >= GLOB_CACHE_LIMIT) globCache.clear();
  globCache.set(glob, matcher);
  return matcher;
}

const regexCache = new Map<string, GlobMatcher>();

// Like globs: compiled once, fail closed if a stored pattern no longer compiles.
function regexOrNever(pattern: string): GlobMatcher {
  const cached = regexCache.get(pattern);
  if (cached) return cached;
  let matcher: GlobMatcher;
  try {
    const regex = new RegExp(`^(?:${pattern})$`, 'u');
    matcher = (value) => regex.test(value);
  } catch {
    matcher = neverMatches;
  }
  if (regexCache.size >= GLOB_CACHE_LIMIT) regexCache.clear();
  regexCache.set(pattern, matcher);
  return matcher;
}
