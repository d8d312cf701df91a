import { createHash, timingSafeEqual } from 'node:crypto';
import type {
  BuildConfig,
  BuildRequest,
  BuildTriggerCause,
  EnvVar,
  GitSourceRevision,
  SourceControlUser,
  SourceRevision,
  WebHookTrigger,
} from './openshift-workloads';

/**
 * Inbound BuildConfig webhooks (templates-and-samples.md §9, OpenShift's `webhook.go` and its
 * github/gitlab/bitbucket/generic plugins):
 *
 *   POST /apis/build.openshift.io/v1/namespaces/{ns}/buildconfigs/{name}/webhooks/{secret}/{type}
 *
 * Checks run in OpenShift's order, and each failure maps to the same status and message:
 * 1. the subpath must be exactly `<secret>/<type>` (400 `unexpected hook subpath <p>`);
 * 2. the type must be github, gitlab, bitbucket or generic (404 NotFound, resource `buildconfighook`);
 * 3. a missing BuildConfig, no trigger of that type and a wrong secret are one 401, with one
 *    message, so a caller learns nothing about which BuildConfigs exist;
 * 4. only POST (405);
 * 5. the type's own rules (headers, payload, branch matching).
 *
 * The secret is compared in constant time against the inline `secret` of each trigger of the
 * type and against the `WebHookSecretKey` of the Secret its `secretReference` names. Secrets are
 * looked up through the caller's function, so this stays free of I/O.
 */

export const BUILD_WEBHOOK_TYPES = ['github', 'gitlab', 'bitbucket', 'generic'] as const;
export type BuildWebhookType = (typeof BUILD_WEBHOOK_TYPES)[number];

/** Key of the Secret data a `secretReference` points at. */
export const WEBHOOK_SECRET_KEY = 'WebHookSecretKey';
export const DEFAULT_WEBHOOK_BRANCH = 'master';

export interface BuildWebhookRequest {
  method: string;
  /** The `{secret}` path segment. */
  secret: string;
  /** The `{type}` path segment, as sent. */
  type: string;
  /** Header names in any case; for repeated headers the first value counts (Go's Header.Get). */
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  body?: string | Uint8Array;
}

export interface BuildWebhookContext {
  /** The BuildConfig name from the URL (used in the 401 message even when it does not exist). */
  name: string;
  /** `undefined` when no such BuildConfig exists in the namespace. */
  buildConfig: BuildConfig | undefined;
  /**
   * `data.WebHookSecretKey` of the Secret `{namespace, name}` (the BuildConfig's namespace), or
   * `undefined` when the Secret or the key is missing. Fetch ahead of the call: it must not block.
   */
  secretValue?: (ref: { namespace: string; name: string }) => string | Uint8Array | undefined;
  /** Parses a generic payload sent as `application/yaml`; without it only JSON (which is YAML) is read. */
  parseYaml?: (text: string) => unknown;
}

export interface BuildWebhookError {
  code: 400 | 401 | 404 | 405;
  reason: 'BadRequest' | 'Unauthorized' | 'NotFound' | 'MethodNotAllowed';
  message: string;
}

export type BuildWebhookResult =
  | {
      outcome: 'build';
      cause: BuildTriggerCause;
      revision?: SourceRevision;
      /** Generic webhooks with `allowEnv: true` only; these win over the BuildConfig's env. */
      env?: EnvVar[];
      dockerStrategyOptions?: Record<string, unknown>;
      /** A 200 Status message OpenShift returns next to the build (the payload was ignored). */
      warning?: string;
    }
  /** 200 without a build: a GitHub ping, or the pushed branch is not the one built. */
  | { outcome: 'ignored'; reason: string }
  | { error: BuildWebhookError };

const CAUSE_MESSAGES: Readonly<Record<BuildWebhookType, string>> = {
  github: 'GitHub WebHook',
  gitlab: 'GitLab WebHook',
  bitbucket: 'Bitbucket WebHook',
  generic: 'Generic WebHook',
};
const CAUSE_FIELDS = {
  github: 'githubWebHook',
  gitlab: 'gitlabWebHook',
  bitbucket: 'bitbucketWebHook',
  generic: 'genericWebHook',
} as const satisfies Record<BuildWebhookType, keyof BuildTriggerCause>;
const TRIGGER_TYPES: Readonly<Record<BuildWebhookType, string>> = {
  github: 'GitHub',
  gitlab: 'GitLab',
  bitbucket: 'Bitbucket',
  generic: 'Generic',
};
const HIDDEN_SECRET = '<secret>';
const REF_PREFIX = 'refs/heads/';
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

/** `<secret>/<type>` (a leading `/` allowed) → parts, or the 400 OpenShift returns. */
export function parseWebhookSubpath(subpath: string): { secret: string; type: string } | { error: BuildWebhookError } {
  const parts = subpath.replace(/^\//, '').split('/');
  if (parts.length !== 2) return { error: badRequest(`unexpected hook subpath ${subpath}`) };
  return { secret: parts[0], type: parts[1] };
}

/**
 * Constant-time secret comparison: both sides are hashed to SHA-256 first so the comparison
 * itself does not leak the expected length. An empty secret never matches (OpenShift would let
 * an empty URL segment match an empty Secret value).
 */
export function webhookSecretMatches(expected: string | Uint8Array, provided: string): boolean {
  const expectedBytes = typeof expected === 'string' ? Buffer.from(expected, 'utf8') : Buffer.from(expected);
  if (expectedBytes.length === 0 || provided.length === 0) return false;
  const a = createHash('sha256').update(expectedBytes).digest();
  const b = createHash('sha256').update(provided, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/**
 * Branch matching: the event ref and the configured `spec.source.git.ref` are compared with any
 * `refs/heads/` prefix removed; an empty configured ref means `master`.
 */
export function gitRefMatches(eventRef: string | undefined, configuredRef: string | undefined): boolean {
  const configured = configuredRef ? configuredRef : DEFAULT_WEBHOOK_BRANCH;
  return stripRefPrefix(eventRef ?? '') === stripRefPrefix(configured);
}

/** The whole decision for one webhook call; see the module comment for the order of checks. */
export function evaluateBuildWebhook(request: BuildWebhookRequest, context: BuildWebhookContext): BuildWebhookResult {
  if (!isWebhookType(request.type)) {
    return { error: { code: 404, reason: 'NotFound', message: `buildconfighook.build.openshift.io ${goQuote(request.type)} not found` } };
  }
  const type = request.type;
  const unauthorized: BuildWebhookResult = {
    error: {
      code: 401,
      reason: 'Unauthorized',
      message: `the webhook ${goQuote(type)} for ${goQuote(context.name)} did not accept your secret`,
    },
  };
  const bc = context.buildConfig;
  if (!bc) return unauthorized;
  const trigger = matchingTrigger(bc, type, request.secret, context);
  if (!trigger) return unauthorized;
  if (request.method !== 'POST') {
    return {
      error: {
        code: 405,
        reason: 'MethodNotAllowed',
        message: `${request.method} is not supported on resources of kind "buildconfighook.build.openshift.io"`,
      },
    };
  }

  const extracted =
    type === 'generic' ? extractGeneric(bc, trigger, request, context) : type === 'github' ? extractGitHub(bc, request) : type === 'gitlab' ? extractGitLab(bc, request) : extractBitbucket(bc, request);
  if (!('build' in extracted)) return extracted;

  const cause: BuildTriggerCause = {
    message: CAUSE_MESSAGES[type],
    [CAUSE_FIELDS[type]]: { ...(extracted.revision ? { revision: extracted.revision } : {}), secret: HIDDEN_SECRET },
  };
  return {
    outcome: 'build',
    cause,
    ...(extracted.revision ? { revision: extracted.revision } : {}),
    ...(extracted.env ? { env: extracted.env } : {}),
    ...(extracted.dockerStrategyOptions ? { dockerStrategyOptions: extracted.dockerStrategyOptions } : {}),
    ...(extracted.warning ? { warning: extracted.warning } : {}),
  };
}

/** The instantiate request a `build` outcome turns into. */
export function webhookBuildRequest(
  buildConfig: BuildConfig,
  result: Extract<BuildWebhookResult, { outcome: 'build' }>,
): BuildRequest {
  return {
    kind: 'BuildRequest',
    apiVersion: 'build.openshift.io/v1',
    metadata: { name: buildConfig.metadata.name ?? '', namespace: buildConfig.metadata.namespace ?? '' },
    triggeredBy: [result.cause],
    ...(result.revision ? { revision: result.revision } : {}),
    ...(result.env ? { env: result.env } : {}),
    ...(result.dockerStrategyOptions ? { dockerStrategyOptions: result.dockerStrategyOptions } : {}),
  };
}

// ---------------------------------------------------------------------------------------

type Extracted =
  | { build: true; revision?: SourceRevision; env?: EnvVar[]; dockerStrategyOptions?: Record<string, unknown>; warning?: string }
  | { outcome: 'ignored'; reason: string }
  | { error: BuildWebhookError };

function matchingTrigger(bc: BuildConfig, type: BuildWebhookType, provided: string, context: BuildWebhookContext): WebHookTrigger | undefined {
  const namespace = bc.metadata.namespace ?? '';
  const triggers = (bc.spec.triggers ?? [])
    .filter((policy) => policy.type === TRIGGER_TYPES[type])
    .map((policy) => policy[type])
    .filter((trigger): trigger is WebHookTrigger => typeof trigger === 'object' && trigger !== null);
  // The first trigger whose secret matches wins, as in OpenShift's CheckSecret.
  return triggers.find((trigger) => {
    if (trigger.secret && webhookSecretMatches(trigger.secret, provided)) return true;
    const refName = trigger.secretReference?.name;
    if (refName && context.secretValue) {
      const value = context.secretValue({ namespace, name: refName });
      if (value !== undefined && webhookSecretMatches(value, provided)) return true;
    }
    return false;
  });
}

function extractGitHub(bc: BuildConfig, request: BuildWebhookRequest): Extracted {
  const contentTypeError = requireJsonContentType(request);
  if (contentTypeError) return contentTypeError;
  const event = header(request, 'X-GitHub-Event') || header(request, 'X-Gogs-Event');
  if (!event) return { error: badRequest('missing X-GitHub-Event or X-Gogs-Event') };
  if (event !== 'push' && event !== 'ping') return { error: badRequest(`Unknown X-GitHub-Event or X-Gogs-Event ${event}`) };
  if (event === 'ping') return { outcome: 'ignored', reason: 'ping' };

  const payload = parseJsonObject(request.body);
  if ('error' in payload) return payload;
  const ref = stringField(payload.value, 'ref');
  if (!gitRefMatches(ref, bc.spec.source?.git?.ref)) return branchMismatch(ref);
  const head = objectField(payload.value, 'head_commit');
  return {
    build: true,
    revision: gitRevision({
      commit: stringField(head, 'id'),
      author: user(objectField(head, 'author')),
      committer: user(objectField(head, 'committer')),
      message: stringField(head, 'message'),
    }),
  };
}

function extractGitLab(bc: BuildConfig, request: BuildWebhookRequest): Extracted {
  const contentTypeError = requireJsonContentType(request);
  if (contentTypeError) return contentTypeError;
  const event = header(request, 'X-Gitlab-Event');
  if (!event) return { error: badRequest('missing X-Gitlab-Event') };
  if (event !== 'Push Hook') return { error: badRequest(`Unknown X-Gitlab-Event ${event}`) };

  const payload = parseJsonObject(request.body);
  if ('error' in payload) return payload;
  const ref = stringField(payload.value, 'ref');
  if (!gitRefMatches(ref, bc.spec.source?.git?.ref)) return branchMismatch(ref);
  // GitLab has no head_commit; OpenShift takes commits[0] and uses its author as committer too.
  const commits = payload.value['commits'];
  const first = Array.isArray(commits) ? commits[0] : undefined;
  if (!isObject(first)) return noCommits();
  const author = user(objectField(first, 'author'));
  return {
    build: true,
    revision: gitRevision({ commit: stringField(first, 'id'), author, committer: author, message: stringField(first, 'message') }),
  };
}

function extractBitbucket(bc: BuildConfig, request: BuildWebhookRequest): Extracted {
  const contentTypeError = requireJsonContentType(request);
  if (contentTypeError) return contentTypeError;
  const event = header(request, 'X-Event-Key');
  if (!event) return { error: badRequest('missing X-Event-Key') };
  if (event !== 'repo:push' && event !== 'repo:refs_changed') return { error: badRequest(`Unknown Bitbucket X-Event-Key ${event}`) };

  const payload = parseJsonObject(request.body);
  if ('error' in payload) return payload;
  const configured = bc.spec.source?.git?.ref;
  if (event === 'repo:refs_changed') {
    // Bitbucket Server: {changes: [{ref: {displayId}, toHash}]}
    const changes = payload.value['changes'];
    const change = Array.isArray(changes) ? changes[0] : undefined;
    if (!isObject(change)) return { error: badRequest('Unable to extract valid event from payload') };
    const branch = stringField(objectField(change, 'ref'), 'displayId');
    if (!gitRefMatches(branch, configured)) return branchMismatch(branch);
    return { build: true, revision: gitRevision({ commit: stringField(change, 'toHash') }) };
  }
  // Bitbucket Cloud: {push: {changes: [{old: {name}, commits: [{hash, message, author: {username}}]}]}}.
  // OpenShift matches on `old.name` (a deleted branch has no `new`).
  const changes = objectField(payload.value, 'push')?.['changes'];
  const change = Array.isArray(changes) ? changes[0] : undefined;
  if (!isObject(change)) return { error: badRequest('Unable to extract valid event from payload') };
  const branch = stringField(objectField(change, 'old'), 'name');
  if (!gitRefMatches(branch, configured)) return branchMismatch(branch);
  const commits = change['commits'];
  const first = Array.isArray(commits) ? commits[0] : undefined;
  if (!isObject(first)) return noCommits();
  const username = stringField(objectField(first, 'author'), 'username');
  const author = username !== undefined ? { name: username } : undefined;
  return {
    build: true,
    revision: gitRevision({ commit: stringField(first, 'hash'), author, committer: author, message: stringField(first, 'message') }),
  };
}

function extractGeneric(bc: BuildConfig, trigger: WebHookTrigger, request: BuildWebhookRequest, context: BuildWebhookContext): Extracted {
  const rawContentType = header(request, 'Content-Type');
  let mediaType = '';
  if (rawContentType) {
    const parsed = parseMediaType(rawContentType);
    if ('error' in parsed) return { error: badRequest(`error parsing Content-Type: ${parsed.error}`) };
    mediaType = parsed.mediaType;
  }
  const text = bodyText(request.body);
  // The payload is optional: no body is a plain "build now".
  if (text === '') return { build: true };
  if (mediaType !== 'application/json' && mediaType !== 'application/yaml') {
    return { build: true, warning: 'invalid Content-Type on payload, ignoring payload and continuing with build' };
  }

  let payload: unknown;
  if (mediaType === 'application/yaml') {
    try {
      payload = context.parseYaml ? context.parseYaml(text) : JSON.parse(text);
    } catch (error) {
      // Without a YAML parser only the JSON subset of YAML can be read.
      const why = context.parseYaml ? (error as Error).message : 'only the JSON form of YAML can be read';
      return { build: true, warning: `error converting payload to json: ${why}, ignoring payload and continuing with build` };
    }
  } else {
    try {
      payload = JSON.parse(text);
    } catch (error) {
      return { build: true, warning: `error unmarshalling payload: ${(error as Error).message}, ignoring payload and continuing with build` };
    }
  }
  const shapeProblem = genericPayloadProblem(payload);
  if (shapeProblem) {
    return { build: true, warning: `error unmarshalling payload: ${shapeProblem}, ignoring payload and continuing with build` };
  }
  const event = payload as Record<string, unknown>;
  const env = trigger.allowEnv === true && Array.isArray(event['env']) && event['env'].length > 0 ? (event['env'] as EnvVar[]).map((e) => ({ ...e })) : undefined;
  const dockerStrategyOptions = isObject(event['dockerStrategyOptions']) ? { ...event['dockerStrategyOptions'] } : undefined;
  const extras = { ...(env ? { env } : {}), ...(dockerStrategyOptions ? { dockerStrategyOptions } : {}) };

  // Everything below is about git sources.
  const source = bc.spec.source?.git;
  if (!source) return { build: true, ...extras };
  const git = objectField(event, 'git');
  if (!git) return { build: true, ...extras, warning: 'no git information found in payload, ignoring and continuing with build' };

  const refs = git['refs'];
  if (Array.isArray(refs)) {
    for (const ref of refs as Record<string, unknown>[]) {
      if (gitRefMatches(stringField(ref, 'ref'), source.ref)) return { build: true, ...extras, revision: revisionFromGitInfo(ref) };
    }
    return { outcome: 'ignored', reason: `skipping build. None of the supplied refs matched ${goQuote(source.ref ?? '')}` };
  }
  const ref = stringField(git, 'ref');
  if (!gitRefMatches(ref, source.ref)) {
    return { outcome: 'ignored', reason: `skipping build. Branch reference from ${goQuote(ref ?? '')} does not match configuration` };
  }
  return { build: true, ...extras, revision: revisionFromGitInfo(git) };
}

// The generic payload must fit OpenShift's GenericWebHookEvent; a value of the wrong type is an
// unmarshalling error there (payload ignored, build continues).
function genericPayloadProblem(payload: unknown): string | undefined {
  if (!isObject(payload)) return 'the payload must be an object';
  const git = payload['git'];
  if (git !== undefined && git !== null) {
    if (!isObject(git)) return 'git must be an object';
    for (const key of ['uri', 'ref', 'commit', 'message', 'httpProxy', 'httpsProxy', 'noProxy']) {
      if (git[key] !== undefined && git[key] !== null && typeof git[key] !== 'string') return `git.${key} must be a string`;
    }
    for (const key of ['author', 'committer']) {
      if (git[key] !== undefined && git[key] !== null && !isObject(git[key])) return `git.${key} must be an object`;
    }
    const refs = git['refs'];
    if (refs !== undefined && refs !== null) {
      if (!Array.isArray(refs) || !refs.every(isObject)) return 'git.refs must be a list of objects';
      if (!refs.every((r) => r['ref'] === undefined || typeof r['ref'] === 'string')) return 'git.refs[].ref must be a string';
    }
  }
  const env = payload['env'];
  if (env !== undefined && env !== null) {
    if (!Array.isArray(env)) return 'env must be a list';
    const bad = env.findIndex((e) => !isObject(e) || typeof e['name'] !== 'string' || (e['value'] !== undefined && typeof e['value'] !== 'string'));
    if (bad !== -1) return `env[${bad}] must be {name: string, value?: string}`;
  }
  const options = payload['dockerStrategyOptions'];
  if (options !== undefined && options !== null && !isObject(options)) return 'dockerStrategyOptions must be an object';
  return undefined;
}

function revisionFromGitInfo(info: Record<string, unknown>): SourceRevision {
  return gitRevision({
    commit: stringField(info, 'commit'),
    author: user(objectField(info, 'author')),
    committer: user(objectField(info, 'committer')),
    message: stringField(info, 'message'),
  });
}

function gitRevision(fields: { commit?: string; author?: SourceControlUser; committer?: SourceControlUser; message?: string }): SourceRevision {
  const git: GitSourceRevision = {};
  if (fields.commit !== undefined) git.commit = fields.commit;
  if (fields.author !== undefined) git.author = fields.author;
  if (fields.committer !== undefined) git.committer = fields.committer;
  if (fields.message !== undefined) git.message = fields.message;
  return { git };
}

function user(value: Record<string, unknown> | undefined): SourceControlUser | undefined {
  if (!value) return undefined;
  const result: SourceControlUser = {};
  const name = stringField(value, 'name');
  const email = stringField(value, 'email');
  if (name !== undefined) result.name = name;
  if (email !== undefined) result.email = email;
  return result;
}

function requireJsonContentType(request: BuildWebhookRequest): { error: BuildWebhookError } | undefined {
  const contentType = header(request, 'Content-Type') ?? '';
  const parsed = parseMediaType(contentType);
  if ('error' in parsed) return { error: badRequest(`non-parseable Content-Type ${contentType} (${parsed.error})`) };
  if (parsed.mediaType !== 'application/json') return { error: badRequest(`unsupported Content-Type ${contentType}`) };
  return undefined;
}

function parseJsonObject(body: string | Uint8Array | undefined): { value: Record<string, unknown> } | { error: BuildWebhookError } {
  let value: unknown;
  try {
    value = JSON.parse(bodyText(body));
  } catch (error) {
    return { error: badRequest((error as Error).message) };
  }
  if (!isObject(value)) return { error: badRequest('the payload must be a JSON object') };
  return { value };
}

function branchMismatch(ref: string | undefined): Extracted {
  return { outcome: 'ignored', reason: `skipping build. Branch reference from ${goQuote(ref ?? '')} does not match configuration` };
}

function noCommits(): Extracted {
  return { outcome: 'ignored', reason: 'skipping build. The push event carries no commits' };
}

/**
 * Go's `mime.ParseMediaType`, as far as the webhooks need it: `type/subtype` (or a lone token)
 * made of RFC 2045 token characters, lower-cased, then `; key=value` parameters.
 */
function parseMediaType(value: string): { mediaType: string } | { error: string } {
  const [head, ...params] = value.split(';');
  const mediaType = head.trim().toLowerCase();
  const first = TOKEN.exec(mediaType)?.[0] ?? '';
  if (first === '') return { error: 'mime: no media type' };
  let rest = mediaType.slice(first.length);
  if (rest !== '') {
    if (!rest.startsWith('/')) return { error: 'mime: expected slash after first token' };
    const subtype = TOKEN.exec(rest.slice(1))?.[0] ?? '';
    if (subtype === '') return { error: 'mime: expected token after slash' };
    rest = rest.slice(1 + subtype.length);
    if (rest !== '') return { error: 'mime: unexpected content after media subtype' };
  }
  for (const param of params) {
    const trimmed = param.trim();
    if (trimmed === '') continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0 || !TOKEN.test(trimmed.slice(0, eq).trim())) return { error: 'mime: invalid media parameter' };
  }
  return { mediaType };
}

function header(request: BuildWebhookRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(request.headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue;
    const first = typeof value === 'string' ? value : value[0];
    if (first !== undefined) return first;
  }
  return undefined;
}

function bodyText(body: string | Uint8Array | undefined): string {
  if (body === undefined) return '';
  return typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
}

function stripRefPrefix(ref: string): string {
  return ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : ref;
}

function isWebhookType(type: string): type is BuildWebhookType {
  return (BUILD_WEBHOOK_TYPES as readonly string[]).includes(type);
}

function badRequest(message: string): BuildWebhookError {
  return { code: 400, reason: 'BadRequest', message };
}

// Go's %q for the strings that appear here (JSON escaping is the same for printable text).
function goQuote(value: string): string {
  return JSON.stringify(value);
}

function stringField(object: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = object?.[key];
  return typeof value === 'string' ? value : undefined;
}

function objectField(object: Record<string, unknown> | undefined, key: string): Record<string, unknown> | undefined {
  const value = object?.[key];
  return isObject(value) ? value : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
