import { FailureStatus, ImportFailure, importFailureStatus, repositoryImportStatus, successStatus } from './import-status';

const ENVELOPE = { kind: 'Status', apiVersion: 'v1', metadata: {} };

describe('importFailureStatus', () => {
  it.each<[label: string, failure: ImportFailure, expected: Omit<FailureStatus, 'kind' | 'apiVersion' | 'metadata' | 'status'>]>([
    [
      'a missing image',
      { kind: 'not-found', reference: 'quay.io/acme/app:1.0' },
      {
        code: 404,
        reason: 'NotFound',
        message: 'dockerimage.image.openshift.io "quay.io/acme/app:1.0" not found',
        details: { name: 'quay.io/acme/app:1.0', group: 'image.openshift.io', kind: 'dockerimage' },
      },
    ],
    [
      'no access',
      { kind: 'unauthorized', reference: 'docker.io/acme/private:latest', badCredentials: false },
      { code: 401, reason: 'Unauthorized', message: 'you may not have access to the container image "docker.io/acme/private:latest"' },
    ],
    [
      'wrong credentials',
      { kind: 'unauthorized', reference: 'docker.io/acme/private:latest', badCredentials: true },
      { code: 401, reason: 'Unauthorized', message: 'incorrect username or password for image "docker.io/acme/private:latest"' },
    ],
    [
      'an HTTP-only registry',
      { kind: 'http-only', repository: 'registry.local:5000/acme/app' },
      {
        code: 400,
        reason: 'BadRequest',
        message: 'the repository registry.local:5000/acme/app is HTTP only and requires the insecure flag to import',
      },
    ],
    [
      'a blocked registry',
      { kind: 'forbidden-registry', host: 'evil.example', reason: 'blocked' },
      { code: 403, reason: 'Forbidden', message: 'forbidden: registry evil.example blocked', details: {} },
    ],
    [
      'a registry refused by the address policy',
      { kind: 'forbidden-registry', host: 'internal.example', reason: 'blocked', detail: 'address 10.0.0.7 is private' },
      { code: 403, reason: 'Forbidden', message: 'forbidden: registry internal.example blocked: address 10.0.0.7 is private', details: {} },
    ],
    [
      'a registry without the v2 API',
      { kind: 'forbidden-registry', host: 'old.example', reason: 'not-v2-registry' },
      { code: 403, reason: 'NotV2Registry', message: 'forbidden: registry "old.example" does not support the v2 Registry API', details: {} },
    ],
    [
      'an invalid request',
      { kind: 'invalid', message: 'from.name: Invalid value: "Foo": invalid name: repository name must be lowercase' },
      { code: 422, reason: 'Invalid', message: 'from.name: Invalid value: "Foo": invalid name: repository name must be lowercase' },
    ],
    [
      'any other error',
      { kind: 'internal', reference: 'quay.io/acme/app:1.0', message: 'toomanyrequests: rate limit exceeded' },
      {
        code: 500,
        reason: 'InternalError',
        message: 'Internal error occurred: quay.io/acme/app:1.0: toomanyrequests: rate limit exceeded',
        details: { causes: [{ message: 'quay.io/acme/app:1.0: toomanyrequests: rate limit exceeded' }] },
      },
    ],
  ])('%s', (_label, failure, expected) => {
    expect(importFailureStatus(failure)).toStrictEqual({ ...ENVELOPE, status: 'Failure', ...expected });
  });

  it('escapes quotes in names instead of breaking the message', () => {
    expect(importFailureStatus({ kind: 'not-found', reference: 'a"b' }).message).toBe('dockerimage.image.openshift.io "a\\"b" not found');
  });
});

describe('successStatus', () => {
  it('is a Kubernetes success Status', () => {
    expect(successStatus()).toStrictEqual({ ...ENVELOPE, status: 'Success', code: 200 });
  });

  it('returns a fresh object each time, so callers may attach to it', () => {
    expect(successStatus()).not.toBe(successStatus());
    expect(successStatus().metadata).not.toBe(successStatus().metadata);
  });
});

describe('repositoryImportStatus', () => {
  it.each<[failed: number, total: number, expected: object]>([
    [0, 0, { ...ENVELOPE, status: 'Success', code: 200 }],
    [0, 5, { ...ENVELOPE, status: 'Success', code: 200 }],
    [1, 5, { ...ENVELOPE, status: 'Failure', reason: 'ImportFailed', message: 'one of the images from this repository failed to import' }],
    [3, 5, { ...ENVELOPE, status: 'Failure', reason: 'ImportFailed', message: '3 of the images from this repository failed to import' }],
    [5, 5, { ...ENVELOPE, status: 'Failure', reason: 'ImportFailed', message: '5 of the images from this repository failed to import' }],
  ])('%i of %i failed', (failed, total, expected) => {
    expect(repositoryImportStatus(failed, total)).toStrictEqual(expected);
  });

  it.each<[failed: number, total: number]>([
    [6, 5],
    [-1, 5],
    [1.5, 5],
    [0, -1],
    [Number.NaN, 5],
  ])('rejects %p of %p', (failed, total) => {
    expect(() => repositoryImportStatus(failed, total)).toThrow(RangeError);
  });
});
