import { ANONYMOUS, serviceAccountIdentity, userIdentity } from '@imagestreams/domain-access';
import { auditEntry, isAudited, type FinishedRequest } from './audit-entry';

function finished(overrides: Partial<FinishedRequest>): FinishedRequest {
  return {
    method: 'POST',
    path: '/apis/image.openshift.io/v1/namespaces/team-a/imagestreams',
    query: {},
    statusCode: 201,
    identity: userIdentity('alice', ['dev']),
    presentedCredentials: true,
    sourceIp: '10.0.0.7',
    userAgent: 'kubectl/v1.30',
    at: new Date('2026-01-02T03:04:05.678Z'),
    ...overrides,
  };
}

describe('isAudited', () => {
  it.each([
    ['POST', '/apis/x/v1/things', 201],
    ['PUT', '/api/v1/namespaces/a', 200],
    ['PATCH', '/apis/x/v1/namespaces/a/things/b', 422],
    ['DELETE', '/v2/a/b/manifests/latest', 202],
    ['GET', '/apis/x/v1/things', 403],
    ['GET', '/v2/a/b/blobs/sha256:00', 401],
    ['GET', '/APIS/x/v1/things', 401],
  ])('records %s %s answered %d', (method, path, statusCode) => {
    expect(isAudited({ method, path, query: {}, statusCode, presentedCredentials: true })).toBe(true);
  });

  it.each([
    ['GET', '/apis/x/v1/things', 200, true],
    ['GET', '/apis/x/v1/things', 404, true],
    ['HEAD', '/v2/a/b/blobs/sha256:00', 200, true],
    ['POST', '/metrics', 200, true],
    ['GET', '/healthz', 401, true],
    // The registry's version probe without credentials is how a client learns the token realm.
    ['GET', '/v2/', 401, false],
  ])('leaves %s %s answered %d alone', (method, path, statusCode, presentedCredentials) => {
    expect(isAudited({ method, path, query: {}, statusCode, presentedCredentials })).toBe(false);
  });

  describe('a registry upload', () => {
    const uploads = '/v2/team-a/app/blobs/uploads';
    const upload = `${uploads}/0d8c6f34-upload`;
    const digest = `sha256:${'a'.repeat(64)}`;
    const audited = (method: string, path: string, query: Record<string, string>, statusCode: number) => isAudited({ method, path, query, statusCode, presentedCredentials: true });

    it('leaves opening it and its chunks alone', () => {
      expect(audited('POST', `${uploads}/`, {}, 202)).toBe(false);
      expect(audited('POST', uploads, {}, 202)).toBe(false);
      expect(audited('PATCH', upload, {}, 202)).toBe(false);
      expect(audited('PATCH', upload, {}, 416)).toBe(false);
    });

    it('reads the /v2 prefix as the registry mount does, without regard to case', () => {
      expect(audited('POST', '/V2/team-a/app/blobs/uploads/', {}, 202)).toBe(false);
      expect(audited('PATCH', '/V2/team-a/app/blobs/uploads/0d8c6f34-upload', {}, 202)).toBe(false);
      // The routes below the mount are case-sensitive: this reaches no upload, so it is recorded.
      expect(audited('POST', '/v2/team-a/app/BLOBS/uploads/', {}, 404)).toBe(true);
    });

    it('records what stores or links a blob, and every refusal', () => {
      expect(audited('PUT', upload, { digest }, 201)).toBe(true);
      expect(audited('POST', `${uploads}/`, { digest }, 201)).toBe(true);
      expect(audited('POST', `${uploads}/`, { mount: digest, from: 'team-b/base' }, 201)).toBe(true);
      expect(audited('DELETE', upload, {}, 204)).toBe(true);
      expect(audited('POST', `${uploads}/`, {}, 403)).toBe(true);
      expect(audited('PATCH', upload, {}, 401)).toBe(true);
    });

    it('still records a write elsewhere that looks like one', () => {
      expect(audited('POST', '/apis/x/v1/namespaces/a/blobs/uploads/', {}, 201)).toBe(true);
      expect(audited('PATCH', '/v2/team-a/app/blobs/uploads/id/extra', {}, 404)).toBe(true);
    });
  });

  it('records the version probe when it carried refused credentials', () => {
    expect(isAudited({ method: 'GET', path: '/v2/', query: {}, statusCode: 401, presentedCredentials: true })).toBe(true);
  });
});

describe('auditEntry', () => {
  it('reads verb, group, resource and namespace from an API path, and who asked', () => {
    expect(auditEntry(finished({}))).toEqual({
      at: new Date('2026-01-02T03:04:05.678Z'),
      username: 'alice',
      groups: ['dev', 'system:authenticated'],
      verb: 'create',
      apiGroup: 'image.openshift.io',
      resource: 'imagestreams',
      subresource: '',
      namespace: 'team-a',
      name: '',
      method: 'POST',
      path: '/apis/image.openshift.io/v1/namespaces/team-a/imagestreams',
      statusCode: 201,
      sourceIp: '10.0.0.7',
      userAgent: 'kubectl/v1.30',
    });
  });

  it('tells a watch from a list and names a subresource', () => {
    const watch = auditEntry(finished({ method: 'GET', path: '/apis/image.openshift.io/v1/namespaces/a/imagestreams', query: { watch: 'true' }, statusCode: 403 }));
    const rollback = auditEntry(finished({ path: '/apis/image.openshift.io/v1/namespaces/a/imagestreamtags/web:1/rollback' }));

    expect(watch).toMatchObject({ verb: 'watch', resource: 'imagestreams' });
    expect(rollback).toMatchObject({ verb: 'create', resource: 'imagestreamtags', subresource: 'rollback', name: 'web:1' });
  });

  it('records registry calls as imagestreams/layers of the repository', () => {
    const push = auditEntry(finished({ method: 'PUT', path: '/v2/team-a/web/manifests/latest', identity: serviceAccountIdentity('team-a', 'ci') }));
    const denied = auditEntry(finished({ method: 'GET', path: '/v2/team-a/web/blobs/sha256:aa', statusCode: 403 }));

    expect(push).toMatchObject({
      username: 'system:serviceaccount:team-a:ci',
      verb: 'update',
      apiGroup: 'image.openshift.io',
      resource: 'imagestreams',
      subresource: 'layers',
      namespace: 'team-a',
      name: 'web',
      path: '/v2/team-a/web/manifests/latest',
    });
    expect(denied).toMatchObject({ verb: 'get', namespace: 'team-a', name: 'web' });
  });

  it('records a registry call outside a repository by its method alone', () => {
    expect(auditEntry(finished({ method: 'GET', path: '/v2/_catalog', statusCode: 401 }))).toMatchObject({ verb: 'get', resource: '', namespace: '', path: '/v2/_catalog' });
  });

  it('names nobody for refused credentials, and the anonymous user when none were presented', () => {
    expect(auditEntry(finished({ identity: undefined, statusCode: 401 }))).toMatchObject({ username: '', groups: [] });
    expect(auditEntry(finished({ identity: undefined, presentedCredentials: false, statusCode: 401 }))).toMatchObject({ username: ANONYMOUS.username, groups: ['system:unauthenticated'] });
  });

  it('keeps at most 256 characters of the user agent and 2048 of the path', () => {
    const entry = auditEntry(finished({ userAgent: 'x'.repeat(1000), path: `/apis/x/v1/${'a'.repeat(5000)}` }));

    expect(entry.userAgent).toHaveLength(256);
    expect(entry.path).toHaveLength(2048);
  });
});

describe('secrets in paths', () => {
  it('keeps a build webhook secret out of the recorded path', () => {
    const entry = auditEntry(finished({ method: 'POST', path: '/apis/build.openshift.io/v1/namespaces/app/buildconfigs/web/webhooks/s3cr3t-value/github', statusCode: 200 }));
    expect(entry.path).toBe('/apis/build.openshift.io/v1/namespaces/app/buildconfigs/web/webhooks/[redacted]/github');
    expect(JSON.stringify(entry)).not.toContain('s3cr3t-value');
  });

  it('keeps a registry notification secret out of the path and the subresource', () => {
    const entry = auditEntry(finished({ method: 'POST', path: '/apis/imagestreams.io/v1/registrynotifications/harbor/n0tify-secret', statusCode: 202 }));
    expect(entry.path).toBe('/apis/imagestreams.io/v1/registrynotifications/harbor/[redacted]');
    expect(JSON.stringify(entry)).not.toContain('n0tify-secret');
  });
});
