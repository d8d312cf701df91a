import { compareSemanticVersions, parseSemanticVersion, SemanticVersion } from './semantic-version';

/** OpenShift's `maxImagesBulkImportedPerRepository` default. */
export const DEFAULT_BULK_IMPORT_LIMIT = 50;
/** The limit value that means "import every tag". */
export const UNLIMITED_BULK_IMPORT = -1;

export interface BulkImportSplit {
  /** The tags to import now, most wanted first. */
  imported: string[];
  /** The rest, reported to the user as `additionalTags`. */
  additional: string[];
}

const LATEST = 'latest';

// Lower ranks sort first.
enum TagRank {
  Latest,
  /** `5.1`, `v5.1`, `5.1-rc1`: a moving tag for a minor release line. */
  MinorVersion,
  /** `5.1.3`, `v5.1.3-x`: a full semantic version. */
  FullVersion,
  Other,
}

interface RankedTag {
  tag: string;
  rank: TagRank;
  version?: SemanticVersion;
  prefix: '' | 'v';
}

const MINOR_VERSION = /^\d+\.\d+$/;
const MINOR_VERSION_WITH_SUFFIX = /^(\d+\.\d+)-\w+$/;

/**
 * Orders a remote repository's tags the way a bulk import picks them: `latest`, then minor
 * version tags newest first, then full versions newest first, then the rest alphabetically.
 * Minor tags come before full versions because they are the ones that move to new patch
 * releases, so they are what people usually want to track. Docker Hub reports some images
 * with an empty tag, which pulls as `latest`, so it is counted as such; duplicates are dropped.
 */
export function orderRepositoryTags(tags: readonly string[]): string[] {
  const unique = new Set(tags.map((tag) => (tag === '' ? LATEST : tag)));
  return [...unique].map(rankTag).sort(compareRankedTags).map((ranked) => ranked.tag);
}

/**
 * Orders the tags and keeps the first `limit` for import; `-1` imports all of them. A limit of
 * 0 imports nothing and reports every tag as additional.
 */
export function splitBulkImport(tags: readonly string[], limit: number = DEFAULT_BULK_IMPORT_LIMIT): BulkImportSplit {
  if (!Number.isInteger(limit) || limit < UNLIMITED_BULK_IMPORT) {
    throw new RangeError(`bulk import limit must be ${UNLIMITED_BULK_IMPORT} (unlimited) or a non-negative integer, got ${limit}`);
  }
  const ordered = orderRepositoryTags(tags);
  if (limit === UNLIMITED_BULK_IMPORT) return { imported: ordered, additional: [] };
  return { imported: ordered.slice(0, limit), additional: ordered.slice(limit) };
}

function rankTag(tag: string): RankedTag {
  if (tag === LATEST) return { tag, rank: TagRank.Latest, prefix: '' };

  const prefix = tag.startsWith('v') ? 'v' : '';
  const bare = tag.slice(prefix.length);

  const full = parseSemanticVersion(bare);
  if (full) return { tag, rank: TagRank.FullVersion, version: full, prefix };

  // A minor tag is ranked as the `.0` release of its line, so `5.1` sorts with 5.1.0.
  const version = MINOR_VERSION.test(bare)
    ? parseSemanticVersion(`${bare}.0`)
    : minorWithSuffixVersion(bare);
  if (version) return { tag, rank: TagRank.MinorVersion, version, prefix };

  return { tag, rank: TagRank.Other, prefix };
}

// `5.1-rc1` reads as `5.1.0-rc1`; suffixes that are not valid pre-release text (`5.1-a_b`) are not versions.
function minorWithSuffixVersion(bare: string): SemanticVersion | undefined {
  const match = MINOR_VERSION_WITH_SUFFIX.exec(bare);
  if (!match) return undefined;
  return parseSemanticVersion(`${match[1]}.0${bare.slice(match[1].length)}`);
}

function compareRankedTags(a: RankedTag, b: RankedTag): number {
  if (a.rank !== b.rank) return a.rank - b.rank;
  if (a.version && b.version) {
    const newestFirst = compareSemanticVersions(b.version, a.version);
    if (newestFirst !== 0) return newestFirst;
    // `5.1` before `v5.1`: the unprefixed spelling is the conventional one.
    if (a.prefix !== b.prefix) return a.prefix === '' ? -1 : 1;
  }
  // Also settles equal versions differing only in build metadata, so the order never depends
  // on the order the registry listed the tags in.
  return a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0;
}
