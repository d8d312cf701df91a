import {
  BuildWebhookContext,
  BuildWebhookRequest,
  BuildWebhookResult,
  evaluateBuildWebhook,
  gitRefMatches,
  parseWebhookSubpath,
  webhookBuildRequest,
  webhookSecretMatches,
} from './build-webhooks';
import type { BuildConfig, BuildTriggerPolicy } from './openshift-workloads';

function buildConfig(options: { ref?: string; git?: boolean; triggers?: BuildTriggerPolicy[]; allowEnv?: boolean } = {}): BuildConfig {
  return {
    kind: 'BuildConfig',
    metadata: { name: 'app', namespace: 'team-a' },
    spec: {
      source: options.git === false ? { type: 'Binary' } : { type: 'Git', git: { uri: 'https://git.example.com/app.git', ...(options.ref !== undefined ? { ref: options.ref } : {}) } },
      strategy: { type: 'Source', sourceStrategy: { from: { kind: 'ImageStreamTag', name: 'ruby:3.3', namespace: 'openshift' } } },
      triggers: options.triggers ?? [
        { type: 'GitHub', github: { secret: 'gh-secret' } },
        { type: 'GitLab', gitlab: { secret: 'gl-secret' } },
        { type: 'Bitbucket', bitbucket: { secret: 'bb-secret' } },
        { type: 'Generic', generic: { secret: 'gen-secret', allowEnv: options.allowEnv ?? false } },
        { type: 'ImageChange', imageChange: {} },
      ],
    },
  };
}

const context = (overrides: Partial<BuildWebhookContext> = {}): BuildWebhookContext => ({ name: 'app', buildConfig: buildConfig(), ...overrides });

function request(type: string, secret: string, headers: BuildWebhookRequest['headers'] = {}, body?: unknown, method = 'POST'): BuildWebhookRequest {
  return { method, type, secret, headers, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) };
}

const githubPush = (ref = 'refs/heads/master') => ({
  ref,
  after: 'abc123',
  head_commit: {
    id: 'abc123',
    message: 'Fix the thing',
    author: { name: 'Ann Author', email: 'ann@example.com' },
    committer: { name: 'Cy Committer', email: 'cy@example.com' },
  },
});
const GH = { 'Content-Type': 'application/json', 'X-GitHub-Event': 'push' };

const unauthorized = (type: string, name = 'app'): BuildWebhookResult => ({
  error: { code: 401, reason: 'Unauthorized', message: `the webhook "${type}" for "${name}" did not accept your secret` },
});
const badRequest = (message: string): BuildWebhookResult => ({ error: { code: 400, reason: 'BadRequest', message } });

describe('parseWebhookSubpath', () => {
  it.each([
    ['secret/github', { secret: 'secret', type: 'github' }],
    ['/secret/generic', { secret: 'secret', type: 'generic' }],
    ['s3cr3t/unknown', { secret: 's3cr3t', type: 'unknown' }],
    ['secret', { error: { code: 400, reason: 'BadRequest', message: 'unexpected hook subpath secret' } }],
    ['a/b/c', { error: { code: 400, reason: 'BadRequest', message: 'unexpected hook subpath a/b/c' } }],
    ['secret/github/', { error: { code: 400, reason: 'BadRequest', message: 'unexpected hook subpath secret/github/' } }],
  ])('%s', (subpath, expected) => {
    expect(parseWebhookSubpath(subpath)).toEqual(expected);
  });
});

describe('webhookSecretMatches', () => {
  it.each<[string, string | Uint8Array, string, boolean]>([
    ['equal', 'gh-secret', 'gh-secret', true],
    ['different, same length', 'gh-secret', 'gh-secreT', false],
    ['prefix', 'gh-secret', 'gh-secre', false],
    ['longer', 'gh-secret', 'gh-secret-and-more', false],
    ['bytes from a Secret', new TextEncoder().encode('from-secret'), 'from-secret', true],
    ['unicode', 'pässwörd', 'pässwörd', true],
    ['empty expected never matches', '', '', false],
    ['empty provided never matches', 'x', '', false],
  ])('%s', (_name, expected, provided, result) => {
    expect(webhookSecretMatches(expected, provided)).toBe(result);
  });
});

describe('gitRefMatches', () => {
  it.each<[string | undefined, string | undefined, boolean]>([
    ['refs/heads/master', undefined, true],
    ['refs/heads/master', '', true],
    ['master', undefined, true],
    ['refs/heads/main', undefined, false],
    ['refs/heads/main', 'main', true],
    ['main', 'refs/heads/main', true],
    ['refs/heads/main', 'refs/heads/main', true],
    ['refs/heads/feature/x', 'feature/x', true],
    ['refs/tags/v1.0', 'v1.0', false],
    ['refs/heads/Main', 'main', false],
    [undefined, undefined, false],
    ['', 'master', false],
  ])('event %s vs configured %s -> %s', (eventRef, configured, expected) => {
    expect(gitRefMatches(eventRef, configured)).toBe(expected);
  });
});

describe('evaluateBuildWebhook: type, secret and method (same answers for every type)', () => {
  it.each<[string, BuildWebhookRequest, BuildWebhookContext, BuildWebhookResult]>([
    ['unknown type', request('gitea', 'gh-secret', GH, githubPush()), context(), { error: { code: 404, reason: 'NotFound', message: 'buildconfighook.build.openshift.io "gitea" not found' } }],
    ['type is case-sensitive', request('GitHub', 'gh-secret', GH, githubPush()), context(), { error: { code: 404, reason: 'NotFound', message: 'buildconfighook.build.openshift.io "GitHub" not found' } }],
    ['unknown type wins over a missing BuildConfig', request('svn', 'x'), context({ buildConfig: undefined }), { error: { code: 404, reason: 'NotFound', message: 'buildconfighook.build.openshift.io "svn" not found' } }],
    ['no such BuildConfig', request('github', 'gh-secret', GH, githubPush()), context({ name: 'nope', buildConfig: undefined }), unauthorized('github', 'nope')],
    ['no trigger of that type', request('github', 'gh-secret', GH, githubPush()), context({ buildConfig: buildConfig({ triggers: [{ type: 'Generic', generic: { secret: 'gh-secret' } }] }) }), unauthorized('github')],
    ['wrong secret', request('github', 'nope', GH, githubPush()), context(), unauthorized('github')],
    ['secret of another type\'s trigger', request('github', 'gen-secret', GH, githubPush()), context(), unauthorized('github')],
    ['empty secret', request('generic', ''), context({ buildConfig: buildConfig({ triggers: [{ type: 'Generic', generic: { secret: '' } }] }) }), unauthorized('generic')],
    ['trigger type without its field', request('github', 'gh-secret', GH, githubPush()), context({ buildConfig: buildConfig({ triggers: [{ type: 'GitHub' }] }) }), unauthorized('github')],
    ['field without the matching type', request('github', 'gh-secret', GH, githubPush()), context({ buildConfig: buildConfig({ triggers: [{ type: 'Generic', github: { secret: 'gh-secret' } }] }) }), unauthorized('github')],
    ['GET with the right secret', request('github', 'gh-secret', GH, githubPush(), 'GET'), context(), { error: { code: 405, reason: 'MethodNotAllowed', message: 'GET is not supported on resources of kind "buildconfighook.build.openshift.io"' } }],
    ['GET with a wrong secret is still 401', request('github', 'nope', GH, githubPush(), 'GET'), context(), unauthorized('github')],
    ['PUT to a generic hook', request('generic', 'gen-secret', {}, undefined, 'PUT'), context(), { error: { code: 405, reason: 'MethodNotAllowed', message: 'PUT is not supported on resources of kind "buildconfighook.build.openshift.io"' } }],
  ])('%s', (_name, req, ctx, expected) => {
    expect(evaluateBuildWebhook(req, ctx)).toEqual(expected);
  });

  describe('secretReference', () => {
    const withRef = buildConfig({ triggers: [{ type: 'Generic', generic: { secretReference: { name: 'hook-secret' } } }] });
    it.each<[string, BuildWebhookContext['secretValue'], string, boolean]>([
      ['matches the Secret value', () => 'from-secret', 'from-secret', true],
      ['matches bytes', () => new TextEncoder().encode('from-secret'), 'from-secret', true],
      ['does not match', () => 'from-secret', 'other', false],
      ['Secret missing', () => undefined, 'from-secret', false],
      ['no lookup given', undefined, 'from-secret', false],
    ])('%s', (_name, secretValue, provided, builds) => {
      const result = evaluateBuildWebhook(request('generic', provided), context({ buildConfig: withRef, secretValue }));
      expect('outcome' in result && result.outcome === 'build').toBe(builds);
      if (!builds) expect(result).toEqual(unauthorized('generic'));
    });

    it('looks the Secret up in the BuildConfig namespace', () => {
      const seen: unknown[] = [];
      evaluateBuildWebhook(request('generic', 'x'), context({ buildConfig: withRef, secretValue: (ref) => (seen.push(ref), undefined) }));
      expect(seen).toEqual([{ namespace: 'team-a', name: 'hook-secret' }]);
    });

    it('an inline secret and a reference on the same trigger both count', () => {
      const both = buildConfig({ triggers: [{ type: 'Generic', generic: { secret: 'inline', secretReference: { name: 'hook-secret' } } }] });
      const ctx = context({ buildConfig: both, secretValue: () => 'referenced' });
      expect(evaluateBuildWebhook(request('generic', 'inline'), ctx)).toMatchObject({ outcome: 'build' });
      expect(evaluateBuildWebhook(request('generic', 'referenced'), ctx)).toMatchObject({ outcome: 'build' });
    });
  });

  it('any trigger of the type may match (the second here)', () => {
    const bc = buildConfig({ triggers: [{ type: 'GitHub', github: { secret: 'one' } }, { type: 'GitHub', github: { secret: 'two' } }] });
    expect(evaluateBuildWebhook(request('github', 'two', GH, githubPush()), context({ buildConfig: bc }))).toMatchObject({ outcome: 'build' });
  });
});

describe('evaluateBuildWebhook: github', () => {
  const revision = {
    git: {
      commit: 'abc123',
      author: { name: 'Ann Author', email: 'ann@example.com' },
      committer: { name: 'Cy Committer', email: 'cy@example.com' },
      message: 'Fix the thing',
    },
  };

  it('a push to the built branch starts a build', () => {
    expect(evaluateBuildWebhook(request('github', 'gh-secret', GH, githubPush()), context())).toEqual({
      outcome: 'build',
      cause: { message: 'GitHub WebHook', githubWebHook: { revision, secret: '<secret>' } },
      revision,
    });
  });

  it.each<[string, BuildWebhookRequest['headers'], unknown, BuildConfig, BuildWebhookResult | 'build']>([
    ['ping: accepted, no build', { 'Content-Type': 'application/json', 'X-GitHub-Event': 'ping' }, { zen: 'hi' }, buildConfig(), { outcome: 'ignored', reason: 'ping' }],
    ['Gogs push', { 'Content-Type': 'application/json', 'X-Gogs-Event': 'push' }, githubPush(), buildConfig(), 'build'],
    ['header names in lower case, repeated values', { 'content-type': ['application/json'], 'x-github-event': ['push', 'ping'] }, githubPush(), buildConfig(), 'build'],
    ['charset parameter', { ...GH, 'Content-Type': 'application/json; charset=utf-8' }, githubPush(), buildConfig(), 'build'],
    ['media type case-insensitive', { ...GH, 'Content-Type': 'Application/JSON' }, githubPush(), buildConfig(), 'build'],
    ['configured branch', GH, githubPush('refs/heads/develop'), buildConfig({ ref: 'develop' }), 'build'],
    ['configured with refs/heads/', GH, githubPush('refs/heads/develop'), buildConfig({ ref: 'refs/heads/develop' }), 'build'],
    ['another branch: 200, no build', GH, githubPush('refs/heads/feature'), buildConfig(), { outcome: 'ignored', reason: 'skipping build. Branch reference from "refs/heads/feature" does not match configuration' }],
    ['empty configured ref means master', GH, githubPush('refs/heads/main'), buildConfig({ ref: '' }), { outcome: 'ignored', reason: 'skipping build. Branch reference from "refs/heads/main" does not match configuration' }],
    ['a tag push', GH, githubPush('refs/tags/v1'), buildConfig({ ref: 'v1' }), { outcome: 'ignored', reason: 'skipping build. Branch reference from "refs/tags/v1" does not match configuration' }],
    ['missing Content-Type', { 'X-GitHub-Event': 'push' }, githubPush(), buildConfig(), badRequest('non-parseable Content-Type  (mime: no media type)')],
    ['unparseable Content-Type', { ...GH, 'Content-Type': 'application/json/x' }, githubPush(), buildConfig(), badRequest('non-parseable Content-Type application/json/x (mime: unexpected content after media subtype)')],
    ['bad media parameter', { ...GH, 'Content-Type': 'application/json; charset' }, githubPush(), buildConfig(), badRequest('non-parseable Content-Type application/json; charset (mime: invalid media parameter)')],
    ['form-encoded payload', { ...GH, 'Content-Type': 'application/x-www-form-urlencoded' }, githubPush(), buildConfig(), badRequest('unsupported Content-Type application/x-www-form-urlencoded')],
    ['missing event header', { 'Content-Type': 'application/json' }, githubPush(), buildConfig(), badRequest('missing X-GitHub-Event or X-Gogs-Event')],
    ['other event', { ...GH, 'X-GitHub-Event': 'pull_request' }, githubPush(), buildConfig(), badRequest('Unknown X-GitHub-Event or X-Gogs-Event pull_request')],
    ['content type checked before the event', { 'Content-Type': 'text/plain', 'X-GitHub-Event': 'ping' }, undefined, buildConfig(), badRequest('unsupported Content-Type text/plain')],
    ['push payload is an array', GH, [githubPush()], buildConfig(), badRequest('the payload must be a JSON object')],
  ])('%s', (_name, headers, body, bc, expected) => {
    const result = evaluateBuildWebhook(request('github', 'gh-secret', headers, body), context({ buildConfig: bc }));
    if (expected === 'build') expect(result).toMatchObject({ outcome: 'build', cause: { message: 'GitHub WebHook' } });
    else expect(result).toEqual(expected);
  });

  it('push payload that is not JSON is a 400', () => {
    const result = evaluateBuildWebhook(request('github', 'gh-secret', GH, '{"ref":'), context());
    expect(result).toMatchObject({ error: { code: 400, reason: 'BadRequest' } });
  });

  it('a push without head_commit builds without revision details', () => {
    expect(evaluateBuildWebhook(request('github', 'gh-secret', GH, { ref: 'refs/heads/master' }), context())).toEqual({
      outcome: 'build',
      cause: { message: 'GitHub WebHook', githubWebHook: { revision: { git: {} }, secret: '<secret>' } },
      revision: { git: {} },
    });
  });
});

describe('evaluateBuildWebhook: gitlab', () => {
  const GL = { 'Content-Type': 'application/json', 'X-Gitlab-Event': 'Push Hook' };
  const push = (ref = 'refs/heads/master', commits: unknown[] = [{ id: 'c1', message: 'first listed', author: { name: 'Gil', email: 'gil@example.com' } }, { id: 'c2', message: 'second' }]) => ({
    object_kind: 'push',
    ref,
    after: 'c2',
    commits,
  });

  it('a push builds commits[0], with its author as committer (as OpenShift does)', () => {
    const revision = { git: { commit: 'c1', author: { name: 'Gil', email: 'gil@example.com' }, committer: { name: 'Gil', email: 'gil@example.com' }, message: 'first listed' } };
    expect(evaluateBuildWebhook(request('gitlab', 'gl-secret', GL, push()), context())).toEqual({
      outcome: 'build',
      cause: { message: 'GitLab WebHook', gitlabWebHook: { revision, secret: '<secret>' } },
      revision,
    });
  });

  it.each<[string, BuildWebhookRequest['headers'], unknown, BuildWebhookResult]>([
    ['missing event header', { 'Content-Type': 'application/json' }, push(), badRequest('missing X-Gitlab-Event')],
    ['tag push', { ...GL, 'X-Gitlab-Event': 'Tag Push Hook' }, push(), badRequest('Unknown X-Gitlab-Event Tag Push Hook')],
    ['wrong content type', { ...GL, 'Content-Type': 'text/plain' }, push(), badRequest('unsupported Content-Type text/plain')],
    ['another branch', GL, push('refs/heads/dev'), { outcome: 'ignored', reason: 'skipping build. Branch reference from "refs/heads/dev" does not match configuration' }],
    ['no commits (OpenShift crashes here)', GL, push('refs/heads/master', []), { outcome: 'ignored', reason: 'skipping build. The push event carries no commits' }],
  ])('%s', (_name, headers, body, expected) => {
    expect(evaluateBuildWebhook(request('gitlab', 'gl-secret', headers, body), context())).toEqual(expected);
  });
});

describe('evaluateBuildWebhook: bitbucket', () => {
  const BB = (event: string) => ({ 'Content-Type': 'application/json', 'X-Event-Key': event });
  const cloudPush = (branch = 'master', commits: unknown[] = [{ hash: 'h1', message: 'msg', author: { username: 'bob', display_name: 'Bob' } }]) => ({
    push: { changes: [{ old: { type: 'branch', name: branch }, new: { type: 'branch', name: branch }, commits }] },
  });
  const serverPush = (branch = 'master') => ({ changes: [{ ref: { id: `refs/heads/${branch}`, displayId: branch }, toHash: 'h9' }] });

  it.each<[string, BuildWebhookRequest['headers'], unknown, BuildWebhookResult]>([
    [
      'cloud repo:push',
      BB('repo:push'),
      cloudPush(),
      {
        outcome: 'build',
        cause: { message: 'Bitbucket WebHook', bitbucketWebHook: { revision: { git: { commit: 'h1', author: { name: 'bob' }, committer: { name: 'bob' }, message: 'msg' } }, secret: '<secret>' } },
        revision: { git: { commit: 'h1', author: { name: 'bob' }, committer: { name: 'bob' }, message: 'msg' } },
      },
    ],
    [
      'server repo:refs_changed',
      BB('repo:refs_changed'),
      serverPush(),
      { outcome: 'build', cause: { message: 'Bitbucket WebHook', bitbucketWebHook: { revision: { git: { commit: 'h9' } }, secret: '<secret>' } }, revision: { git: { commit: 'h9' } } },
    ],
    ['cloud push to another branch', BB('repo:push'), cloudPush('dev'), { outcome: 'ignored', reason: 'skipping build. Branch reference from "dev" does not match configuration' }],
    ['server push to another branch', BB('repo:refs_changed'), serverPush('dev'), { outcome: 'ignored', reason: 'skipping build. Branch reference from "dev" does not match configuration' }],
    ['cloud push without commits', BB('repo:push'), cloudPush('master', []), { outcome: 'ignored', reason: 'skipping build. The push event carries no commits' }],
    ['no changes', BB('repo:push'), { push: { changes: [] } }, badRequest('Unable to extract valid event from payload')],
    ['server payload without changes', BB('repo:refs_changed'), {}, badRequest('Unable to extract valid event from payload')],
    ['missing event key', { 'Content-Type': 'application/json' }, cloudPush(), badRequest('missing X-Event-Key')],
    ['pull request event', BB('pullrequest:created'), cloudPush(), badRequest('Unknown Bitbucket X-Event-Key pullrequest:created')],
  ])('%s', (_name, headers, body, expected) => {
    expect(evaluateBuildWebhook(request('bitbucket', 'bb-secret', headers, body), context())).toEqual(expected);
  });
});

describe('evaluateBuildWebhook: generic', () => {
  const JSON_CT = { 'Content-Type': 'application/json' };
  const YAML_CT = { 'Content-Type': 'application/yaml' };
  const git = (ref: string, extra: Record<string, unknown> = {}) => ({
    uri: 'https://git.example.com/app.git',
    ref,
    commit: 'g1',
    author: { name: 'Ann', email: 'ann@example.com' },
    committer: { name: 'Cy', email: 'cy@example.com' },
    message: 'generic',
    ...extra,
  });
  const revision = (commit = 'g1', message = 'generic') => ({
    git: { commit, author: { name: 'Ann', email: 'ann@example.com' }, committer: { name: 'Cy', email: 'cy@example.com' }, message },
  });
  const cause = (rev?: unknown) => ({ message: 'Generic WebHook', genericWebHook: { ...(rev ? { revision: rev } : {}), secret: '<secret>' } });
  const WARN_CT = 'invalid Content-Type on payload, ignoring payload and continuing with build';

  type Case = [name: string, headers: BuildWebhookRequest['headers'], body: unknown, options: Parameters<typeof buildConfig>[0], expected: BuildWebhookResult];
  it.each<Case>([
    ['no body: build', {}, undefined, {}, { outcome: 'build', cause: cause() }],
    ['empty body with JSON type: build', JSON_CT, '', {}, { outcome: 'build', cause: cause() }],
    ['body without Content-Type: warning, build', {}, { git: git('master') }, {}, { outcome: 'build', cause: cause(), warning: WARN_CT }],
    ['text/plain body: warning, build', { 'Content-Type': 'text/plain' }, { git: git('master') }, {}, { outcome: 'build', cause: cause(), warning: WARN_CT }],
    ['unparseable Content-Type', { 'Content-Type': 'application json' }, { git: git('master') }, {}, badRequest('error parsing Content-Type: mime: expected slash after first token')],
    ['matching git.ref', JSON_CT, { type: 'Git', git: git('master') }, {}, { outcome: 'build', cause: cause(revision()), revision: revision() }],
    ['git.ref with refs/heads/', JSON_CT, { git: git('refs/heads/develop') }, { ref: 'develop' }, { outcome: 'build', cause: cause(revision()), revision: revision() }],
    ['other branch: 200, no build', JSON_CT, { git: git('refs/heads/dev') }, {}, { outcome: 'ignored', reason: 'skipping build. Branch reference from "refs/heads/dev" does not match configuration' }],
    [
      'refs: the first matching one is used',
      JSON_CT,
      { git: { ...git('ignored'), refs: [{ ...git('dev', { commit: 'd1' }) }, { ...git('main', { commit: 'm1', message: 'main one' }) }, { ...git('main', { commit: 'm2' }) }] } },
      { ref: 'main' },
      { outcome: 'build', cause: cause(revision('m1', 'main one')), revision: revision('m1', 'main one') },
    ],
    ['refs: none matches', JSON_CT, { git: { ...git('main'), refs: [git('dev')] } }, { ref: 'main' }, { outcome: 'ignored', reason: 'skipping build. None of the supplied refs matched "main"' }],
    ['refs: empty list matches nothing', JSON_CT, { git: { ...git('master'), refs: [] } }, {}, { outcome: 'ignored', reason: 'skipping build. None of the supplied refs matched ""' }],
    ['no git info in the payload: warning, build', JSON_CT, { type: 'Git' }, {}, { outcome: 'build', cause: cause(), warning: 'no git information found in payload, ignoring and continuing with build' }],
    ['BuildConfig without git source: build, git info unused', JSON_CT, { git: git('dev') }, { git: false }, { outcome: 'build', cause: cause() }],
    ['env used with allowEnv', JSON_CT, { env: [{ name: 'EXAMPLE', value: 'sample-app' }] }, { allowEnv: true, git: false }, { outcome: 'build', cause: cause(), env: [{ name: 'EXAMPLE', value: 'sample-app' }] }],
    ['env ignored without allowEnv', JSON_CT, { env: [{ name: 'EXAMPLE', value: 'sample-app' }] }, { git: false }, { outcome: 'build', cause: cause() }],
    ['empty env list', JSON_CT, { env: [] }, { allowEnv: true, git: false }, { outcome: 'build', cause: cause() }],
    ['env with git info', JSON_CT, { git: git('master'), env: [{ name: 'A', value: '1' }] }, { allowEnv: true }, { outcome: 'build', cause: cause(revision()), revision: revision(), env: [{ name: 'A', value: '1' }] }],
    ['env kept when the branch is unknown', JSON_CT, { env: [{ name: 'A' }] }, { allowEnv: true }, { outcome: 'build', cause: cause(), env: [{ name: 'A' }], warning: 'no git information found in payload, ignoring and continuing with build' }],
    ['dockerStrategyOptions passed on', JSON_CT, { dockerStrategyOptions: { noCache: true } }, { git: false }, { outcome: 'build', cause: cause(), dockerStrategyOptions: { noCache: true } }],
    ['YAML type, JSON body', YAML_CT, { git: git('master') }, {}, { outcome: 'build', cause: cause(revision()), revision: revision() }],
    ['not JSON: warning, payload ignored', JSON_CT, 'git: {', {}, { outcome: 'build', cause: cause(), warning: expect.stringMatching(/^error unmarshalling payload: .*, ignoring payload and continuing with build$/s) }],
    ['YAML without a YAML parser: warning', YAML_CT, 'git:\n  ref: master\n', {}, { outcome: 'build', cause: cause(), warning: 'error converting payload to json: only the JSON form of YAML can be read, ignoring payload and continuing with build' }],
    ['payload is an array', JSON_CT, [1], {}, { outcome: 'build', cause: cause(), warning: 'error unmarshalling payload: the payload must be an object, ignoring payload and continuing with build' }],
    ['git is a string', JSON_CT, { git: 'master' }, {}, { outcome: 'build', cause: cause(), warning: 'error unmarshalling payload: git must be an object, ignoring payload and continuing with build' }],
    ['git.ref is a number', JSON_CT, { git: { ref: 1 } }, {}, { outcome: 'build', cause: cause(), warning: 'error unmarshalling payload: git.ref must be a string, ignoring payload and continuing with build' }],
    ['env entry without name: whole payload ignored', JSON_CT, { env: [{ value: 'x' }] }, { allowEnv: true }, { outcome: 'build', cause: cause(), warning: 'error unmarshalling payload: env[0] must be {name: string, value?: string}, ignoring payload and continuing with build' }],
  ])('%s', (_name, headers, body, options, expected) => {
    expect(evaluateBuildWebhook(request('generic', 'gen-secret', headers, body), context({ buildConfig: buildConfig(options) }))).toEqual(expected);
  });

  it('uses the caller\'s YAML parser', () => {
    const parseYaml = (text: string) => (text.includes('ref: master') ? { git: git('master') } : {});
    expect(evaluateBuildWebhook(request('generic', 'gen-secret', YAML_CT, 'git:\n  ref: master\n'), context({ parseYaml }))).toEqual({
      outcome: 'build',
      cause: cause(revision()),
      revision: revision(),
    });
  });

  it('a YAML payload the caller\'s parser rejects is ignored with a warning', () => {
    const parseYaml = () => {
      throw new Error('bad indentation at line 2');
    };
    expect(evaluateBuildWebhook(request('generic', 'gen-secret', YAML_CT, 'git:\n ref'), context({ parseYaml }))).toEqual({
      outcome: 'build',
      cause: cause(),
      warning: 'error converting payload to json: bad indentation at line 2, ignoring payload and continuing with build',
    });
  });

  it('reads a byte body', () => {
    const req = { ...request('generic', 'gen-secret', JSON_CT), body: new TextEncoder().encode(JSON.stringify({ git: git('master') })) };
    expect(evaluateBuildWebhook(req, context())).toMatchObject({ outcome: 'build', revision: revision() });
  });
});

describe('webhookBuildRequest', () => {
  it('turns a build outcome into an instantiate request', () => {
    const result = evaluateBuildWebhook(
      request('generic', 'gen-secret', { 'Content-Type': 'application/json' }, { git: { ref: 'master', commit: 'g1' }, env: [{ name: 'A', value: '1' }] }),
      context({ buildConfig: buildConfig({ allowEnv: true }) }),
    );
    if (!('outcome' in result) || result.outcome !== 'build') throw new Error('expected a build');
    expect(webhookBuildRequest(buildConfig(), result)).toEqual({
      kind: 'BuildRequest',
      apiVersion: 'build.openshift.io/v1',
      metadata: { name: 'app', namespace: 'team-a' },
      triggeredBy: [{ message: 'Generic WebHook', genericWebHook: { revision: { git: { commit: 'g1' } }, secret: '<secret>' } }],
      revision: { git: { commit: 'g1' } },
      env: [{ name: 'A', value: '1' }],
    });
  });
});
