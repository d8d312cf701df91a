import { InvalidReferenceCode, InvalidReferenceError } from './invalid-reference-error';
import { parseReference, tryParseReference } from './parse';
import { formatReference } from './format-reference';
import { ParsedReference } from './reference';

const HEX_64 = '0123456789abcdef'.repeat(4);
const SHA256 = `sha256:${HEX_64}`;
const SHA384 = `sha384:${'0123456789abcdef'.repeat(6)}`;
const SHA512 = `sha512:${'0123456789abcdef'.repeat(8)}`;
/** A valid path of exactly `length` characters: `aaaa…/aaaa…` components of at most 200. */
const pathOfLength = (length: number) =>
  length <= 200 ? 'a'.repeat(length) : `${'a'.repeat(200)}/${'b'.repeat(length - 201)}`;

interface ValidCase {
  case: string;
  input: string;
  expected: ParsedReference;
}

const validCases: ValidCase[] = [
  { case: 'single component', input: 'nginx', expected: { repository: 'nginx', name: 'nginx' } },
  { case: 'single character', input: 'a', expected: { repository: 'a', name: 'a' } },
  { case: 'digits only', input: '0/1', expected: { repository: '0/1', name: '0/1' } },
  { case: 'tag', input: 'nginx:1.25', expected: { repository: 'nginx', name: 'nginx', tag: '1.25' } },
  { case: 'one-character tag', input: 'nginx:1', expected: { repository: 'nginx', name: 'nginx', tag: '1' } },
  {
    case: 'Docker Hub namespace is a path, not a registry',
    input: 'library/nginx',
    expected: { repository: 'library/nginx', name: 'library/nginx' },
  },
  {
    case: 'explicit docker.io is kept as written',
    input: 'docker.io/library/nginx:latest',
    expected: { registry: 'docker.io', repository: 'library/nginx', name: 'docker.io/library/nginx', tag: 'latest' },
  },
  {
    case: 'registry with a dot',
    input: 'quay.io/openshift/origin-cli:4.15',
    expected: { registry: 'quay.io', repository: 'openshift/origin-cli', name: 'quay.io/openshift/origin-cli', tag: '4.15' },
  },
  {
    case: 'localhost is a registry',
    input: 'localhost/app',
    expected: { registry: 'localhost', repository: 'app', name: 'localhost/app' },
  },
  {
    case: 'localhost with port and tag',
    input: 'localhost:5000/app:dev',
    expected: { registry: 'localhost:5000', repository: 'app', name: 'localhost:5000/app', tag: 'dev' },
  },
  {
    case: 'host name with port',
    input: 'registry.example.com:8443/team/app',
    expected: { registry: 'registry.example.com:8443', repository: 'team/app', name: 'registry.example.com:8443/team/app' },
  },
  {
    case: 'port without dot makes a registry',
    input: 'my-registry:5000/ns/app',
    expected: { registry: 'my-registry:5000', repository: 'ns/app', name: 'my-registry:5000/ns/app' },
  },
  {
    case: 'IPv4 host with port',
    input: '10.0.0.1:5000/app:v1',
    expected: { registry: '10.0.0.1:5000', repository: 'app', name: '10.0.0.1:5000/app', tag: 'v1' },
  },
  {
    case: 'IPv4 host without port',
    input: '192.168.1.10/app',
    expected: { registry: '192.168.1.10', repository: 'app', name: '192.168.1.10/app' },
  },
  {
    case: 'host name with dashes',
    input: 'registry-1.docker.io/library/ubuntu',
    expected: { registry: 'registry-1.docker.io', repository: 'library/ubuntu', name: 'registry-1.docker.io/library/ubuntu' },
  },
  {
    case: 'uppercase is allowed in the registry',
    input: 'Example.COM:5000/app',
    expected: { registry: 'Example.COM:5000', repository: 'app', name: 'Example.COM:5000/app' },
  },
  {
    case: 'deep path without registry',
    input: 'a/b/c/d/e',
    expected: { repository: 'a/b/c/d/e', name: 'a/b/c/d/e' },
  },
  {
    case: 'deep path with registry',
    input: 'quay.io/a/b/c/d:tag',
    expected: { registry: 'quay.io', repository: 'a/b/c/d', name: 'quay.io/a/b/c/d', tag: 'tag' },
  },
  { case: 'double underscore separator', input: 'foo__bar', expected: { repository: 'foo__bar', name: 'foo__bar' } },
  { case: 'double dash separator', input: 'foo--bar', expected: { repository: 'foo--bar', name: 'foo--bar' } },
  { case: 'run of dashes', input: 'foo---bar', expected: { repository: 'foo---bar', name: 'foo---bar' } },
  {
    case: 'mixed single separators',
    input: 'ns/foo.bar_baz-qux',
    expected: { repository: 'ns/foo.bar_baz-qux', name: 'ns/foo.bar_baz-qux' },
  },
  {
    case: 'a dotted single component is a repository, not a registry',
    input: 'foo.com',
    expected: { repository: 'foo.com', name: 'foo.com' },
  },
  { case: 'bare localhost is a repository', input: 'localhost', expected: { repository: 'localhost', name: 'localhost' } },
  {
    case: 'bare localhost:5000 is repository + tag (as in Docker)',
    input: 'localhost:5000',
    expected: { repository: 'localhost', name: 'localhost', tag: '5000' },
  },
  { case: 'sha256 digest only', input: `app@${SHA256}`, expected: { repository: 'app', name: 'app', digest: SHA256 } },
  {
    case: 'both tag and digest',
    input: `quay.io/acme/app:v1@${SHA256}`,
    expected: { registry: 'quay.io', repository: 'acme/app', name: 'quay.io/acme/app', tag: 'v1', digest: SHA256 },
  },
  {
    case: 'sha384 digest',
    input: `quay.io/app@${SHA384}`,
    expected: { registry: 'quay.io', repository: 'app', name: 'quay.io/app', digest: SHA384 },
  },
  {
    case: 'sha512 digest',
    input: `quay.io/app@${SHA512}`,
    expected: { registry: 'quay.io', repository: 'app', name: 'quay.io/app', digest: SHA512 },
  },
  {
    case: 'tag with every allowed character class',
    input: 'app:V1_Release.2-rc',
    expected: { repository: 'app', name: 'app', tag: 'V1_Release.2-rc' },
  },
  { case: 'tag starting with underscore', input: 'app:_x', expected: { repository: 'app', name: 'app', tag: '_x' } },
  {
    case: 'tag of 128 characters (the maximum)',
    input: `app:${'t'.repeat(128)}`,
    expected: { repository: 'app', name: 'app', tag: 't'.repeat(128) },
  },
  {
    case: 'name of 255 characters (the maximum)',
    input: `${pathOfLength(255)}:v1`,
    expected: { repository: pathOfLength(255), name: pathOfLength(255), tag: 'v1' },
  },
  {
    case: 'name of 255 characters including the registry',
    input: `quay.io/${pathOfLength(247)}`,
    expected: { registry: 'quay.io', repository: pathOfLength(247), name: `quay.io/${pathOfLength(247)}` },
  },
];

interface InvalidCase {
  case: string;
  input: string;
  code: InvalidReferenceCode;
}

const invalidCases: InvalidCase[] = [
  { case: 'empty string', input: '', code: 'NAME_EMPTY' },
  { case: 'tag only', input: ':latest', code: 'INVALID_FORMAT' },
  { case: 'digest only', input: `@${SHA256}`, code: 'INVALID_FORMAT' },
  { case: 'tag and digest without name', input: `:v1@${SHA256}`, code: 'INVALID_FORMAT' },
  { case: 'uppercase repository', input: 'Nginx', code: 'NAME_CONTAINS_UPPERCASE' },
  { case: 'uppercase path under a registry', input: 'quay.io/Acme/app', code: 'NAME_CONTAINS_UPPERCASE' },
  { case: 'uppercase first component is not a registry', input: 'Foo/bar', code: 'NAME_CONTAINS_UPPERCASE' },
  { case: 'LOCALHOST is not localhost', input: 'LOCALHOST/app', code: 'NAME_CONTAINS_UPPERCASE' },
  { case: 'trailing slash', input: 'app/', code: 'INVALID_FORMAT' },
  { case: 'leading slash', input: '/app', code: 'INVALID_FORMAT' },
  { case: 'empty path component', input: 'a//b', code: 'INVALID_FORMAT' },
  { case: 'trailing dash', input: 'app-', code: 'INVALID_FORMAT' },
  { case: 'trailing dot', input: 'ns/app.', code: 'INVALID_FORMAT' },
  { case: 'trailing underscore', input: 'app_', code: 'INVALID_FORMAT' },
  { case: 'leading separator', input: '-app', code: 'INVALID_FORMAT' },
  { case: 'triple underscore', input: 'a___b', code: 'INVALID_FORMAT' },
  { case: 'mixed separator run', input: 'a._b', code: 'INVALID_FORMAT' },
  { case: 'double dot', input: 'a..b', code: 'INVALID_FORMAT' },
  { case: 'non-numeric port', input: 'quay.io:abc/app', code: 'INVALID_FORMAT' },
  { case: 'empty port', input: 'quay.io:/app', code: 'INVALID_FORMAT' },
  { case: 'registry only, no repository', input: 'quay.io/', code: 'INVALID_FORMAT' },
  { case: 'host starting with a dash', input: '-host.io/app', code: 'INVALID_FORMAT' },
  { case: 'URL scheme', input: 'https://quay.io/app', code: 'INVALID_FORMAT' },
  { case: 'IPv6 literal (outside this grammar)', input: '[::1]:5000/app', code: 'INVALID_FORMAT' },
  { case: 'space inside', input: 'my app', code: 'INVALID_FORMAT' },
  { case: 'leading whitespace', input: ' app', code: 'INVALID_FORMAT' },
  { case: 'name too long (256 characters)', input: pathOfLength(256), code: 'NAME_TOO_LONG' },
  { case: 'name too long with registry', input: `quay.io/${pathOfLength(248)}:v1`, code: 'NAME_TOO_LONG' },
  { case: 'empty tag', input: 'app:', code: 'TAG_INVALID' },
  { case: 'tag starting with a dash', input: 'app:-rc', code: 'TAG_INVALID' },
  { case: 'tag starting with a dot', input: 'app:.hidden', code: 'TAG_INVALID' },
  { case: 'tag of 129 characters', input: `app:${'t'.repeat(129)}`, code: 'TAG_INVALID' },
  { case: 'tag containing a colon', input: 'app:v1:v2', code: 'TAG_INVALID' },
  { case: 'tag with a forbidden character', input: 'app:v1+build', code: 'TAG_INVALID' },
  { case: 'digest too short', input: 'app@sha256:abc123', code: 'DIGEST_INVALID_LENGTH' },
  { case: 'sha256 with 63 hex', input: `app@sha256:${HEX_64.slice(1)}`, code: 'DIGEST_INVALID_LENGTH' },
  { case: 'sha256 with 65 hex', input: `app@${SHA256}0`, code: 'DIGEST_INVALID_LENGTH' },
  { case: 'sha384 with sha256 length', input: `app@sha384:${HEX_64}`, code: 'DIGEST_INVALID_LENGTH' },
  { case: 'empty sha256 hex', input: 'app@sha256:', code: 'DIGEST_INVALID_LENGTH' },
  { case: 'unknown algorithm md5', input: `app@md5:${'a'.repeat(32)}`, code: 'DIGEST_UNSUPPORTED_ALGORITHM' },
  { case: 'unknown algorithm sha1', input: `app@sha1:${'a'.repeat(40)}`, code: 'DIGEST_UNSUPPORTED_ALGORITHM' },
  { case: 'algorithm names are case-sensitive', input: `app@SHA256:${HEX_64}`, code: 'DIGEST_UNSUPPORTED_ALGORITHM' },
  { case: 'compound unknown algorithm', input: `app@multihash+base58:${HEX_64}`, code: 'DIGEST_UNSUPPORTED_ALGORITHM' },
  { case: 'unknown algorithm with short hex', input: 'app@md5:abc', code: 'INVALID_FORMAT' },
  { case: 'uppercase hex', input: `app@sha256:${HEX_64.toUpperCase()}`, code: 'INVALID_FORMAT' },
  { case: 'non-hex character in digest', input: `app@sha256:${HEX_64.slice(1)}g`, code: 'INVALID_FORMAT' },
  { case: 'digest without algorithm', input: `app@${HEX_64}`, code: 'INVALID_FORMAT' },
  { case: 'empty digest', input: 'app@', code: 'INVALID_FORMAT' },
  { case: 'two digests', input: `app@${SHA256}@${SHA256}`, code: 'INVALID_FORMAT' },
];

describe('parseReference', () => {
  describe('valid references', () => {
    it.each(validCases)('$case', ({ input, expected }) => {
      expect(parseReference(input)).toEqual(expected);
    });

    it.each(validCases)('$case: formats back to the input', ({ input }) => {
      expect(formatReference(parseReference(input))).toBe(input);
    });
  });

  describe('invalid references', () => {
    it.each(invalidCases)('$case → $code', ({ input, code }) => {
      const error = catchError(() => parseReference(input));
      expect(error).toBeInstanceOf(InvalidReferenceError);
      expect(error).toMatchObject({ code, input, name: 'InvalidReferenceError' });
    });
  });

  it.each<[InvalidReferenceCode, string, string]>([
    ['INVALID_FORMAT', 'a//b', 'invalid reference format'],
    ['NAME_CONTAINS_UPPERCASE', 'Nginx', 'repository name must be lowercase'],
    ['NAME_EMPTY', '', 'repository name must have at least one component'],
    ['NAME_TOO_LONG', pathOfLength(256), 'repository name must not be more than 255 characters'],
    ['TAG_INVALID', 'app:-x', 'invalid tag format'],
    ['DIGEST_INVALID_LENGTH', 'app@sha256:abc', 'invalid checksum digest length'],
    ['DIGEST_UNSUPPORTED_ALGORITHM', `app@md5:${'a'.repeat(32)}`, 'unsupported digest algorithm'],
    ['INVALID_FORMAT', `app@sha256:${HEX_64.toUpperCase()}`, 'invalid checksum digest format'],
  ])('%s carries the OpenShift message for %j', (code, input, message) => {
    expect(catchError(() => parseReference(input))).toMatchObject({ code, message });
  });

  it('omits absent parts instead of setting them to undefined', () => {
    expect(Object.keys(parseReference('nginx'))).toEqual(['repository', 'name']);
  });

  it('rejects a non-string value from untyped callers without crashing', () => {
    expect(catchError(() => parseReference(42 as unknown as string))).toMatchObject({ code: 'INVALID_FORMAT' });
  });
});

describe('tryParseReference', () => {
  it('returns the parsed value on success', () => {
    expect(tryParseReference('quay.io/acme/app:v1')).toEqual({
      ok: true,
      value: { registry: 'quay.io', repository: 'acme/app', name: 'quay.io/acme/app', tag: 'v1' },
    });
  });

  it('returns the error instead of throwing', () => {
    const result = tryParseReference('Nginx');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error).toBeInstanceOf(InvalidReferenceError);
      expect(result.error.code).toBe('NAME_CONTAINS_UPPERCASE');
    }
  });
});

function catchError(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error to be thrown');
}
