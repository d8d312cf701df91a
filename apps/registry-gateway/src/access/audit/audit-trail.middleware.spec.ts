import { userIdentity } from '@imagestreams/domain-access';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setRequestIdentity } from '../request-identity';
import type { AuditEntry } from './audit-entry';
import type { AuditLog } from './audit-log';
import { auditTrail, CLIENT_CLOSED_REQUEST } from './audit-trail.middleware';

class FakeResponse extends EventEmitter {
  statusCode = 200;
  writableFinished = false;

  finish(statusCode: number): void {
    this.statusCode = statusCode;
    this.writableFinished = true;
    this.emit('finish');
    this.emit('close');
  }
}

function fakeRequest(method: string, url: string, headers: Record<string, string> = {}): IncomingMessage {
  return { method, url, headers, socket: { remoteAddress: '192.0.2.1' } } as unknown as IncomingMessage;
}

describe('auditTrail', () => {
  let recorded: AuditEntry[];
  let middleware: ReturnType<typeof auditTrail>;

  beforeEach(() => {
    recorded = [];
    middleware = auditTrail({ record: (entry: AuditEntry) => recorded.push(entry) } as unknown as AuditLog);
  });

  function run(request: IncomingMessage): FakeResponse {
    const response = new FakeResponse();
    let passed = false;
    middleware(request, response as unknown as ServerResponse, () => (passed = true));
    expect(passed).toBe(true);
    return response;
  }

  it('records a write once, when it finished, with the identity set during the request and the URL as it arrived', () => {
    const request = fakeRequest('DELETE', '/apis/rbac.authorization.k8s.io/v1/namespaces/a/roles/r?propagationPolicy=Foreground', { authorization: 'Bearer x', 'user-agent': 'oc/4.15' });
    const response = run(request);
    // A router below may rewrite the URL; the entry keeps the one that arrived.
    request.url = '/roles/r';
    setRequestIdentity(request, userIdentity('alice'));
    response.finish(200);

    expect(recorded).toEqual([
      expect.objectContaining({
        username: 'alice',
        verb: 'delete',
        resource: 'roles',
        namespace: 'a',
        name: 'r',
        path: '/apis/rbac.authorization.k8s.io/v1/namespaces/a/roles/r',
        statusCode: 200,
        sourceIp: '192.0.2.1',
        userAgent: 'oc/4.15',
      }),
    ]);
  });

  it('records a write whose client hung up before the answer as 499', () => {
    run(fakeRequest('POST', '/api/v1/namespaces')).emit('close');

    expect(recorded).toEqual([expect.objectContaining({ method: 'POST', statusCode: CLIENT_CLOSED_REQUEST })]);
  });

  it('records nothing for a successful read', () => {
    run(fakeRequest('GET', '/apis/image.openshift.io/v1/images')).finish(200);

    expect(recorded).toEqual([]);
  });
});
