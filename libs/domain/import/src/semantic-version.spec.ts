import { compareSemanticVersions, parseSemanticVersion, SemanticVersion } from './semantic-version';

function version(text: string): SemanticVersion {
  const parsed = parseSemanticVersion(text);
  if (!parsed) throw new Error(`test fixture ${text} is not a version`);
  return parsed;
}

describe('parseSemanticVersion', () => {
  it.each<[text: string, expected: ReturnType<typeof parseSemanticVersion>]>([
    ['1.2.3', { major: 1n, minor: 2n, patch: 3n, prerelease: [] }],
    ['0.0.0', { major: 0n, minor: 0n, patch: 0n, prerelease: [] }],
    ['1.2.3-rc.1', { major: 1n, minor: 2n, patch: 3n, prerelease: ['rc', '1'] }],
    ['1.2.3-0a.-x', { major: 1n, minor: 2n, patch: 3n, prerelease: ['0a', '-x'] }],
    ['1.2.3+build.007', { major: 1n, minor: 2n, patch: 3n, prerelease: [] }],
    ['1.2.3-beta+exp.sha.5114f85', { major: 1n, minor: 2n, patch: 3n, prerelease: ['beta'] }],
    ['20240101120000.0.0', { major: 20240101120000n, minor: 0n, patch: 0n, prerelease: [] }],
    ['18446744073709551615.0.0', { major: 18446744073709551615n, minor: 0n, patch: 0n, prerelease: [] }],
  ])('parses %s', (text, expected) => {
    expect(parseSemanticVersion(text)).toEqual(expected);
  });

  it.each<[label: string, text: string]>([
    ['a v prefix', 'v1.2.3'],
    ['two parts', '1.2'],
    ['four parts', '1.2.3.4'],
    ['a leading zero', '01.2.3'],
    ['a leading zero in a numeric pre-release part', '1.2.3-01'],
    ['an empty pre-release part', '1.2.3-rc..1'],
    ['an underscore', '1.2.3-rc_1'],
    ['empty build metadata', '1.2.3+'],
    ['a number beyond 64 bits', '18446744073709551616.0.0'],
    ['a pre-release number beyond 64 bits', '1.0.0-18446744073709551616'],
    ['surrounding space', ' 1.2.3'],
    ['the empty string', ''],
  ])('rejects %s', (_label, text) => {
    expect(parseSemanticVersion(text)).toBeUndefined();
  });
});

describe('compareSemanticVersions', () => {
  // Each entry is older than the next, per the Semantic Versioning 2.0.0 precedence example.
  const ascending = [
    '1.0.0-alpha',
    '1.0.0-alpha.1',
    '1.0.0-alpha.beta',
    '1.0.0-beta',
    '1.0.0-beta.2',
    '1.0.0-beta.11',
    '1.0.0-rc.1',
    '1.0.0',
    '1.0.1',
    '1.2.0',
    '1.10.0',
    '2.0.0',
    '9007199254740993.0.0',
    '9007199254740994.0.0',
  ];

  it.each(ascending.slice(0, -1).map((older, i) => [older, ascending[i + 1]]))('%s < %s', (older, newer) => {
    const a = version(older);
    const b = version(newer);
    expect(compareSemanticVersions(a, b)).toBeLessThan(0);
    expect(compareSemanticVersions(b, a)).toBeGreaterThan(0);
  });

  it.each<[a: string, b: string]>([
    ['1.0.0+a', '1.0.0+b'],
    ['1.0.0-rc.1', '1.0.0-rc.1+build'],
  ])('%s equals %s (build metadata does not count)', (a, b) => {
    expect(compareSemanticVersions(version(a), version(b))).toBe(0);
  });

  it('ranks numeric pre-release identifiers below alphanumeric ones', () => {
    expect(compareSemanticVersions(version('1.0.0-1'), version('1.0.0-a'))).toBeLessThan(0);
  });
});
