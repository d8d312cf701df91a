import { bareMediaType, isImageManifestMediaType, isIndexMediaType, isOciTagName } from '@imagestreams/domain-registry';
import { DOCKER_HUB_REGISTRY, isValidDigest, tryParseReference } from '@imagestreams/image-reference';

/**
 * "Something was pushed to this repository", distilled from a registry's webhook. Only fields
 * that passed validation are set, so downstream code can trust them as reference parts.
 */
export interface PushNotice {
  /** `host[:port]`, lowercased; absent when the payload does not say. */
  registry?: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/** Upper bound on notices from one payload, so a hostile body cannot make us do unbounded work. */
export const MAX_NOTICES_PER_NOTIFICATION = 1_000;

type JsonObject = Record<string, unknown>;

// Payloads whose repository has no registry part are validated against this stand-in host, since
// the reference grammar only checks a path in the context of a full name.
const PLACEHOLDER_REGISTRY = 'registry.invalid';
const HOST_PATTERN =
  /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;
const HARBOR_PUSH_TYPES: readonly unknown[] = ['PUSH_ARTIFACT', 'pushImage'];

/**
 * Reads a push webhook from any of the registries we know: CNCF distribution (and everything
 * built on it), Docker Hub, Harbor and Quay. The body is whatever JSON arrived, so anything
 * unrecognised, malformed or irrelevant (pulls, deletes, blob uploads) yields no notices; this
 * never throws.
 */
export function parseRegistryNotification(body: unknown): PushNotice[] {
  try {
    if (!isJsonObject(body)) return [];
    const notices = fromDistribution(body) ?? fromHarbor(body) ?? fromQuay(body) ?? fromDockerHub(body) ?? [];
    return unique(notices).slice(0, MAX_NOTICES_PER_NOTIFICATION);
  } catch {
    // Belt and braces: the readers below only look at plain JSON, but the body is untrusted.
    return [];
  }
}

/**
 * `{events: [{action, target: {mediaType, repository, tag?, digest?, url?}, request: {host}}]}`.
 * A push of one image sends events for every blob as well as the manifest; only manifests can
 * change what a tag points at, so the others are dropped.
 */
function fromDistribution(body: JsonObject): PushNotice[] | undefined {
  if (!Array.isArray(body['events'])) return undefined;
  const notices: PushNotice[] = [];
  for (const event of boundedList(body['events'])) {
    if (!isJsonObject(event) || event['action'] !== 'push' || !isJsonObject(event['target'])) continue;
    const target = event['target'];
    if (typeof target['mediaType'] !== 'string' || !isManifestMediaType(target['mediaType'])) continue;
    const request = isJsonObject(event['request']) ? event['request'] : {};
    const registry = hostOf(request['host']) ?? hostOfUrl(target['url']);
    pushIfValid(notices, { registry, repository: target['repository'], tag: target['tag'], digest: target['digest'] });
  }
  return notices;
}

/** `{push_data: {tag}, repository: {repo_name}}`: always Docker Hub. */
function fromDockerHub(body: JsonObject): PushNotice[] | undefined {
  if (!isJsonObject(body['push_data']) || !isJsonObject(body['repository'])) return undefined;
  const name = body['repository']['repo_name'];
  // Official images live under `library/`, and sources are normalised the same way.
  const repository = typeof name === 'string' && !name.includes('/') ? `library/${name}` : name;
  const notices: PushNotice[] = [];
  pushIfValid(notices, { registry: DOCKER_HUB_REGISTRY, repository, tag: body['push_data']['tag'] });
  return notices;
}

/**
 * `{type: 'PUSH_ARTIFACT' | 'pushImage', event_data: {repository: {repo_full_name},
 * resources: [{tag, digest, resource_url}]}}`: one notice per pushed artifact, the registry read
 * from `resource_url` (`harbor.example.com/library/nginx:1.25`).
 */
function fromHarbor(body: JsonObject): PushNotice[] | undefined {
  if (!HARBOR_PUSH_TYPES.includes(body['type']) || !isJsonObject(body['event_data'])) return undefined;
  const data = body['event_data'];
  const repository = isJsonObject(data['repository']) ? data['repository']['repo_full_name'] : undefined;
  const resources = Array.isArray(data['resources']) ? data['resources'] : [];
  const notices: PushNotice[] = [];
  for (const resource of boundedList(resources)) {
    if (!isJsonObject(resource)) continue;
    const registry = hostOfReference(resource['resource_url']);
    pushIfValid(notices, { registry, repository, tag: resource['tag'], digest: resource['digest'] });
  }
  return notices;
}

/**
 * `{repository: 'ns/repo', docker_url: 'quay.io/ns/repo', updated_tags: [...]}`: one notice per
 * updated tag, or a repository-wide one when Quay lists none.
 */
function fromQuay(body: JsonObject): PushNotice[] | undefined {
  if (typeof body['repository'] !== 'string' || typeof body['docker_url'] !== 'string') return undefined;
  const registry = hostOfReference(body['docker_url']);
  const repository = body['repository'];
  const tags = Array.isArray(body['updated_tags']) ? boundedList(body['updated_tags']) : [];
  const notices: PushNotice[] = [];
  if (tags.length === 0) pushIfValid(notices, { registry, repository });
  for (const tag of tags) {
    // Each entry must name a tag; a blank one must not widen into a repository-wide notice.
    if (typeof tag === 'string' && tag !== '') pushIfValid(notices, { registry, repository, tag });
  }
  return notices;
}

interface RawNotice {
  registry: string | undefined;
  repository: unknown;
  tag?: unknown;
  digest?: unknown;
}

/**
 * Keeps a notice only if every part is a valid reference part: a notice is used to decide which
 * imports to run, and a made-up repository or tag must not reach that decision. An empty tag or
 * digest is taken as "not given" (Docker Hub and Harbor send `""`); any other invalid one drops
 * the notice.
 */
function pushIfValid(notices: PushNotice[], raw: RawNotice): void {
  if (typeof raw.repository !== 'string' || !isRepositoryPath(raw.repository)) return;
  const notice: PushNotice = { repository: raw.repository };
  if (raw.registry !== undefined) notice.registry = raw.registry;

  if (raw.tag !== undefined && raw.tag !== null && raw.tag !== '') {
    if (!isOciTagName(raw.tag)) return;
    notice.tag = raw.tag;
  }
  if (raw.digest !== undefined && raw.digest !== null && raw.digest !== '') {
    if (!isValidDigest(raw.digest)) return;
    notice.digest = raw.digest;
  }
  if (notices.length < MAX_NOTICES_PER_NOTIFICATION) notices.push(notice);
}

function isRepositoryPath(repository: string): boolean {
  const parsed = tryParseReference(`${PLACEHOLDER_REGISTRY}/${repository}`);
  return (
    parsed.ok &&
    parsed.value.registry === PLACEHOLDER_REGISTRY &&
    parsed.value.repository === repository &&
    parsed.value.tag === undefined &&
    parsed.value.digest === undefined
  );
}

function isManifestMediaType(mediaType: string): boolean {
  const bare = bareMediaType(mediaType);
  return isImageManifestMediaType(bare) || isIndexMediaType(bare);
}

/** A `Host`-style `host[:port]`, lowercased, or undefined if it is not one. */
function hostOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const host = value.trim().toLowerCase();
  return HOST_PATTERN.test(host) ? host : undefined;
}

/** The host of `registry.example.com/ns/repo[:tag]`, with or without a URL scheme in front. */
function hostOfReference(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const withoutScheme = value.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  const slash = withoutScheme.indexOf('/');
  return slash > 0 ? hostOf(withoutScheme.slice(0, slash)) : undefined;
}

function hostOfUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || !URL.canParse(value)) return undefined;
  return hostOf(new URL(value).host);
}

// Only the first items are looked at, so a payload with millions of entries costs no more than this.
function boundedList(list: unknown[]): unknown[] {
  return list.length > MAX_NOTICES_PER_NOTIFICATION * 10 ? list.slice(0, MAX_NOTICES_PER_NOTIFICATION * 10) : list;
}

function unique(notices: PushNotice[]): PushNotice[] {
  const seen = new Set<string>();
  return notices.filter((notice) => {
    const key = JSON.stringify([notice.registry, notice.repository, notice.tag, notice.digest]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
