import { adminToken, createTestNamespace, gatewayUrl } from './support/api';
import { rawHttp } from './support/raw-http';
import { problemsOf } from './support/shape-mutations';

/**
 * Every route the gateway documents in `/openapi.json` (so routes added later are covered without
 * touching this file), called with each path parameter and each query parameter set to values a
 * client can send but should not: traversal, NUL, another case, overlong, empty, numbers no
 * column holds. Each answer is a 2xx, 3xx or 4xx, never a 5xx; `/api` and `/apis` refuse with a
 * Status whose code is the HTTP status, `/v2` with an OCI error body.
 */
interface OpenApiParameter {
  name: string;
  in: string;
}

interface OpenApiDocument {
  paths: Record<string, Partial<Record<string, { parameters?: OpenApiParameter[] }>> & { parameters?: OpenApiParameter[] }>;
}

interface Call {
  method: string;
  path: string;
  /** The parameter or header given a bad value, and the value. */
  fuzzed: string;
  /** Sent instead of the admin's bearer token and the JSON content type. */
  headerLines?: string[];
}

/** Raw (already percent-encoded where it says so) path segments. */
const BAD_PATH_VALUES = ['..', '%2e%2e', '.', 'UPPER', 'a'.repeat(300), '%00', 'x%2Fy', '-', 'a:b:c', '%E2%80%8B', '@sha256:zz', '%', '%ZZ', 'sha256:' + 'f'.repeat(64)];
const BAD_QUERY_VALUES = ['-1', 'abc', '1e99', '', '%00', '%5B%5D', '99999999999999999999', 'a'.repeat(5000), '!!', 'true;false'];
/** Header lines a client can get wrong, each sent on its own (with the admin's credentials unless it is credentials). */
const BAD_HEADER_LINES = [
  'authorization: Bearer',
  'authorization: Bearer %%%',
  'authorization: Bearer ist_' + 'A'.repeat(43),
  'authorization: Basic !!!',
  `authorization: Basic ${Buffer.from('no-colon').toString('base64')}`,
  `authorization: Basic ${Buffer.from(':').toString('base64')}`,
  'authorization: Negotiate abc',
  'range: bytes=abc',
  'range: bytes=-',
  'range: bytes=5-1',
  'range: bytes=0-1,3-4',
  'range: items=0-1',
  'range: bytes=99999999999999999999-',
  'content-range: x',
  'content-range: 0-',
  'content-range: 5-1',
  'content-range: 99999999999999999999-99999999999999999999',
  'accept: ;;;',
  'accept: */*;q=abc',
  'content-type: ;',
  'content-type: application/json; charset=bogus',
  'if-none-match: "',
];
/** What the other path parameters hold while one is fuzzed: shaped right, naming nothing that exists. */
const PLAUSIBLE: Record<string, string> = { name: 'fuzz-absent', reference: 'latest', digest: `sha256:${'0'.repeat(64)}`, id: 'fuzz-absent', secret: 'fuzz-absent', type: 'generic' };
/** Requests in flight at once: enough to finish quickly, few enough for two shared cores. */
const CONCURRENCY = 4;
const METHODS = ['get', 'head', 'delete', 'post', 'put', 'patch'] as const;

function templatePath(path: string, values: Record<string, string>): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => values[name] ?? PLAUSIBLE[name] ?? 'fuzz-absent');
}

/** Every route and method, its path parameters plausible, with each bad header line in turn. */
function headerCallsOf(document: OpenApiDocument, namespace: string): Call[] {
  const calls: Call[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    const plausible = { namespace, ...(path.startsWith('/v2/') ? { name: `${namespace}/fuzz-absent` } : {}) };
    for (const method of METHODS) {
      if (!item[method]) continue;
      for (const line of BAD_HEADER_LINES) {
        // Credentials stay unless they are what is fuzzed, so the bad header reaches the handler.
        const headerLines = line.startsWith('authorization:') ? [line] : [`authorization: Bearer ${adminToken()}`, line];
        calls.push({ method: method.toUpperCase(), path: templatePath(path, plausible), fuzzed: line, headerLines });
      }
    }
  }
  return calls;
}

/** Every call to make: each path parameter bad in turn, then each documented query parameter of a GET. */
function callsOf(document: OpenApiDocument, namespace: string): Call[] {
  const calls: Call[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    const pathParameters = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const plausible = { namespace, ...(path.startsWith('/v2/') ? { name: `${namespace}/fuzz-absent` } : {}) };
      for (const parameter of pathParameters) {
        for (const bad of BAD_PATH_VALUES) calls.push({ method: method.toUpperCase(), path: templatePath(path, { ...plausible, [parameter]: bad }), fuzzed: `{${parameter}} = ${bad.slice(0, 40)}` });
      }
      const queryParameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])].filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name);
      if (method !== 'get') continue;
      for (const parameter of new Set(queryParameters)) {
        for (const bad of BAD_QUERY_VALUES) calls.push({ method: 'GET', path: `${templatePath(path, plausible)}?${parameter}=${bad}`, fuzzed: `?${parameter}=${bad.slice(0, 40)}` });
      }
    }
  }
  return calls;
}

async function problemOf(call: Call): Promise<string | undefined> {
  // Written to the socket as it is: a client library would resolve `..` and `.` before sending.
  const sendsBody = ['POST', 'PUT', 'PATCH'].includes(call.method);
  const reply = await rawHttp({
    method: call.method,
    path: call.path,
    headerLines: call.headerLines ?? [`authorization: Bearer ${adminToken()}`, ...(sendsBody ? ['content-type: application/json'] : [])],
    ...(sendsBody ? { body: '{}' } : {}),
  });
  if (reply.status === 0) return 'the connection closed without an answer';
  if (reply.status >= 500) return `${reply.status} ${reply.body.slice(0, 200)}`;
  if (reply.status < 400 || call.method === 'HEAD') return undefined;
  let body: { kind?: string; code?: number; errors?: { code?: unknown }[] } | undefined;
  try {
    body = JSON.parse(reply.body) as typeof body;
  } catch {
    return `${reply.status} with a body that is not JSON: ${reply.body.slice(0, 200)}`;
  }
  const isRegistry = call.path.startsWith('/v2/');
  const wellFormed = isRegistry ? typeof body?.errors?.[0]?.code === 'string' : body?.kind === 'Status' && body.code === reply.status;
  return wellFormed ? undefined : `${reply.status} ${isRegistry ? 'without an OCI error' : 'without a matching Status'}: ${reply.body.slice(0, 200)}`;
}

describe('every documented route with bad path and query parameters or headers: never a 5xx, every refusal well formed', () => {
  it('answers each call', async () => {
    const namespace = await createTestNamespace('line-fuzz');
    const document = (await (await fetch(`${gatewayUrl()}/openapi.json`)).json()) as OpenApiDocument;
    const calls = callsOf(document, namespace);
    // The /v2 routes and the API's are both in the document.
    expect(calls.some((call) => call.path.startsWith('/v2/'))).toBe(true);
    expect(calls.length).toBeGreaterThan(1000);

    const failures = await problemsOf(calls, problemOf, (call) => `${call.method} ${call.path.slice(0, 160)} (${call.fuzzed})`, CONCURRENCY);
    expect(failures).toEqual([]);
  }, 300_000);

  it('answers each route called with a bad header', async () => {
    const namespace = await createTestNamespace('header-fuzz');
    const document = (await (await fetch(`${gatewayUrl()}/openapi.json`)).json()) as OpenApiDocument;
    const calls = headerCallsOf(document, namespace);
    expect(calls.length).toBeGreaterThan(1000);
    const failures = await problemsOf(calls, problemOf, (call) => `${call.method} ${call.path.slice(0, 160)} (${call.fuzzed})`, CONCURRENCY);
    expect(failures).toEqual([]);
  }, 300_000);
});
