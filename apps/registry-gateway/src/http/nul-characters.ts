import type { IncomingMessage, ServerResponse } from 'node:http';
import { Statuses, StatusError } from '@imagestreams/contracts';

/**
 * Postgres stores no NUL character in text or jsonb: a name, label or annotation holding one
 * would fail deep in an owner as an internal error. The edge refuses such requests as malformed.
 */
const NUL_MESSAGE = 'no name or value may contain the NUL character';

/** Path and query: `%00` is the only way a URL can carry a NUL. */
export function rejectNulInUrl(request: IncomingMessage, _response: ServerResponse, next: (error?: unknown) => void): void {
  if (request.url?.includes('%00')) next(new StatusError(Statuses.badRequest(`the request URL holds %00: ${NUL_MESSAGE}`)));
  else next();
}

/** `\u0000` not itself escaped (`\\u0000` is a backslash followed by text). */
const ESCAPED_NUL = /(?<!\\)(?:\\\\)*\\u0000/;

/**
 * The JSON parser's `verify` hook: JSON can carry a NUL only as the escape `\u0000` (a raw one is
 * a syntax error), looked for in the bytes before parsing. Thrown in http-errors' shape, so it is
 * answered as a 400 BadRequest like any other unreadable body.
 */
export function rejectEscapedNul(_request: IncomingMessage, _response: ServerResponse, body: Buffer): void {
  if (body.includes('\\u0000') && ESCAPED_NUL.test(body.toString('utf8'))) {
    throw Object.assign(new Error(`the request body holds \\u0000: ${NUL_MESSAGE}`), { status: 400, expose: true });
  }
}
