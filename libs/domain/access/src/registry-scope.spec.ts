import { formatScope, isRegistryAction, MAX_SCOPES, parseScopes, registryActionAttributes, splitRepositoryName, type Scope } from './registry-scope';

describe('parseScopes', () => {
  it.each<[raw: string | string[] | undefined, expected: Scope[]]>([
    [undefined, []],
    ['', []],
    [[], []],
    ['repository:team-a/app:pull', [{ type: 'repository', name: 'team-a/app', actions: ['pull'] }]],
    ['repository:team-a/app:pull,push', [{ type: 'repository', name: 'team-a/app', actions: ['pull', 'push'] }]],
    ['repository:team-a/app:push,pull,delete', [{ type: 'repository', name: 'team-a/app', actions: ['push', 'pull', 'delete'] }]],
    ['repository:team-a/app:*', [{ type: 'repository', name: 'team-a/app', actions: ['*'] }]],
    [
      'repository:a/x:pull repository:b/y:push',
      [
        { type: 'repository', name: 'a/x', actions: ['pull'] },
        { type: 'repository', name: 'b/y', actions: ['push'] },
      ],
    ],
    [
      ['repository:a/x:pull', 'repository:b/y:pull,push'],
      [
        { type: 'repository', name: 'a/x', actions: ['pull'] },
        { type: 'repository', name: 'b/y', actions: ['pull', 'push'] },
      ],
    ],
    // the same repository twice (docker asks so for a mount) is one scope with both actions
    [['repository:a/x:pull', 'repository:a/x:push,pull'], [{ type: 'repository', name: 'a/x', actions: ['pull', 'push'] }]],
    ['repository:a/x:pull,pull', [{ type: 'repository', name: 'a/x', actions: ['pull'] }]],
    ['  repository:a/x:pull   ', [{ type: 'repository', name: 'a/x', actions: ['pull'] }]],
    // names distribution allows, even though only <namespace>/<stream> names an image stream
    ['repository:library:pull', [{ type: 'repository', name: 'library', actions: ['pull'] }]],
    ['repository:a/b/c:pull', [{ type: 'repository', name: 'a/b/c', actions: ['pull'] }]],
    ['repository:a/my_app.v2__x--y:pull', [{ type: 'repository', name: 'a/my_app.v2__x--y', actions: ['pull'] }]],
    // a resource class is allowed and dropped
    ['repository(plugin):a/x:pull', [{ type: 'repository', name: 'a/x', actions: ['pull'] }]],
    ['registry:catalog:*', [{ type: 'registry', name: 'catalog', actions: ['*'] }]],
    // types we do not serve are skipped, not errors
    ['registry:other:*', []],
    ['plugin:x:y', []],
    ['repository:a/x:pull plugin:x:y', [{ type: 'repository', name: 'a/x', actions: ['pull'] }]],
  ])('%j', (raw, expected) => {
    expect(parseScopes(raw)).toEqual(expected);
  });

  it.each<[raw: unknown]>([
    ['repository'],
    ['repository:a/x'],
    [':a/x:pull'],
    ['repository::pull'],
    ['repository:a/x:'],
    ['repository:a/x:pull,'],
    ['repository:a/x:,pull'],
    ['repository:a/x:PULL'],
    ['repository:a/x:pu ll'],
    ['repository:a/x:pull;push'],
    ['Repository:a/x:pull'],
    ['repository:A/x:pull'],
    ['repository:a/../x:pull'],
    ['repository:a//x:pull'],
    ['repository:/a/x:pull'],
    ['repository:a/x/:pull'],
    ['repository:a/-x:pull'],
    ['repository:a/x%2Fy:pull'],
    ['repository:registry.example.com:5000/a/x:pull'],
    ['repository:a/x:pull\n'],
    [`repository:a/${'x'.repeat(300)}:pull`],
    [['repository:a/x:pull', 'garbage']],
    [['repository:a/x:pull', 42]],
    [{ scope: 'repository:a/x:pull' }],
  ])('rejects %j', (raw) => {
    const parsed = parseScopes(raw as string);
    expect(parsed).toEqual({ error: expect.any(String) });
  });

  it(`accepts ${MAX_SCOPES} scopes and refuses more`, () => {
    const many = (count: number) => Array.from({ length: count }, (_, index) => `repository:a/s${index}:pull`).join(' ');
    expect(parseScopes(many(MAX_SCOPES))).toHaveLength(MAX_SCOPES);
    expect(parseScopes(many(MAX_SCOPES + 1))).toEqual({ error: expect.stringContaining(`${MAX_SCOPES}`) });
  });

  it('names the malformed scope in its error', () => {
    expect(parseScopes('repository:a/x:pull repository:oops')).toEqual({ error: expect.stringContaining('"repository:oops"') });
  });
});

describe('formatScope', () => {
  it.each<[scope: Scope, formatted: string]>([
    [{ type: 'repository', name: 'a/x', actions: ['pull'] }, 'repository:a/x:pull'],
    [{ type: 'repository', name: 'a/x', actions: ['pull', 'push'] }, 'repository:a/x:pull,push'],
    [{ type: 'registry', name: 'catalog', actions: ['*'] }, 'registry:catalog:*'],
  ])('%j -> %s', (scope, formatted) => {
    expect(formatScope(scope)).toBe(formatted);
  });

  it('round-trips through parseScopes', () => {
    const raw = 'repository:a/x:pull,push registry:catalog:*';
    const parsed = parseScopes(raw) as Scope[];
    expect(parsed.map(formatScope).join(' ')).toBe(raw);
  });
});

describe('splitRepositoryName', () => {
  it.each<[name: string, expected: { namespace: string; stream: string } | undefined]>([
    ['a/x', { namespace: 'a', stream: 'x' }],
    ['library', undefined],
    ['a/b/c', undefined],
    ['/x', undefined],
    ['a/', undefined],
  ])('%j -> %j', (name, expected) => {
    expect(splitRepositoryName(name)).toEqual(expected);
  });
});

describe('registryActionAttributes', () => {
  it.each<['pull' | 'push' | 'delete', string]>([
    ['pull', 'get'],
    ['push', 'update'],
    ['delete', 'delete'],
  ])('%s is %s on imagestreams/layers of the stream', (action, verb) => {
    expect(registryActionAttributes('team-a', 'app', action)).toEqual({
      verb,
      apiGroup: 'image.openshift.io',
      resource: 'imagestreams',
      subresource: 'layers',
      namespace: 'team-a',
      name: 'app',
    });
  });
});

describe('isRegistryAction', () => {
  it.each<[value: string, expected: boolean]>([
    ['pull', true],
    ['push', true],
    ['delete', true],
    ['*', false],
    ['Pull', false],
    ['constructor', false],
  ])('%j -> %s', (value, expected) => {
    expect(isRegistryAction(value)).toBe(expected);
  });
});
