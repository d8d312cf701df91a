import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestIdentity } from '../request-identity';
import { auditEntry, isAudited } from './audit-entry';
import type { AuditLog } from './audit-log';

/** nginx's code for "the client closed the connection before the answer was sent": a write may still have happened. */
export const CLIENT_CLOSED_REQUEST = 499;

function splitUrl(url: string): { path: string; query: Record<string, string | string[]> } {
  const mark = url.indexOf('?');
  if (mark < 0) return { path: url, query: {} };
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(url.slice(mark + 1))) {
    const seen = query[key];
    query[key] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  return { path: url.slice(0, mark), query };
}

/**
 * Records audited requests (audit-entry.ts says which) once their response is finished, when the
 * status code and the authenticated identity are known; a write whose client hung up first is
 * recorded too, with CLIENT_CLOSED_REQUEST. Installed first, so it sees the URL before any router
 * rewrites it and every answer, the access check's 401/403 included. Recording only queues the
 * entry: the response never waits for the audit trail.
 */
export function auditTrail(log: AuditLog) {
  return (request: IncomingMessage, response: ServerResponse, next: () => void): void => {
    const url = request.url ?? '/';
    // Read now: by the time the response finishes, a closed connection may have dropped its socket.
    const sourceIp = request.socket?.remoteAddress ?? '';
    let done = false;
    const record = () => {
      if (done) return;
      done = true;
      const { path, query } = splitUrl(url);
      const finished = {
        method: request.method ?? 'GET',
        path,
        query,
        statusCode: response.writableFinished ? response.statusCode : CLIENT_CLOSED_REQUEST,
        presentedCredentials: request.headers.authorization !== undefined,
      };
      if (!isAudited(finished)) return;
      log.record(auditEntry({ ...finished, identity: requestIdentity(request), sourceIp, userAgent: request.headers['user-agent'] ?? '', at: new Date() }));
    };
    // 'finish' comes first when the answer was sent; 'close' alone means the client left before it was.
    response.once('finish', record);
    response.once('close', record);
    next();
  };
}
