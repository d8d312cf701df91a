import { isAbsent, isJsonObject, readAnnotations, readDescriptor, readOptionalMediaType } from './descriptor';
import { RegistryError } from './oci-error';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const BASE = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: DIGEST, size: 10 };

function reasonOf(read: () => unknown): unknown {
  try {
    read();
  } catch (error) {
    if (error instanceof RegistryError && error.code === 'MANIFEST_INVALID') return error.detail;
    throw error;
  }
  throw new Error('expected MANIFEST_INVALID');
}

describe('isJsonObject / isAbsent', () => {
  it.each<[value: unknown, object: boolean, absent: boolean]>([
    [{}, true, false],
    [{ a: 1 }, true, false],
    [[], false, false],
    [null, false, true],
    [undefined, false, true],
    ['', false, false],
    [0, false, false],
  ])('%j', (value, object, absent) => {
    expect(isJsonObject(value)).toBe(object);
    expect(isAbsent(value)).toBe(absent);
  });
});

describe('readDescriptor', () => {
  it.each<[label: string, value: Record<string, unknown>, withPlatform: boolean, expected: Record<string, unknown>]>([
    ['the three required fields', BASE, false, BASE],
    ['a zero size', { ...BASE, size: 0 }, false, { ...BASE, size: 0 }],
    ['unknown fields dropped', { ...BASE, data: 'e30=', extra: true }, false, BASE],
    ['an empty artifactType dropped', { ...BASE, artifactType: '' }, false, BASE],
    [
      'optional fields kept',
      { ...BASE, artifactType: 'application/vnd.example+json', annotations: { k: 'v' }, urls: ['https://a'] },
      false,
      { ...BASE, artifactType: 'application/vnd.example+json', annotations: { k: 'v' }, urls: ['https://a'] },
    ],
    ['platform ignored unless asked for', { ...BASE, platform: { architecture: 'amd64', os: 'linux' } }, false, BASE],
    [
      'platform read when asked for, extra platform fields dropped',
      { ...BASE, platform: { architecture: 'arm', os: 'linux', variant: 'v7', 'os.version': '1' } },
      true,
      { ...BASE, platform: { architecture: 'arm', os: 'linux', variant: 'v7' } },
    ],
    ['a null platform is absent', { ...BASE, platform: null }, true, BASE],
  ])('keeps %s', (_label, value, withPlatform, expected) => {
    expect(readDescriptor(value, 'd', withPlatform)).toStrictEqual(expected);
  });

  it('returns copies, so later changes to the input do not leak in', () => {
    const annotations = { k: 'v' };
    const read = readDescriptor({ ...BASE, annotations }, 'd');
    annotations.k = 'changed';
    expect(read.annotations).toEqual({ k: 'v' });
  });

  it.each<[label: string, value: unknown, reason: string]>([
    ['an array', [], 'd must be a descriptor object'],
    ['a sha512 digest of the wrong length', { ...BASE, digest: `sha512:${'ab'.repeat(32)}` }, 'd.digest must be a sha256 or sha512 digest'],
    ['NaN size', { ...BASE, size: NaN }, 'd.size must be a non-negative integer'],
    ['urls as a string', { ...BASE, urls: 'https://a' }, 'd.urls must be an array of strings'],
  ])('rejects %s', (_label, value, reason) => {
    expect(reasonOf(() => readDescriptor(value, 'd'))).toBe(reason);
  });
});

describe('readAnnotations', () => {
  it('copies a map of strings', () => {
    expect(readAnnotations({ a: '1', b: '' }, 'x')).toStrictEqual({ a: '1', b: '' });
  });

  it.each<[value: unknown, reason: string]>([
    ['text', 'x must be an object of strings'],
    [{ a: null }, 'x["a"] must be a string'],
    [{ 'needs "quotes"': 1 }, 'x["needs \\"quotes\\""] must be a string'],
  ])('rejects %j', (value, reason) => {
    expect(reasonOf(() => readAnnotations(value, 'x'))).toBe(reason);
  });
});

describe('readOptionalMediaType', () => {
  it.each<[value: unknown, expected: string | undefined]>([
    [undefined, undefined],
    [null, undefined],
    ['', undefined],
    ['application/vnd.example.v1', 'application/vnd.example.v1'],
  ])('%j → %j', (value, expected) => {
    expect(readOptionalMediaType(value, 'artifactType')).toBe(expected);
  });

  it.each<[value: unknown]>([['sbom'], [1], [{}]])('rejects %j', (value) => {
    expect(reasonOf(() => readOptionalMediaType(value, 'artifactType'))).toBe('artifactType must be a media type');
  });
});
