import { findImageByPrefix, ImageLookupResult } from './image-lookup';

const image = (hex: string, algorithm = 'sha256') => `${algorithm}:${hex.padEnd(64, '0')}`;

// Two images sharing their first 8 hex characters, one unrelated, one sha512.
const ALPHA = image('abcdef12aa');
const BETA = image('abcdef12bb');
const GAMMA = image('1234567');
const DELTA = `sha512:${'fedcba98'.repeat(16)}`;
// The layers view lists an image once per history entry that holds it.
const CANDIDATES = [BETA, ALPHA, GAMMA, ALPHA, DELTA, GAMMA, GAMMA];

describe('findImageByPrefix', () => {
  it.each<[label: string, id: string, expected: ImageLookupResult]>([
    // Accepted forms
    ['full image name', ALPHA, { image: ALPHA }],
    ['full hex without algorithm', ALPHA.slice('sha256:'.length), { image: ALPHA }],
    ['sha256: and a 7-character prefix', 'sha256:1234567', { image: GAMMA }],
    ['bare 7-character prefix', '1234567', { image: GAMMA }],
    ['an image listed several times is one match', '12345670', { image: GAMMA }],
    ['a longer prefix that tells the two apart', 'abcdef12a', { image: ALPHA }],
    ['sha512 image by its own algorithm', 'sha512:fedcba9', { image: DELTA }],
    ['sha512 image by bare hex', 'fedcba98fedc', { image: DELTA }],
    // Too short or not an id at all
    ['6 hex characters', 'abcdef', { error: 'too-short', matches: [] }],
    ['sha256: and 6 hex characters', 'sha256:abcdef', { error: 'too-short', matches: [] }],
    ['empty id', '', { error: 'too-short', matches: [] }],
    // OpenShift lets these match every image.
    ['"sha" alone', 'sha', { error: 'too-short', matches: [] }],
    ['"sha256:" alone', 'sha256:', { error: 'too-short', matches: [] }],
    ['uppercase hex', 'ABCDEF12', { error: 'too-short', matches: [] }],
    ['uppercase hex after sha256:', 'sha256:ABCDEF12', { error: 'too-short', matches: [] }],
    ['non-hex characters', 'abcdefg1', { error: 'too-short', matches: [] }],
    ['an unsupported algorithm', 'md5:abcdef12', { error: 'too-short', matches: [] }],
    ['a tag instead of an id', 'latest', { error: 'too-short', matches: [] }],
    // No match
    ['no image with the prefix', '9999999', { error: 'not-found', matches: [] }],
    ['right hex, other algorithm', 'sha512:abcdef12', { error: 'not-found', matches: [] }],
    ['longer than any image name', `${ALPHA}0`, { error: 'not-found', matches: [] }],
    ['the prefix must start at the beginning of the hex', 'bcdef12aa', { error: 'not-found', matches: [] }],
    // Ambiguous
    ['two distinct images share the prefix', 'abcdef1', { error: 'ambiguous', matches: [ALPHA, BETA] }],
    [
      'ambiguous with sha256: too, matches sorted and distinct',
      'sha256:abcdef12',
      { error: 'ambiguous', matches: [ALPHA, BETA] },
    ],
  ])('%s', (_label, id, expected) => {
    expect(findImageByPrefix(CANDIDATES, id)).toEqual(expected);
  });

  it('finds nothing in an empty stream', () => {
    expect(findImageByPrefix([], ALPHA)).toEqual({ error: 'not-found', matches: [] });
  });

  it('does not reorder its input', () => {
    const candidates = Object.freeze([...CANDIDATES]);
    findImageByPrefix(candidates, 'abcdef1');
    expect(candidates).toEqual(CANDIDATES);
  });
});
