import { parseWwwAuthenticate } from './www-authenticate';

describe('parseWwwAuthenticate', () => {
  it('parses a Docker Hub style bearer challenge', () => {
    expect(
      parseWwwAuthenticate('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"'),
    ).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull' } },
    ]);
  });

  it('parses several challenges, token values, escapes and odd spacing', () => {
    expect(parseWwwAuthenticate('Basic realm="my \\"registry\\"" , Bearer realm=https://t.example/token, error=insufficient_scope')).toEqual([
      { scheme: 'basic', params: { realm: 'my "registry"' } },
      { scheme: 'bearer', params: { realm: 'https://t.example/token', error: 'insufficient_scope' } },
    ]);
  });

  it('merges header lines and lowercases schemes and names', () => {
    expect(parseWwwAuthenticate(['BASIC Realm="a"', 'Negotiate'])).toEqual([
      { scheme: 'basic', params: { realm: 'a' } },
      { scheme: 'negotiate', params: {} },
    ]);
  });

  it('keeps scopes with spaces and skips token68', () => {
    expect(parseWwwAuthenticate('Bearer realm="r",scope="repository:a:pull repository:b:pull"')[0].params['scope']).toBe(
      'repository:a:pull repository:b:pull',
    );
    expect(parseWwwAuthenticate('Custom abc123==, Basic realm="x"')).toEqual([
      { scheme: 'custom', params: {} },
      { scheme: 'basic', params: { realm: 'x' } },
    ]);
  });

  it('survives garbage', () => {
    expect(parseWwwAuthenticate(undefined)).toEqual([]);
    expect(parseWwwAuthenticate('')).toEqual([]);
    expect(parseWwwAuthenticate('"quoted')).toEqual([]);
    expect(parseWwwAuthenticate('Bearer realm="unterminated')).toEqual([{ scheme: 'bearer', params: { realm: 'unterminated' } }]);
  });
});
