import { InvalidReferenceError, parseRetryAfter } from './index';
import { resolveTarget, validateDigest, validateReference } from './names';

describe('targets and references', () => {
  it('maps Docker Hub aliases and adds library/', () => {
    expect(resolveTarget({ registry: 'docker.io', repository: 'nginx', insecure: false })).toMatchObject({
      host: 'registry-1.docker.io',
      repository: 'library/nginx',
      loopback: false,
    });
    expect(resolveTarget({ registry: 'index.docker.io', repository: 'acme/app', insecure: false })).toMatchObject({
      host: 'registry-1.docker.io',
      repository: 'acme/app',
    });
    expect(resolveTarget({ registry: 'quay.io', repository: 'nginx', insecure: false }).repository).toBe('nginx');
  });

  it('recognises loopback registries and keeps ports', () => {
    expect(resolveTarget({ registry: 'localhost:5000', repository: 'a', insecure: true })).toMatchObject({ host: 'localhost:5000', loopback: true, explicitPort: true });
    expect(resolveTarget({ registry: '[::1]:5000', repository: 'a', insecure: true })).toMatchObject({ host: '[::1]:5000', loopback: true });
    expect(resolveTarget({ registry: '127.0.0.1', repository: 'a', insecure: true })).toMatchObject({ loopback: true, explicitPort: false });
    expect(resolveTarget({ registry: 'Registry.Example.COM', repository: 'a', insecure: false }).host).toBe('registry.example.com');
  });

  it.each(['', 'host/path', 'user@host', 'host:0', 'host:99999', 'http://host', '[zz::1]', 'host name', '-bad.example'])('refuses registry %j', (registry) => {
    expect(() => resolveTarget({ registry, repository: 'a', insecure: false })).toThrow(InvalidReferenceError);
  });

  it.each(['', 'UPPER', '../x', 'a//b', 'a/', '/a', 'a..b', 'a%2fb', 'a?b'])('refuses repository %j', (repository) => {
    expect(() => resolveTarget({ registry: 'r.example', repository, insecure: false })).toThrow(InvalidReferenceError);
  });

  it('validates tags and digests', () => {
    expect(validateReference('v1.2_3-rc')).toBe('v1.2_3-rc');
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(validateReference(digest)).toBe(digest);
    expect(validateDigest(`sha512:${'b'.repeat(128)}`)).toBeTruthy();
    for (const bad of ['', '.hidden', 'a/b', 'x'.repeat(129), `sha256:${'A'.repeat(64)}`, 'sha256:abc', `md5:${'a'.repeat(32)}`]) {
      expect(() => validateReference(bad)).toThrow(InvalidReferenceError);
    }
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    expect(parseRetryAfter('1', now)).toBe(1000);
    expect(parseRetryAfter(' 120 ', now)).toBe(120_000);
    expect(parseRetryAfter('Tue, 01 Jan 2030 00:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Mon, 31 Dec 2029 23:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
