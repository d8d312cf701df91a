import { AuthChallenge, bearerChallenge, parseWwwAuthenticate } from './www-authenticate';

describe('parseWwwAuthenticate', () => {
  it.each<[label: string, header: string, expected: AuthChallenge[]]>([
    [
      'a Docker Hub bearer challenge',
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      [
        {
          scheme: 'bearer',
          params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull' },
        },
      ],
    ],
    [
      'a comma inside a quoted value',
      'Bearer realm="https://r.example/token",scope="repository:a/b:pull,push"',
      [{ scheme: 'bearer', params: { realm: 'https://r.example/token', scope: 'repository:a/b:pull,push' } }],
    ],
    [
      'escaped quotes and backslashes inside a quoted value',
      'Basic realm="say \\"hi\\", then \\\\ leave"',
      [{ scheme: 'basic', params: { realm: 'say "hi", then \\ leave' } }],
    ],
    [
      'two challenges in one header',
      'Basic realm="registry", Bearer realm="https://r.example/token",service="r.example"',
      [
        { scheme: 'basic', params: { realm: 'registry' } },
        { scheme: 'bearer', params: { realm: 'https://r.example/token', service: 'r.example' } },
      ],
    ],
    [
      'schemes without parameters',
      'Negotiate, NTLM, Basic realm="x"',
      [
        { scheme: 'negotiate', params: {} },
        { scheme: 'ntlm', params: {} },
        { scheme: 'basic', params: { realm: 'x' } },
      ],
    ],
    [
      'a token68 credential',
      'Negotiate YIIB9wYGKwYBBQUCoII==, Basic realm="x"',
      [
        { scheme: 'negotiate', params: {}, token68: 'YIIB9wYGKwYBBQUCoII==' },
        { scheme: 'basic', params: { realm: 'x' } },
      ],
    ],
    [
      'mixed case scheme and parameter names',
      'BEARER Realm="https://r.example/token", SERVICE="R.example"',
      [{ scheme: 'bearer', params: { realm: 'https://r.example/token', service: 'R.example' } }],
    ],
    [
      'spaces around "=" and commas, and empty list elements',
      ' ,Bearer  realm = "a" ,  , service=b ,',
      [{ scheme: 'bearer', params: { realm: 'a', service: 'b' } }],
    ],
    [
      'unquoted values, including a URL',
      'Bearer realm=https://r.example/token,service=r.example',
      [{ scheme: 'bearer', params: { realm: 'https://r.example/token', service: 'r.example' } }],
    ],
    [
      'a missing comma between parameters',
      'Bearer realm="a" service="b"',
      [{ scheme: 'bearer', params: { realm: 'a', service: 'b' } }],
    ],
    ['an empty quoted value', 'Bearer realm="",service="s"', [{ scheme: 'bearer', params: { realm: '', service: 's' } }]],
    ['a repeated parameter keeps the first', 'Bearer realm="a",realm="b"', [{ scheme: 'bearer', params: { realm: 'a' } }]],
    ['an unterminated quoted string', 'Bearer realm="https://r.example', [{ scheme: 'bearer', params: { realm: 'https://r.example' } }]],
    ['junk before a valid challenge', '@@@, Basic realm="x"', [{ scheme: 'basic', params: { realm: 'x' } }]],
    ['an empty header', '', []],
    ['only separators', ' , ,', []],
  ])('%s', (_label, header, expected) => {
    expect(parseWwwAuthenticate(header)).toEqual(expected);
  });

  it.each<[label: string, value: unknown]>([
    ['undefined', undefined],
    ['a number', 401],
    ['null', null],
  ])('returns no challenges for %s', (_label, value) => {
    expect(parseWwwAuthenticate(value as string)).toEqual([]);
  });

  it('keeps parameter names that collide with Object.prototype as plain keys', () => {
    const [challenge] = parseWwwAuthenticate('Bearer __proto__="x",constructor="y",realm="https://t"');
    expect(Object.entries(challenge.params)).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'y'],
      ['realm', 'https://t'],
    ]);
  });

  it('parses a long header in linear time', () => {
    const header = `Bearer ${Array.from({ length: 20_000 }, (_, i) => `p${i}="v,${i}"`).join(',')}`;
    const [challenge] = parseWwwAuthenticate(header);
    expect(Object.keys(challenge.params)).toHaveLength(20_000);
    expect(challenge.params['p19999']).toBe('v,19999');
  });
});

describe('bearerChallenge', () => {
  it.each<[label: string, header: string, expected: ReturnType<typeof bearerChallenge>]>([
    [
      'realm, service and scope',
      'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:o/i:pull"',
      { realm: 'https://ghcr.io/token', service: 'ghcr.io', scope: 'repository:o/i:pull' },
    ],
    ['realm only', 'Bearer realm="https://r.example/token"', { realm: 'https://r.example/token' }],
    ['after a Basic challenge', 'Basic realm="b", Bearer realm="https://t"', { realm: 'https://t' }],
    ['empty service and scope are left out', 'Bearer realm="https://t",service="",scope=""', { realm: 'https://t' }],
    ['skips a Bearer challenge without a realm', 'Bearer service="s", Bearer realm="https://t"', { realm: 'https://t' }],
    ['Basic only', 'Basic realm="registry"', undefined],
    ['Bearer with an empty realm', 'Bearer realm=""', undefined],
    ['no challenge', '', undefined],
  ])('%s', (_label, header, expected) => {
    expect(bearerChallenge(parseWwwAuthenticate(header))).toEqual(expected);
  });
});
