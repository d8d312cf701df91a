import { isOciTagName } from './tag-name';

describe('isOciTagName', () => {
  it.each<[label: string, value: string]>([
    ['a simple tag', 'latest'],
    ['a version', 'v1.2.3'],
    ['a single character', 'a'],
    ['a single digit', '7'],
    ['a leading underscore', '_private'],
    ['mixed case', 'Release-Candidate_2'],
    ['128 characters', 'a'.repeat(128)],
    ['a referrers fallback tag', `sha256-${'0'.repeat(64)}`],
  ])('accepts %s', (_label, value) => {
    expect(isOciTagName(value)).toBe(true);
  });

  it.each<[label: string, value: unknown]>([
    ['empty string', ''],
    ['129 characters', 'a'.repeat(129)],
    ['a leading dot', '.hidden'],
    ['a leading dash', '-rc'],
    ['a colon', 'v1:2'],
    ['a slash', 'feature/x'],
    ['a digest', `sha256:${'0'.repeat(64)}`],
    ['whitespace', 'v1 '],
    ['a trailing newline', 'v1\n'],
    ['a non-ASCII letter', 'vé'],
    ['a plus sign', '1.0+build'],
    ['not a string', 1],
  ])('rejects %s', (_label, value) => {
    expect(isOciTagName(value)).toBe(false);
  });
});
