import { InvalidReferenceError } from './invalid-reference-error';
import { normalizeReference } from './normalize';
import { NormalizedReference } from './reference';

const SHA256 = `sha256:${'0123456789abcdef'.repeat(4)}`;

interface NormalizeCase {
  case: string;
  input: string;
  expected: NormalizedReference;
}

const cases: NormalizeCase[] = [
  {
    case: 'official image: registry, library/ and latest are added',
    input: 'nginx',
    expected: {
      registry: 'docker.io',
      repository: 'library/nginx',
      name: 'docker.io/library/nginx',
      tag: 'latest',
      canonical: 'docker.io/library/nginx:latest',
    },
  },
  {
    case: 'official image with tag keeps the tag',
    input: 'nginx:1.25',
    expected: {
      registry: 'docker.io',
      repository: 'library/nginx',
      name: 'docker.io/library/nginx',
      tag: '1.25',
      canonical: 'docker.io/library/nginx:1.25',
    },
  },
  {
    case: 'Docker Hub user repository gets no library/',
    input: 'acme/app',
    expected: {
      registry: 'docker.io',
      repository: 'acme/app',
      name: 'docker.io/acme/app',
      tag: 'latest',
      canonical: 'docker.io/acme/app:latest',
    },
  },
  {
    case: 'explicit library/ is not doubled',
    input: 'library/nginx',
    expected: {
      registry: 'docker.io',
      repository: 'library/nginx',
      name: 'docker.io/library/nginx',
      tag: 'latest',
      canonical: 'docker.io/library/nginx:latest',
    },
  },
  {
    case: 'docker.io with a single component gets library/',
    input: 'docker.io/nginx:stable',
    expected: {
      registry: 'docker.io',
      repository: 'library/nginx',
      name: 'docker.io/library/nginx',
      tag: 'stable',
      canonical: 'docker.io/library/nginx:stable',
    },
  },
  {
    case: 'legacy index.docker.io becomes docker.io',
    input: 'index.docker.io/nginx',
    expected: {
      registry: 'docker.io',
      repository: 'library/nginx',
      name: 'docker.io/library/nginx',
      tag: 'latest',
      canonical: 'docker.io/library/nginx:latest',
    },
  },
  {
    case: 'already canonical input is unchanged',
    input: 'docker.io/library/nginx:latest',
    expected: {
      registry: 'docker.io',
      repository: 'library/nginx',
      name: 'docker.io/library/nginx',
      tag: 'latest',
      canonical: 'docker.io/library/nginx:latest',
    },
  },
  {
    case: 'digest only: no latest is invented',
    input: `nginx@${SHA256}`,
    expected: {
      registry: 'docker.io',
      repository: 'library/nginx',
      name: 'docker.io/library/nginx',
      digest: SHA256,
      canonical: `docker.io/library/nginx@${SHA256}`,
    },
  },
  {
    case: 'tag and digest are both kept',
    input: `nginx:1.25@${SHA256}`,
    expected: {
      registry: 'docker.io',
      repository: 'library/nginx',
      name: 'docker.io/library/nginx',
      tag: '1.25',
      digest: SHA256,
      canonical: `docker.io/library/nginx:1.25@${SHA256}`,
    },
  },
  {
    case: 'other registry: single component gets no library/',
    input: 'quay.io/app',
    expected: {
      registry: 'quay.io',
      repository: 'app',
      name: 'quay.io/app',
      tag: 'latest',
      canonical: 'quay.io/app:latest',
    },
  },
  {
    case: 'localhost with port',
    input: 'localhost:5000/team/app:dev',
    expected: {
      registry: 'localhost:5000',
      repository: 'team/app',
      name: 'localhost:5000/team/app',
      tag: 'dev',
      canonical: 'localhost:5000/team/app:dev',
    },
  },
  {
    case: 'IPv4 registry',
    input: '10.0.0.1:5000/app',
    expected: {
      registry: '10.0.0.1:5000',
      repository: 'app',
      name: '10.0.0.1:5000/app',
      tag: 'latest',
      canonical: '10.0.0.1:5000/app:latest',
    },
  },
  {
    case: 'deep Docker Hub path',
    input: 'a/b/c',
    expected: {
      registry: 'docker.io',
      repository: 'a/b/c',
      name: 'docker.io/a/b/c',
      tag: 'latest',
      canonical: 'docker.io/a/b/c:latest',
    },
  },
  {
    case: 'dotted single component is an official image, not a registry',
    input: 'foo.com',
    expected: {
      registry: 'docker.io',
      repository: 'library/foo.com',
      name: 'docker.io/library/foo.com',
      tag: 'latest',
      canonical: 'docker.io/library/foo.com:latest',
    },
  },
];

describe('normalizeReference', () => {
  it.each(cases)('$case', ({ input, expected }) => {
    expect(normalizeReference(input)).toEqual(expected);
  });

  it.each(cases)('$case: is idempotent', ({ input }) => {
    const once = normalizeReference(input);
    expect(normalizeReference(once.canonical)).toEqual(once);
  });

  it.each([
    ['Nginx', 'NAME_CONTAINS_UPPERCASE'],
    ['', 'NAME_EMPTY'],
    ['app:-x', 'TAG_INVALID'],
    ['a//b', 'INVALID_FORMAT'],
  ])('rejects %j strictly (%s)', (input, code) => {
    expect(() => normalizeReference(input)).toThrow(InvalidReferenceError);
    expect(() => normalizeReference(input)).toThrow(expect.objectContaining({ code }));
  });

  it('rejects a name that only becomes too long once docker.io/library/ is added', () => {
    const short = 'a'.repeat(240);
    expect(() => normalizeReference(short)).toThrow(expect.objectContaining({ code: 'NAME_TOO_LONG' }));
  });
});
