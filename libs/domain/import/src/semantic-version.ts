/**
 * A strict Semantic Versioning 2.0.0 version, as the tag ordering reads it. Numbers are bigints
 * because tags such as `20240101120000.0.0` are common and would lose precision as doubles.
 */
export interface SemanticVersion {
  major: bigint;
  minor: bigint;
  patch: bigint;
  /** Dot-separated pre-release identifiers (`rc.1` → `['rc', '1']`); empty for a release. */
  prerelease: string[];
}

const NUMBER = '0|[1-9]\\d*';
const PRERELEASE_IDENTIFIER = `(?:${NUMBER}|\\d*[A-Za-z-][0-9A-Za-z-]*)`;
const BUILD_IDENTIFIER = '[0-9A-Za-z-]+';
const SEMVER_PATTERN = new RegExp(
  `^(${NUMBER})\\.(${NUMBER})\\.(${NUMBER})` +
    `(?:-(${PRERELEASE_IDENTIFIER}(?:\\.${PRERELEASE_IDENTIFIER})*))?` +
    `(?:\\+${BUILD_IDENTIFIER}(?:\\.${BUILD_IDENTIFIER})*)?$`,
);

// OpenShift parses versions into 64-bit unsigned integers; a larger number is not a version there,
// and the tag ordering must agree with it on which tags are versions.
const MAX_UINT64 = 2n ** 64n - 1n;
const NUMERIC = /^\d+$/;

/** Parses `1.2.3`, `1.2.3-rc.1`, `1.2.3+build`; no `v` prefix, no leading zeros. */
export function parseSemanticVersion(text: string): SemanticVersion | undefined {
  const match = SEMVER_PATTERN.exec(text);
  if (!match) return undefined;
  const [major, minor, patch] = [match[1], match[2], match[3]].map((part) => BigInt(part));
  const prerelease = match[4] === undefined ? [] : match[4].split('.');
  const numbers = [major, minor, patch, ...prerelease.filter((id) => NUMERIC.test(id)).map((id) => BigInt(id))];
  if (numbers.some((value) => value > MAX_UINT64)) return undefined;
  return { major, minor, patch, prerelease };
}

/** Semantic Versioning precedence: negative when `a` is older, build metadata ignored. */
export function compareSemanticVersions(a: SemanticVersion, b: SemanticVersion): number {
  return (
    compareBigints(a.major, b.major) ||
    compareBigints(a.minor, b.minor) ||
    compareBigints(a.patch, b.patch) ||
    comparePrereleases(a.prerelease, b.prerelease)
  );
}

function comparePrereleases(a: string[], b: string[]): number {
  // A release outranks any of its pre-releases.
  if (a.length === 0 || b.length === 0) return b.length - a.length;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const order = compareIdentifiers(a[i], b[i]);
    if (order !== 0) return order;
  }
  return a.length - b.length;
}

function compareIdentifiers(a: string, b: string): number {
  const aNumeric = NUMERIC.test(a);
  const bNumeric = NUMERIC.test(b);
  if (aNumeric && bNumeric) return compareBigints(BigInt(a), BigInt(b));
  // Numeric identifiers rank below alphanumeric ones (`1.0.0-1` < `1.0.0-alpha`).
  if (aNumeric !== bNumeric) return aNumeric ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareBigints(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
