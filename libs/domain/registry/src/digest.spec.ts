import { digestOf, isDigest, parseDigest } from './digest';

const SHA256_HEX = 'a'.repeat(32) + '0123456789abcdef'.repeat(2);
const SHA512_HEX = '0123456789abcdef'.repeat(8);

describe('parseDigest', () => {
  it.each<[label: string, value: string]>([
    ['sha256', `sha256:${SHA256_HEX}`],
    ['sha512', `sha512:${SHA512_HEX}`],
  ])('splits a %s digest', (_label, value) => {
    const [algorithm, hex] = value.split(':');
    expect(parseDigest(value)).toEqual({ algorithm, hex });
  });

  it.each<[label: string, value: unknown]>([
    ['empty string', ''],
    ['hex without algorithm', SHA256_HEX],
    ['algorithm without hex', 'sha256:'],
    ['sha256 one character short', `sha256:${SHA256_HEX.slice(1)}`],
    ['sha256 one character long', `sha256:${SHA256_HEX}0`],
    ['sha256 with a sha512-length hex', `sha256:${SHA512_HEX}`],
    ['sha512 with a sha256-length hex', `sha512:${SHA256_HEX}`],
    ['uppercase hex', `sha256:${SHA256_HEX.toUpperCase()}`],
    ['uppercase algorithm', `SHA256:${SHA256_HEX}`],
    ['non-hex character', `sha256:${SHA256_HEX.slice(1)}g`],
    ['an unsupported algorithm', `md5:${'0'.repeat(32)}`],
    ['a registered-looking but unsupported algorithm', `sha384:${'0'.repeat(96)}`],
    ['leading whitespace', ` sha256:${SHA256_HEX}`],
    ['trailing newline', `sha256:${SHA256_HEX}\n`],
    ['two colons', `sha256::${SHA256_HEX}`],
    ['path traversal', `sha256:../${SHA256_HEX.slice(3)}`],
    ['a slash', `sha256/${SHA256_HEX}`],
    ['not a string', 42],
    ['undefined', undefined],
  ])('rejects %s', (_label, value) => {
    expect(parseDigest(value)).toBeUndefined();
    expect(isDigest(value)).toBe(false);
  });

  it('accepts what isDigest accepts', () => {
    expect(isDigest(`sha512:${SHA512_HEX}`)).toBe(true);
  });
});

describe('digestOf', () => {
  const hello = new TextEncoder().encode('hello');

  it.each<[label: string, bytes: Uint8Array, algorithm: 'sha256' | 'sha512' | undefined, expected: string]>([
    ['empty input, sha256 by default', new Uint8Array(), undefined, 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['"hello" with sha256', hello, 'sha256', 'sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824'],
    [
      '"hello" with sha512',
      hello,
      'sha512',
      'sha512:9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043',
    ],
  ])('%s', (_label, bytes, algorithm, expected) => {
    expect(digestOf(bytes, algorithm)).toBe(expected);
    expect(isDigest(expected)).toBe(true);
  });
});
