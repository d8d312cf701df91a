import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent } from 'undici';
import { type AddressPolicy, CompiledAddressPolicy, createPolicyConnector } from './address-policy';
import {
  BlobNotFoundError,
  HttpOnlyRegistryError,
  InvalidReferenceError,
  InvalidRegistryResponseError,
  ManifestNotFoundError,
  RateLimitedError,
  RegistryClientClosedError,
  RegistryClientError,
  RegistryConnectionError,
  RegistryHttpError,
  RepositoryNotFoundError,
  UnauthorizedError,
} from './errors';
import { baseMediaType, isSpecificMediaType, MANIFEST_ACCEPT, OCI_IMAGE_INDEX, OCI_IMAGE_MANIFEST } from './media-types';
import {
  computeDigest,
  isDigest,
  isValidTag,
  isVerifiableDigest,
  matchesDigest,
  type RegistryTarget,
  type ResolvedTarget,
  resolveTarget,
  validateDigest,
  validateReference,
} from './names';
import { type BlobSink, describeUrl, header, type HttpResult, SinkError, Transport } from './transport';
import { type AuthChallenge, parseWwwAuthenticate } from './www-authenticate';

/** Registry credentials. An identity (refresh) token is passed as username `<token>` with the token as password. */
export interface RegistryCredentials {
  username: string;
  password: string;
}

export interface RegistryClientOptions {
  /**
   * Deadline of one HTTP request (connect, headers and body); for {@link RegistryClient.downloadBlob}
   * only until the headers, then the longest idle gap in the body. Timeouts are not retried.
   */
  timeoutMs: number;
  /** Largest manifest (and tag list page) accepted. Default 4 MiB. */
  maxManifestBytes: number;
  /** Default cap of {@link RegistryClient.getBlob} (image configs). Default 8 MiB. */
  maxConfigBytes: number;
  /** Extra attempts after a connection failure or a 408/425/429/5xx. */
  retries: number;
  /** Exponential backoff with full jitter: attempt n waits random(0, min(retryMaxMs, retryBaseMs * 2^n)). */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Checked when connecting (registry, every redirect hop, token realm), after DNS resolution. */
  addressPolicy: AddressPolicy;
  userAgent?: string;
}

export interface ManifestHead {
  /** `sha256:<hex>` (or what the registry reported for a tag, once verified). */
  digest: string;
  mediaType: string;
  size: number;
}

export interface FetchedManifest extends ManifestHead {
  /** Exactly the bytes the registry served; `digest` is their digest. */
  bytes: Buffer;
}

export const DEFAULT_REGISTRY_CLIENT_OPTIONS: Readonly<Omit<RegistryClientOptions, 'addressPolicy'>> = Object.freeze({
  timeoutMs: 30_000,
  maxManifestBytes: 4 * 1024 * 1024,
  maxConfigBytes: 8 * 1024 * 1024,
  retries: 3,
  retryBaseMs: 250,
  retryMaxMs: 10_000,
  userAgent: 'imagestreams-importer',
});

/** The longest `Retry-After` one call waits for; longer ones become {@link RateLimitedError}. */
export const MAX_RETRY_AFTER_WAIT_MS = 60_000;

const TOKEN_BODY_LIMIT = 1024 * 1024;
const MAX_TOKEN_TTL_MS = 60 * 60_000;
const DEFAULT_TOKEN_TTL_S = 60;
const CACHE_ENTRIES = 1000;
const OAUTH_CLIENT_ID = 'imagestreams-importer';
const IDENTITY_TOKEN_USERNAME = '<token>';
const TAG_PAGE_SIZE = 1000;

interface CachedToken {
  token: string;
  expiresAt: number;
}

interface AuthState {
  header: string;
  kind: 'basic' | 'bearer';
  /** Cache key of the bearer token, to forget it when the registry rejects it. */
  tokenKey?: string;
  /** User credentials went into it (Basic to the registry, or to the token realm). */
  withCredentials: boolean;
}

interface RegistryRequest {
  method: 'GET' | 'HEAD';
  accept?: string;
  bodyLimit: number;
  sink?: BlobSink<unknown>;
}

type Operation = { kind: 'manifest'; reference: string } | { kind: 'blob'; digest: string } | { kind: 'tags' };

/** A Map that forgets its oldest entries beyond a size. */
class BoundedMap<K, V> extends Map<K, V> {
  constructor(private readonly limit: number) {
    super();
  }

  override set(key: K, value: V): this {
    super.delete(key);
    super.set(key, value);
    while (this.size > this.limit) super.delete(this.keys().next().value as K);
    return this;
  }
}

function validateOptions(input: Partial<RegistryClientOptions>): RegistryClientOptions {
  const given = Object.fromEntries(Object.entries(input ?? {}).filter(([, value]) => value !== undefined)) as Partial<RegistryClientOptions>;
  const options: RegistryClientOptions = {
    ...DEFAULT_REGISTRY_CLIENT_OPTIONS,
    ...given,
    addressPolicy: {
      allowLoopback: input?.addressPolicy?.allowLoopback === true,
      allowPrivate: input?.addressPolicy?.allowPrivate === true,
      allowedCidrs: [...(input?.addressPolicy?.allowedCidrs ?? [])],
    },
  };
  const positive = ['timeoutMs', 'maxManifestBytes', 'maxConfigBytes', 'retryBaseMs', 'retryMaxMs'] as const;
  for (const name of positive) {
    if (!Number.isSafeInteger(options[name]) || options[name] <= 0) throw new RangeError(`RegistryClient: ${name} must be a positive integer`);
  }
  if (!Number.isSafeInteger(options.retries) || options.retries < 0) throw new RangeError('RegistryClient: retries must be a non-negative integer');
  return options;
}

function checkCredentials(auth: RegistryCredentials | undefined): RegistryCredentials | undefined {
  if (auth === undefined || auth === null) return undefined;
  if (typeof auth !== 'object' || typeof auth.username !== 'string' || typeof auth.password !== 'string') {
    throw new InvalidReferenceError('argument', '<credentials>', 'credentials need a string username and password');
  }
  return auth;
}

function fingerprint(auth: RegistryCredentials | undefined): string {
  if (!auth) return 'anonymous';
  return createHash('sha256').update(auth.username).update('\0').update(auth.password).digest('hex');
}

function repositoryChallengeKey(target: ResolvedTarget, credentials: RegistryCredentials | undefined): string {
  return `${target.host}|${target.repository}|${fingerprint(credentials)}`;
}

/** Where a Basic challenge is remembered for the whole registry (a repository name never contains `*`). */
function registryChallengeKey(target: ResolvedTarget, credentials: RegistryCredentials | undefined): string {
  return `${target.host}|*|${fingerprint(credentials)}`;
}

function basicAuthorization(auth: RegistryCredentials): string {
  return `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`;
}

/** `Retry-After` (delta seconds or an HTTP date) in ms; undefined when absent or unparsable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || (status >= 500 && status <= 599);
}

function isOk(status: number): boolean {
  return status >= 200 && status < 300;
}

/** First registry error (`{"errors":[{"code","message"}]}`) of an error body. */
function registryError(body: Buffer): { code?: string; message?: string } {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { errors?: { code?: unknown; message?: unknown }[] };
    const first = Array.isArray(parsed?.errors) ? parsed.errors[0] : undefined;
    return {
      code: typeof first?.code === 'string' ? first.code.slice(0, 64) : undefined,
      message: typeof first?.message === 'string' ? first.message.slice(0, 200) : undefined,
    };
  } catch {
    return {};
  }
}

function parseJsonObject(bytes: Buffer, url: URL, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new InvalidRegistryResponseError(describeUrl(url), `${what} is not valid JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidRegistryResponseError(describeUrl(url), `${what} is not a JSON object`);
  }
  return parsed as Record<string, unknown>;
}

/** TLS or protocol failures that a plain HTTP server on the port typically causes. */
function looksLikePlainHttpPort(error: RegistryConnectionError, target: ResolvedTarget): boolean {
  const code = error.code ?? '';
  const message = error.cause instanceof Error ? error.cause.message : '';
  if (code.startsWith('ERR_SSL_') || code === 'EPROTO' || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return true;
  if (/wrong version number|packet length too long|unknown protocol|http request/i.test(message)) return true;
  // https://host → :443 refused while http://host → :80 may answer.
  return code === 'ECONNREFUSED' && !target.explicitPort;
}

/** `<url>; rel="next"` from a Link header. */
function nextLink(value: string | string[] | undefined): string | undefined {
  const values = Array.isArray(value) ? value : value ? [value] : [];
  for (const entry of values) {
    for (const match of entry.matchAll(/<([^>]*)>([^,<]*)/g)) {
      const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(match[2]);
      if (rel && (rel[1] ?? rel[2]).toLowerCase().split(/\s+/).includes('next')) return match[1];
    }
  }
  return undefined;
}

/**
 * HTTP client for the Docker Registry HTTP API v2 / OCI distribution API: manifests, image configs,
 * tag lists and streamed layers of external registries. One undici Agent (keep-alive pool) per
 * client; every connection is checked against the address policy; anonymous first, then Bearer or
 * Basic as the registry challenges.
 */
export class RegistryClient {
  readonly options: Readonly<RegistryClientOptions>;
  private readonly agent: Agent;
  private readonly transport: Transport;
  private readonly closeController = new AbortController();
  private closing?: Promise<void>;
  /** host → scheme that worked (`http` is only used for insecure targets). */
  private readonly schemes = new BoundedMap<string, 'https' | 'http'>(CACHE_ENTRIES);
  /** host|repository|credentials → the challenge last seen, to authenticate the next request up front. */
  private readonly challenges = new BoundedMap<string, AuthChallenge>(CACHE_ENTRIES);
  /** host|realm|service|scope|credentials → bearer token. */
  private readonly tokens = new BoundedMap<string, CachedToken>(CACHE_ENTRIES);
  private readonly pendingTokens = new Map<string, Promise<CachedToken>>();

  constructor(options: Partial<RegistryClientOptions> = {}) {
    this.options = validateOptions(options);
    const policy = new CompiledAddressPolicy(this.options.addressPolicy);
    const { timeoutMs } = this.options;
    this.agent = new Agent({
      connect: createPolicyConnector(policy, { timeout: timeoutMs }),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      connections: 32,
    });
    this.transport = new Transport(this.agent, timeoutMs, this.closeController.signal);
  }

  /**
   * HEAD `/v2/<repo>/manifests/<ref>` accepting OCI manifest/index and Docker schema2/list. Falls back
   * to GET (digest computed from the body) when the registry leaves out Docker-Content-Digest, a
   * specific Content-Type or Content-Length.
   */
  async headManifest(target: RegistryTarget, reference: string, auth?: RegistryCredentials): Promise<ManifestHead> {
    const resolved = resolveTarget(target);
    const ref = validateReference(reference);
    const credentials = checkCredentials(auth);
    const { result, credentialsSent } = await this.registryRequest(
      resolved,
      `/v2/${resolved.repository}/manifests/${ref}`,
      { method: 'HEAD', accept: MANIFEST_ACCEPT, bodyLimit: 0 },
      credentials,
    );
    if (!isOk(result.status)) throw this.statusError(resolved, result, credentialsSent, { kind: 'manifest', reference: ref });
    const digest = header(result.headers, 'docker-content-digest')?.trim();
    const mediaType = baseMediaType(result.headers['content-type']);
    const length = header(result.headers, 'content-length');
    const size = length !== undefined && /^\d+$/.test(length.trim()) ? Number(length) : NaN;
    if (!isVerifiableDigest(digest) || !isSpecificMediaType(mediaType) || !Number.isSafeInteger(size)) {
      const manifest = await this.getManifest(target, reference, auth);
      return { digest: manifest.digest, mediaType: manifest.mediaType, size: manifest.size };
    }
    if (isDigest(ref) && digest !== ref) {
      throw new InvalidRegistryResponseError(describeUrl(result.url), `Docker-Content-Digest ${digest} does not match the requested ${ref}`);
    }
    if (size > this.options.maxManifestBytes) {
      throw new InvalidRegistryResponseError(describeUrl(result.url), `manifest of ${size} bytes exceeds the limit of ${this.options.maxManifestBytes}`);
    }
    return { digest, mediaType, size };
  }

  /** GET the manifest bytes. The digest is verified against the reference (digest) or Docker-Content-Digest (tag). */
  async getManifest(target: RegistryTarget, reference: string, auth?: RegistryCredentials): Promise<FetchedManifest> {
    const resolved = resolveTarget(target);
    const ref = validateReference(reference);
    const credentials = checkCredentials(auth);
    const { result, credentialsSent } = await this.registryRequest(
      resolved,
      `/v2/${resolved.repository}/manifests/${ref}`,
      { method: 'GET', accept: MANIFEST_ACCEPT, bodyLimit: this.options.maxManifestBytes },
      credentials,
    );
    if (!isOk(result.status)) throw this.statusError(resolved, result, credentialsSent, { kind: 'manifest', reference: ref });
    const bytes = result.body;
    const where = describeUrl(result.url);
    const manifest = parseJsonObject(bytes, result.url, 'manifest');
    if (typeof manifest['schemaVersion'] !== 'number') throw new InvalidRegistryResponseError(where, 'manifest has no schemaVersion');

    const headerType = baseMediaType(result.headers['content-type']);
    const bodyType = typeof manifest['mediaType'] === 'string' ? manifest['mediaType'] : undefined;
    let mediaType: string | undefined = isSpecificMediaType(headerType) ? headerType : bodyType;
    if (isSpecificMediaType(headerType) && bodyType !== undefined && bodyType !== headerType) {
      throw new InvalidRegistryResponseError(where, `Content-Type ${headerType} contradicts the manifest's mediaType ${bodyType}`);
    }
    if (mediaType === undefined && manifest['schemaVersion'] === 2) {
      // OCI allows leaving mediaType out; the structure tells index from image manifest.
      if (Array.isArray(manifest['manifests'])) mediaType = OCI_IMAGE_INDEX;
      else if (typeof manifest['config'] === 'object' && Array.isArray(manifest['layers'])) mediaType = OCI_IMAGE_MANIFEST;
    }
    if (mediaType === undefined || !isSpecificMediaType(mediaType)) throw new InvalidRegistryResponseError(where, 'cannot tell the manifest media type');

    let digest: string;
    if (isDigest(ref)) {
      if (!matchesDigest(bytes, ref)) throw new InvalidRegistryResponseError(where, `manifest bytes do not match the digest ${ref}`);
      digest = ref;
    } else {
      const announced = header(result.headers, 'docker-content-digest')?.trim();
      if (isVerifiableDigest(announced)) {
        if (!matchesDigest(bytes, announced)) throw new InvalidRegistryResponseError(where, `manifest bytes do not match Docker-Content-Digest ${announced}`);
        digest = announced;
      } else {
        digest = computeDigest(bytes, 'sha256');
      }
    }
    return { digest, mediaType, size: bytes.length, bytes };
  }

  /** GET a blob (an image config), following storage redirects, capped at `maxBytes` (default `maxConfigBytes`); the digest is verified. */
  async getBlob(target: RegistryTarget, digest: string, maxBytes?: number, auth?: RegistryCredentials): Promise<Buffer> {
    const resolved = resolveTarget(target);
    validateDigest(digest);
    const limit = maxBytes ?? this.options.maxConfigBytes;
    if (!Number.isSafeInteger(limit) || limit <= 0) throw new InvalidReferenceError('argument', String(maxBytes), 'maxBytes must be a positive integer');
    const credentials = checkCredentials(auth);
    const { result, credentialsSent } = await this.registryRequest(
      resolved,
      `/v2/${resolved.repository}/blobs/${digest}`,
      { method: 'GET', bodyLimit: limit },
      credentials,
    );
    if (!isOk(result.status)) throw this.statusError(resolved, result, credentialsSent, { kind: 'blob', digest });
    if (!matchesDigest(result.body, digest)) throw new InvalidRegistryResponseError(describeUrl(result.url), `blob bytes do not match ${digest}`);
    return result.body;
  }

  /**
   * GET a blob (a layer, possibly of several GB) and stream it into `sink` without buffering it, with
   * the same authentication, redirects, address policy and retries as {@link getBlob}. The digest is
   * NOT verified here: only the sink sees the bytes, so it verifies while writing. `timeoutMs` bounds
   * the wait for the response and each idle gap in the body, not the whole download. What the sink
   * throws reaches the caller unchanged and is not retried; a connection failure during the body is
   * retried, calling the sink again with a fresh body.
   */
  async downloadBlob<T>(target: RegistryTarget, digest: string, sink: BlobSink<T>, auth?: RegistryCredentials): Promise<T> {
    const resolved = resolveTarget(target);
    validateDigest(digest);
    if (typeof sink !== 'function') throw new InvalidReferenceError('argument', String(sink), 'sink must be a function');
    const credentials = checkCredentials(auth);
    try {
      const { result, credentialsSent } = await this.registryRequest(
        resolved,
        `/v2/${resolved.repository}/blobs/${digest}`,
        // bodyLimit only caps bodies read into memory: the sink takes a 2xx one.
        { method: 'GET', bodyLimit: 0, sink },
        credentials,
      );
      if (!isOk(result.status)) throw this.statusError(resolved, result, credentialsSent, { kind: 'blob', digest });
      return result.sinkResult as T;
    } catch (error) {
      throw error instanceof SinkError ? error.thrown : error;
    }
  }

  /** Tags of the repository, following `Link: <...>; rel="next"` pages until `limit` tags. Invalid tag names are skipped. */
  async listTags(target: RegistryTarget, auth?: RegistryCredentials, limit = 1000): Promise<string[]> {
    const resolved = resolveTarget(target);
    if (!Number.isSafeInteger(limit) || limit <= 0) throw new InvalidReferenceError('argument', String(limit), 'limit must be a positive integer');
    const credentials = checkCredentials(auth);
    const tags: string[] = [];
    const seen = new Set<string>();
    const visited = new Set<string>();
    let path: string | undefined = `/v2/${resolved.repository}/tags/list?n=${Math.min(limit, TAG_PAGE_SIZE)}`;
    while (path !== undefined && !visited.has(path)) {
      visited.add(path);
      const { result, credentialsSent } = await this.registryRequest(
        resolved,
        path,
        { method: 'GET', accept: 'application/json', bodyLimit: this.options.maxManifestBytes },
        credentials,
      );
      if (!isOk(result.status)) throw this.statusError(resolved, result, credentialsSent, { kind: 'tags' });
      const page = parseJsonObject(result.body, result.url, 'tag list');
      const pageTags = page['tags'] ?? [];
      if (!Array.isArray(pageTags)) throw new InvalidRegistryResponseError(describeUrl(result.url), 'tag list has no tags array');
      let added = 0;
      for (const tag of pageTags) {
        if (!isValidTag(tag) || seen.has(tag)) continue;
        seen.add(tag);
        tags.push(tag);
        added++;
        if (tags.length >= limit) return tags;
      }
      const link = nextLink(result.headers['link']);
      if (link === undefined || added === 0) break;
      let next: URL;
      try {
        next = new URL(link, result.url);
      } catch {
        throw new InvalidRegistryResponseError(describeUrl(result.url), 'invalid Link to the next page');
      }
      if (!this.isRegistryOrigin(resolved, next)) {
        throw new InvalidRegistryResponseError(describeUrl(result.url), `the next page is on another origin (${next.origin})`);
      }
      path = `${next.pathname}${next.search}`;
    }
    return tags;
  }

  /** Aborts calls in flight, refuses new ones and closes the pooled connections. */
  close(): Promise<void> {
    if (!this.closing) {
      this.closeController.abort();
      this.closing = this.agent.close();
    }
    return this.closing;
  }

  // ---------------------------------------------------------------------------------------------
  // Authentication

  /**
   * One registry request with authentication: whatever the last challenge for this repository and
   * credentials asks for is sent up front (usually a cached bearer token); otherwise anonymous first,
   * and on 401 the challenge is answered and the request retried once.
   */
  private async registryRequest(
    target: ResolvedTarget,
    path: string,
    request: RegistryRequest,
    credentials: RegistryCredentials | undefined,
  ): Promise<{ result: HttpResult; credentialsSent: boolean }> {
    const challengeKey = repositoryChallengeKey(target, credentials);
    let auth = await this.upfrontAuth(target, challengeKey, credentials);
    let result = await this.send(target, path, request, auth?.header);
    if (result.status !== 401) return { result, credentialsSent: auth?.withCredentials ?? false };

    if (auth?.tokenKey) this.tokens.delete(auth.tokenKey);
    if (!this.isRegistryOrigin(target, result.url)) {
      // Credentials only ever go to the registry (and the realm it names), not to redirect targets.
      throw new UnauthorizedError(target.host, 401, false, `${result.url.origin} asked for credentials after a redirect`);
    }
    const challenges = parseWwwAuthenticate(result.headers['www-authenticate']);
    const challenge = challenges.find((c) => c.scheme === 'bearer' && c.params['realm']) ?? challenges.find((c) => c.scheme === 'basic');
    if (!challenge) {
      throw new UnauthorizedError(target.host, 401, auth?.withCredentials ?? false, registryError(result.body).message ?? 'no supported authentication challenge');
    }
    if (challenge.scheme === 'basic') {
      if (!credentials) throw new UnauthorizedError(target.host, 401, false, 'the registry requires credentials');
      if (auth?.kind === 'basic') throw new UnauthorizedError(target.host, 401, true, registryError(result.body).message);
      auth = { header: basicAuthorization(credentials), kind: 'basic', withCredentials: true };
    } else {
      auth = await this.bearerAuth(target, challenge, credentials);
    }
    this.challenges.set(challengeKey, challenge);
    // Basic is per registry, not per repository: the next repository gets it up front too.
    if (challenge.scheme === 'basic') this.challenges.set(registryChallengeKey(target, credentials), challenge);

    result = await this.send(target, path, request, auth.header);
    if (result.status === 401) {
      if (auth.tokenKey) this.tokens.delete(auth.tokenKey);
      throw new UnauthorizedError(target.host, 401, auth.withCredentials, registryError(result.body).message);
    }
    return { result, credentialsSent: auth.withCredentials };
  }

  private async upfrontAuth(target: ResolvedTarget, challengeKey: string, credentials: RegistryCredentials | undefined): Promise<AuthState | undefined> {
    const challenge = this.challenges.get(challengeKey) ?? this.challenges.get(registryChallengeKey(target, credentials));
    if (!challenge) return undefined;
    if (challenge.scheme === 'basic') return credentials ? { header: basicAuthorization(credentials), kind: 'basic', withCredentials: true } : undefined;
    return this.bearerAuth(target, challenge, credentials);
  }

  /** A bearer token for the challenge: cached per (registry, realm, service, scope, credentials), fetched once when several calls need it. */
  private async bearerAuth(target: ResolvedTarget, challenge: AuthChallenge, credentials: RegistryCredentials | undefined): Promise<AuthState> {
    const { realm, service = '', scope = '' } = challenge.params;
    const key = [target.host, realm, service, scope, fingerprint(credentials)].join('\n');
    const withCredentials = credentials !== undefined;
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > Date.now()) return { header: `Bearer ${cached.token}`, kind: 'bearer', tokenKey: key, withCredentials };
    let pending = this.pendingTokens.get(key);
    if (!pending) {
      pending = this.fetchToken(target, challenge, credentials)
        .then((token) => {
          this.tokens.set(key, token);
          return token;
        })
        .finally(() => this.pendingTokens.delete(key));
      this.pendingTokens.set(key, pending);
    }
    const token = await pending;
    return { header: `Bearer ${token.token}`, kind: 'bearer', tokenKey: key, withCredentials };
  }

  /**
   * Docker token protocol: GET realm?service=..&scope=.. (Basic credentials if any); an identity
   * token (username `<token>`) is exchanged with the OAuth2 refresh_token grant, falling back to GET
   * when the realm has no OAuth2 endpoint.
   */
  private async fetchToken(target: ResolvedTarget, challenge: AuthChallenge, credentials: RegistryCredentials | undefined): Promise<CachedToken> {
    let realm: URL;
    try {
      realm = new URL(challenge.params['realm']);
    } catch {
      throw new InvalidRegistryResponseError(target.host, 'the bearer realm is not a URL');
    }
    if (realm.protocol !== 'https:' && realm.protocol !== 'http:') throw new InvalidRegistryResponseError(target.host, `bearer realm with scheme ${realm.protocol}`);
    if (realm.username || realm.password) throw new InvalidRegistryResponseError(target.host, 'bearer realm with credentials in the URL');
    if (realm.protocol === 'http:' && !target.insecure) throw new InvalidRegistryResponseError(target.host, `the bearer realm ${realm.origin} is plain http`);
    const { service, scope } = challenge.params;
    const scopes = (scope ?? '').split(' ').filter(Boolean);
    const headers = { 'user-agent': this.userAgent, accept: 'application/json' };

    if (credentials?.username === IDENTITY_TOKEN_USERNAME) {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: credentials.password, client_id: OAUTH_CLIENT_ID });
      if (service) form.set('service', service);
      if (scopes.length) form.set('scope', scopes.join(' '));
      const result = await this.withRetries(target.host, () =>
        this.transport.follow(realm, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
          body: form.toString(),
          bodyLimit: TOKEN_BODY_LIMIT,
          allowDowngrade: target.insecure,
        }),
      );
      if (result.status !== 404 && result.status !== 405) return this.readToken(target, result, true);
    }

    const url = new URL(realm);
    if (service) url.searchParams.set('service', service);
    for (const entry of scopes) url.searchParams.append('scope', entry);
    const result = await this.withRetries(target.host, () =>
      this.transport.follow(url, {
        method: 'GET',
        headers,
        authorization: credentials ? basicAuthorization(credentials) : undefined,
        bodyLimit: TOKEN_BODY_LIMIT,
        allowDowngrade: target.insecure,
      }),
    );
    return this.readToken(target, result, credentials !== undefined);
  }

  private readToken(target: ResolvedTarget, result: HttpResult, withCredentials: boolean): CachedToken {
    if (result.status === 401 || result.status === 403) {
      throw new UnauthorizedError(target.host, result.status, withCredentials, `the token service ${result.url.origin} refused`);
    }
    if (!isOk(result.status)) {
      const { code, message } = registryError(result.body);
      throw new RegistryHttpError(describeUrl(result.url), result.status, code, message);
    }
    const body = parseJsonObject(result.body, result.url, 'token response');
    const token = typeof body['token'] === 'string' && body['token'] ? body['token'] : body['access_token'];
    if (typeof token !== 'string' || !/^[\x21-\x7e]+$/.test(token)) {
      throw new InvalidRegistryResponseError(describeUrl(result.url), 'token response without a usable token');
    }
    const expiresIn = typeof body['expires_in'] === 'number' && body['expires_in'] > 0 ? body['expires_in'] : DEFAULT_TOKEN_TTL_S;
    const ttlMs = Math.min(expiresIn * 1000, MAX_TOKEN_TTL_MS);
    // Renew a little early so a token does not expire between the check and the request.
    return { token, expiresAt: Date.now() + ttlMs - Math.min(30_000, ttlMs / 10) };
  }

  // ---------------------------------------------------------------------------------------------
  // Transport: scheme, retries

  private get userAgent(): string {
    return this.options.userAgent || 'imagestreams-importer';
  }

  private isRegistryOrigin(target: ResolvedTarget, url: URL): boolean {
    return url.origin === new URL(`${url.protocol}//${target.host}`).origin;
  }

  private send(target: ResolvedTarget, path: string, request: RegistryRequest, authorization: string | undefined): Promise<HttpResult> {
    const headers: Record<string, string> = { 'user-agent': this.userAgent };
    if (request.accept) headers['accept'] = request.accept;
    return this.withRetries(target.host, () =>
      this.sendOnce(target, path, { method: request.method, headers, authorization, bodyLimit: request.bodyLimit, sink: request.sink }),
    );
  }

  /**
   * One attempt (with redirects) on the right scheme: the one that worked before; otherwise https,
   * then http for insecure targets (loopback insecure registries go straight to http). A TLS failure
   * against a registry that is not insecure is probed with plain http to report {@link HttpOnlyRegistryError}.
   */
  private async sendOnce(
    target: ResolvedTarget,
    path: string,
    request: { method: 'GET' | 'HEAD'; headers: Record<string, string>; authorization?: string; bodyLimit: number; sink?: BlobSink<unknown> },
  ): Promise<HttpResult> {
    const urlFor = (scheme: 'https' | 'http') => new URL(path, `${scheme}://${target.host}`);
    const follow = (scheme: 'https' | 'http') => this.transport.follow(urlFor(scheme), { ...request, allowDowngrade: target.insecure });
    const known = this.schemes.get(target.host);
    if (known === 'https' || (known === 'http' && target.insecure)) return follow(known);
    if (target.insecure && target.loopback) {
      const result = await follow('http');
      this.schemes.set(target.host, 'http');
      return result;
    }
    try {
      const result = await follow('https');
      this.schemes.set(target.host, 'https');
      return result;
    } catch (error) {
      const httpsOrigin = urlFor('https').origin;
      if (!(error instanceof RegistryConnectionError) || error.origin !== httpsOrigin) throw error;
      if (target.insecure) {
        const result = await follow('http');
        this.schemes.set(target.host, 'http');
        return result;
      }
      if (looksLikePlainHttpPort(error, target) && (await this.answersPlainHttp(target))) throw new HttpOnlyRegistryError(target.host, { cause: error });
      throw error;
    }
  }

  /**
   * Does `http://host/v2/` answer like a registry? A redirect (HTTPS sites commonly send port 80 to
   * https) does not count, so a transient TLS failure of an HTTPS registry is not misreported.
   */
  private async answersPlainHttp(target: ResolvedTarget): Promise<boolean> {
    try {
      const probe = await this.transport.hop(new URL('/v2/', `http://${target.host}`), {
        method: 'GET',
        headers: { 'user-agent': this.userAgent },
        bodyLimit: 64 * 1024,
      });
      return probe.status === 200 || probe.status === 401 || probe.status === 403 || header(probe.headers, 'docker-distribution-api-version') !== undefined;
    } catch {
      return false;
    }
  }

  /**
   * Retries connection failures and 408/425/429/5xx with exponential backoff and full jitter. A 429
   * (or 503) `Retry-After` is honoured up to {@link MAX_RETRY_AFTER_WAIT_MS}; a longer one, or a 429
   * that outlasts the retries, becomes {@link RateLimitedError}. Other final statuses are returned.
   */
  private async withRetries(registry: string, attemptOnce: () => Promise<HttpResult>): Promise<HttpResult> {
    const { retries, retryBaseMs, retryMaxMs } = this.options;
    const backoff = (attempt: number) => Math.random() * Math.min(retryMaxMs, retryBaseMs * 2 ** attempt);
    for (let attempt = 0; ; attempt++) {
      let result: HttpResult;
      try {
        result = await attemptOnce();
      } catch (error) {
        // A name that does not resolve will not resolve in a second either.
        if (!(error instanceof RegistryConnectionError) || error.code === 'ENOTFOUND' || attempt >= retries) throw error;
        await this.pause(backoff(attempt));
        continue;
      }
      if (!isRetryableStatus(result.status)) return result;
      const retryAfterMs = result.status === 429 || result.status === 503 ? parseRetryAfter(header(result.headers, 'retry-after')) : undefined;
      const tooLong = retryAfterMs !== undefined && retryAfterMs > MAX_RETRY_AFTER_WAIT_MS;
      if (tooLong || attempt >= retries) {
        if (result.status === 429) throw new RateLimitedError(registry, retryAfterMs ?? Math.min(retryMaxMs, retryBaseMs * 2 ** (attempt + 1)));
        return result;
      }
      await this.pause(retryAfterMs ?? backoff(attempt));
    }
  }

  private async pause(ms: number): Promise<void> {
    try {
      await sleep(ms, undefined, { signal: this.closeController.signal });
    } catch {
      throw new RegistryClientClosedError();
    }
  }

  private statusError(target: ResolvedTarget, result: HttpResult, credentialsSent: boolean, operation: Operation): RegistryClientError {
    const { code, message } = registryError(result.body);
    if (result.status === 401 || result.status === 403) return new UnauthorizedError(target.host, result.status, credentialsSent, message);
    if (result.status === 404 || code === 'MANIFEST_UNKNOWN' || code === 'NAME_UNKNOWN' || code === 'BLOB_UNKNOWN') {
      const reference = operation.kind === 'manifest' ? operation.reference : operation.kind === 'blob' ? operation.digest : 'tags/list';
      if (operation.kind === 'tags' || code === 'NAME_UNKNOWN') return new RepositoryNotFoundError(target.host, target.repository, reference, code);
      if (operation.kind === 'blob') return new BlobNotFoundError(target.host, target.repository, operation.digest, code);
      return new ManifestNotFoundError(target.host, target.repository, reference, code);
    }
    return new RegistryHttpError(describeUrl(result.url), result.status, code, message);
  }
}
