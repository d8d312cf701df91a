import { isValidDigest, parseDigest } from './digest';
import { InvalidReferenceError } from './invalid-reference-error';

const hex = (length: number) => '0123456789abcdef'.repeat(8).slice(0, length);

describe('parseDigest', () => {
  it.each([
    ['sha256', 64],
    ['sha384', 96],
    ['sha512', 128],
  ])('accepts %s with %i lowercase hex characters', (algorithm, length) => {
    const value = `${algorithm}:${hex(length)}`;
    expect(parseDigest(value)).toEqual({ algorithm, hex: hex(length), value });
  });

  it.each([
    ['too short', 'sha256:abc', 'DIGEST_INVALID_LENGTH'],
    ['one short', `sha256:${hex(63)}`, 'DIGEST_INVALID_LENGTH'],
    ['one long', `sha256:${hex(64)}0`, 'DIGEST_INVALID_LENGTH'],
    ['sha512 with sha256 length', `sha512:${hex(64)}`, 'DIGEST_INVALID_LENGTH'],
    ['unknown algorithm', `md5:${hex(32)}`, 'DIGEST_UNSUPPORTED_ALGORITHM'],
    ['algorithm in uppercase', `SHA256:${hex(64)}`, 'DIGEST_UNSUPPORTED_ALGORITHM'],
    ['uppercase hex', `sha256:${hex(64).toUpperCase()}`, 'INVALID_FORMAT'],
    ['non-hex character', `sha256:${hex(63)}z`, 'INVALID_FORMAT'],
    ['no algorithm', hex(64), 'INVALID_FORMAT'],
    ['empty', '', 'INVALID_FORMAT'],
    ['prototype key as algorithm', `constructor:${hex(64)}`, 'DIGEST_UNSUPPORTED_ALGORITHM'],
    ['whole reference instead of a digest', `app@sha256:${hex(64)}`, 'INVALID_FORMAT'],
  ])('rejects %s', (_label, value, code) => {
    expect(() => parseDigest(value)).toThrow(InvalidReferenceError);
    expect(() => parseDigest(value)).toThrow(expect.objectContaining({ code, input: value }));
  });
});

describe('isValidDigest', () => {
  it.each<[unknown, boolean]>([
    [`sha256:${hex(64)}`, true],
    [`sha512:${hex(128)}`, true],
    [`sha256:${hex(64).toUpperCase()}`, false],
    [`sha256:${hex(40)}`, false],
    [`sha1:${hex(40)}`, false],
    [undefined, false],
    [42, false],
  ])('%j → %s', (value, expected) => {
    expect(isValidDigest(value)).toBe(expected);
  });
});
