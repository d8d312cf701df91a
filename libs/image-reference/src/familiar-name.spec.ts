import { familiarName, familiarString } from './familiar-name';
import { normalizeReference } from './normalize';
import { parseReference } from './parse';

const SHA256 = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('familiarName', () => {
  it.each([
    ['docker.io/library/nginx:1.25', 'nginx'],
    ['docker.io/library/nginx', 'nginx'],
    ['index.docker.io/library/nginx', 'nginx'],
    ['docker.io/acme/app', 'acme/app'],
    ['docker.io/nginx', 'nginx'],
    ['library/nginx', 'nginx'],
    ['nginx', 'nginx'],
    // Only `library/<one component>` is shortened; `a/b` would normalise to docker.io/a/b.
    ['docker.io/library/a/b', 'library/a/b'],
    // Dropping docker.io here would turn `foo.com` into a registry.
    ['docker.io/foo.com/app', 'docker.io/foo.com/app'],
    ['index.docker.io/localhost/app', 'docker.io/localhost/app'],
    ['quay.io/acme/app:v1', 'quay.io/acme/app'],
    ['localhost:5000/library/app', 'localhost:5000/library/app'],
    [`docker.io/library/nginx@${SHA256}`, 'nginx'],
  ])('%s → %s', (input, expected) => {
    expect(familiarName(input)).toBe(expected);
  });

  it('accepts an already parsed reference', () => {
    expect(familiarName(parseReference('docker.io/library/redis:7'))).toBe('redis');
  });

  it.each(['nginx', 'acme/app', 'library/a/b', 'docker.io/foo.com/app', 'quay.io/x/y', 'foo.com'])(
    'is the reverse of normalizeReference for %s',
    (input) => {
      const normalized = normalizeReference(input);
      expect(normalizeReference(familiarName(normalized)).name).toBe(normalized.name);
    },
  );

  it('throws on an invalid string', () => {
    expect(() => familiarName('Nginx')).toThrow(expect.objectContaining({ code: 'NAME_CONTAINS_UPPERCASE' }));
  });
});

describe('familiarString', () => {
  it.each([
    ['docker.io/library/nginx:1.25', 'nginx:1.25'],
    ['docker.io/library/nginx:latest', 'nginx:latest'],
    [`docker.io/acme/app:v1@${SHA256}`, `acme/app:v1@${SHA256}`],
    [`quay.io/acme/app@${SHA256}`, `quay.io/acme/app@${SHA256}`],
    ['nginx', 'nginx'],
  ])('%s → %s', (input, expected) => {
    expect(familiarString(input)).toBe(expected);
  });
});
