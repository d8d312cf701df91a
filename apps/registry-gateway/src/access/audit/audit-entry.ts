import { ANONYMOUS, registryActionAttributes, requestAttributes, type Identity, type ResourceAttributes } from '@imagestreams/domain-access';
import { apiPath } from '../api-access.middleware';
import { REDACTED_SEGMENT, redactSecretPath } from '@imagestreams/platform-observability';

/** One audited request, as stored (empty strings for what the request did not have). */
export interface AuditEntry {
  at: Date;
  username: string;
  groups: string[];
  verb: string;
  apiGroup: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  method: string;
  path: string;
  statusCode: number;
  sourceIp: string;
  userAgent: string;
}

/** What the middleware knows about a finished request; nothing from its body or other headers. */
export interface FinishedRequest {
  method: string;
  /** The whole path, without the query string. */
  path: string;
  /** Query parameters, only to tell a watch from a list (never stored). */
  query: Record<string, unknown>;
  statusCode: number;
  /** Who the access check authenticated; undefined when it refused the credentials or never ran. */
  identity: Identity | undefined;
  /** Whether the request presented credentials (an Authorization header): refused ones are not anonymous. */
  presentedCredentials: boolean;
  sourceIp: string;
  userAgent: string;
  at: Date;
}

const MUTATING_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const MAX_USER_AGENT = 256;
/** Paths are as long as a client makes them; the rest of a longer one identifies nothing more. */
const MAX_PATH = 2048;
/** Repository calls: `/v2/<namespace>/<stream>/(manifests|blobs|tags|referrers)/...`. */
const REPOSITORY_PATH = /^\/v2\/([^/]+)\/([^/]+)\/(manifests|blobs|tags|referrers)(\/|$)/i;

/** Read as the access check reads it (apiPath): `/APIS/...` reaches the controllers too, Express ignoring case. */
function auditedArea(path: string): 'api' | 'registry' | undefined {
  if (apiPath(path) !== undefined) return 'api';
  if (/^\/v2(\/|$)/i.test(path)) return 'registry';
  return undefined;
}

// The `/v2` mount ignores case and the registry's own routes do not, so only the prefix may be `/V2`.
/** A blob upload being opened: `POST /v2/<namespace>/<stream>/blobs/uploads/` (with `digest` or `mount` it stores or links a blob). */
const UPLOAD_OPENING_PATH = /^\/[vV]2\/[^/]+\/[^/]+\/blobs\/uploads\/?$/;
/** A chunk of an open upload: `PATCH /v2/<namespace>/<stream>/blobs/uploads/<id>`. */
const UPLOAD_CHUNK_PATH = /^\/[vV]2\/[^/]+\/[^/]+\/blobs\/uploads\/[^/]+$/;

/**
 * The steps of a blob upload that leave nothing behind yet: opening the session and sending a
 * chunk. The PUT that completes the upload names the blob it stores, and the manifest PUT the image.
 */
function isUploadStep(method: string, path: string, query: Record<string, unknown>): boolean {
  if (method === 'PATCH') return UPLOAD_CHUNK_PATH.test(path);
  return method === 'POST' && UPLOAD_OPENING_PATH.test(path) && query['digest'] === undefined && query['mount'] === undefined;
}

/**
 * Every write and every refusal (401/403) under `/api`, `/apis` and `/v2`, except:
 * - the registry's version probe without credentials: `GET /v2/` answers it 401 by protocol to name
 *   the token realm, so every client's first call would be a row that says nothing;
 * - the upload steps before a blob is stored (opening, chunks), when allowed: a push of one image
 *   made ten rows, six of them saying only that an upload was under way; the blob's completing PUT
 *   and the manifest PUT say who pushed what, as OpenShift's audit log records the image's mapping.
 */
export function isAudited(request: Pick<FinishedRequest, 'method' | 'path' | 'query' | 'statusCode' | 'presentedCredentials'>): boolean {
  const area = auditedArea(request.path);
  if (!area) return false;
  const method = request.method.toUpperCase();
  const refused = request.statusCode === 401 || request.statusCode === 403;
  if (MUTATING_METHODS.has(method)) return refused || area !== 'registry' || !isUploadStep(method, request.path, request.query);
  if (!refused) return false;
  const versionProbe = area === 'registry' && /^\/v2\/?$/i.test(request.path) && !request.presentedCredentials;
  return !(versionProbe && request.statusCode === 401);
}

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The registry as RBAC sees it: a repository call acts on `imagestreams/layers` of `<namespace>/<stream>`. */
function registryAttributes(method: string, path: string): ResourceAttributes | undefined {
  const match = REPOSITORY_PATH.exec(path);
  if (!match) return undefined;
  const action = method === 'GET' || method === 'HEAD' ? 'pull' : method === 'DELETE' ? 'delete' : 'push';
  return registryActionAttributes(decoded(match[1]), decoded(match[2]), action);
}

function who(request: FinishedRequest): Pick<AuditEntry, 'username' | 'groups'> {
  if (request.identity) return { username: request.identity.username, groups: [...request.identity.groups] };
  // Refused credentials name nobody; no credentials at all is the anonymous caller.
  if (request.presentedCredentials) return { username: '', groups: [] };
  return { username: ANONYMOUS.username, groups: [...ANONYMOUS.groups] };
}

export function auditEntry(request: FinishedRequest): AuditEntry {
  const method = request.method.toUpperCase();
  let verb = method.toLowerCase();
  let attributes: ResourceAttributes | undefined;
  if (auditedArea(request.path) === 'registry') {
    attributes = registryAttributes(method, request.path);
    if (attributes) verb = attributes.verb;
  } else {
    const read = requestAttributes(method, apiPath(request.path) ?? request.path, request.query);
    if (read.kind === 'resource') attributes = read.attributes;
    verb = read.kind === 'resource' ? read.attributes.verb : read.verb;
  }
  return {
    at: request.at,
    ...who(request),
    verb,
    apiGroup: attributes?.apiGroup ?? '',
    resource: attributes?.resource ?? '',
    // registrynotifications/<endpoint>/<secret> reads as a subresource; it is the secret.
    subresource: attributes?.resource === 'registrynotifications' && attributes.subresource ? REDACTED_SEGMENT : (attributes?.subresource ?? ''),
    namespace: attributes?.namespace ?? '',
    name: attributes?.name ?? '',
    method,
    path: redactSecretPath(request.path).slice(0, MAX_PATH),
    statusCode: request.statusCode,
    sourceIp: request.sourceIp,
    userAgent: request.userAgent.slice(0, MAX_USER_AGENT),
  };
}
