import { DEFAULT_OCI_ERROR_STATUS, ociErrorBody, type OciErrorCode, RegistryError } from './oci-error';

const DIGEST = `sha256:${'0'.repeat(64)}`;

describe('RegistryError', () => {
  it.each<[code: OciErrorCode, status: number]>([
    ['BLOB_UNKNOWN', 404],
    ['BLOB_UPLOAD_UNKNOWN', 404],
    ['MANIFEST_UNKNOWN', 404],
    ['NAME_UNKNOWN', 404],
    ['BLOB_UPLOAD_INVALID', 400],
    ['DIGEST_INVALID', 400],
    ['MANIFEST_BLOB_UNKNOWN', 400],
    ['MANIFEST_INVALID', 400],
    ['NAME_INVALID', 400],
    ['SIZE_INVALID', 400],
    ['PAGINATION_NUMBER_INVALID', 400],
    ['UNAUTHORIZED', 401],
    ['DENIED', 403],
    ['UNSUPPORTED', 405],
    ['TOOMANYREQUESTS', 429],
    ['RANGE_INVALID', 416],
  ])('%s defaults to %i', (code, status) => {
    const error = new RegistryError(code, 'm');
    expect(DEFAULT_OCI_ERROR_STATUS[code]).toBe(status);
    expect(error).toMatchObject({ code, status, message: 'm', name: 'RegistryError' });
    expect(error).toBeInstanceOf(Error);
    expect(error.detail).toBeUndefined();
  });

  it('has a default status for every code', () => {
    expect(Object.keys(DEFAULT_OCI_ERROR_STATUS)).toHaveLength(16);
  });

  it.each<[status: number]>([[413], [416], [500]])('lets one error use status %i', (status) => {
    expect(new RegistryError('MANIFEST_INVALID', 'm', { status }).status).toBe(status);
  });

  it.each<[status: number]>([[200], [302], [399], [600], [404.5]])('refuses non-error status %s', (status) => {
    expect(() => new RegistryError('DENIED', 'm', { status })).toThrow(RangeError);
  });

  it.each<[label: string, error: RegistryError, expected: { code: OciErrorCode; status: number; message: string; detail?: unknown }]>([
    ['blobUnknown', RegistryError.blobUnknown(DIGEST), { code: 'BLOB_UNKNOWN', status: 404, message: `blob unknown to registry: ${DIGEST}`, detail: { digest: DIGEST } }],
    [
      'blobUploadInvalid',
      RegistryError.blobUploadInvalid('chunk does not start at 10'),
      { code: 'BLOB_UPLOAD_INVALID', status: 400, message: 'blob upload invalid: chunk does not start at 10', detail: 'chunk does not start at 10' },
    ],
    [
      'blobUploadInvalid with 416',
      RegistryError.blobUploadInvalid('out of order', 416),
      { code: 'BLOB_UPLOAD_INVALID', status: 416, message: 'blob upload invalid: out of order', detail: 'out of order' },
    ],
    ['blobUploadUnknown', RegistryError.blobUploadUnknown('u1'), { code: 'BLOB_UPLOAD_UNKNOWN', status: 404, message: 'blob upload unknown to registry: u1', detail: { uploadId: 'u1' } }],
    [
      'digestInvalid',
      RegistryError.digestInvalid('content does not match'),
      { code: 'DIGEST_INVALID', status: 400, message: 'digest invalid: content does not match', detail: 'content does not match' },
    ],
    [
      'manifestBlobUnknown',
      RegistryError.manifestBlobUnknown(DIGEST),
      { code: 'MANIFEST_BLOB_UNKNOWN', status: 400, message: `manifest references a blob or manifest unknown to registry: ${DIGEST}`, detail: { digest: DIGEST } },
    ],
    ['manifestInvalid', RegistryError.manifestInvalid('no config'), { code: 'MANIFEST_INVALID', status: 400, message: 'manifest invalid: no config', detail: 'no config' }],
    ['manifestInvalid with 413', RegistryError.manifestInvalid('too big', 413), { code: 'MANIFEST_INVALID', status: 413, message: 'manifest invalid: too big', detail: 'too big' }],
    ['manifestUnknown', RegistryError.manifestUnknown('latest'), { code: 'MANIFEST_UNKNOWN', status: 404, message: 'manifest unknown to registry: latest', detail: { reference: 'latest' } }],
    ['nameInvalid', RegistryError.nameInvalid('Bad'), { code: 'NAME_INVALID', status: 400, message: 'invalid repository name: Bad', detail: { name: 'Bad' } }],
    [
      'nameInvalid with a reason',
      RegistryError.nameInvalid('ns/a', 'repository is not an image stream'),
      { code: 'NAME_INVALID', status: 400, message: 'repository is not an image stream: ns/a', detail: { name: 'ns/a' } },
    ],
    ['nameUnknown', RegistryError.nameUnknown('ns/app'), { code: 'NAME_UNKNOWN', status: 404, message: 'repository name not known to registry: ns/app', detail: { name: 'ns/app' } }],
    ['sizeInvalid', RegistryError.sizeInvalid('got 3, expected 4'), { code: 'SIZE_INVALID', status: 400, message: 'size invalid: got 3, expected 4', detail: 'got 3, expected 4' }],
    ['unauthorized', RegistryError.unauthorized(), { code: 'UNAUTHORIZED', status: 401, message: 'authentication required' }],
    ['denied', RegistryError.denied(), { code: 'DENIED', status: 403, message: 'requested access to the resource is denied' }],
    ['denied with a reason', RegistryError.denied('read-only'), { code: 'DENIED', status: 403, message: 'read-only' }],
    ['unsupported', RegistryError.unsupported(), { code: 'UNSUPPORTED', status: 405, message: 'the operation is unsupported' }],
    ['unsupported with 400', RegistryError.unsupported('no deletes', 400), { code: 'UNSUPPORTED', status: 400, message: 'no deletes' }],
    ['tooManyRequests', RegistryError.tooManyRequests(), { code: 'TOOMANYREQUESTS', status: 429, message: 'too many requests' }],
    ['rangeInvalid', RegistryError.rangeInvalid('bytes=9-'), { code: 'RANGE_INVALID', status: 416, message: 'requested range not satisfiable: bytes=9-', detail: 'bytes=9-' }],
    [
      'paginationNumberInvalid',
      RegistryError.paginationNumberInvalid('n must be at most 1000'),
      { code: 'PAGINATION_NUMBER_INVALID', status: 400, message: 'invalid number of results requested: n must be at most 1000', detail: 'n must be at most 1000' },
    ],
  ])('%s', (_label, error, expected) => {
    expect({ code: error.code, status: error.status, message: error.message, detail: error.detail }).toStrictEqual({ detail: undefined, ...expected });
    expect(error).toBeInstanceOf(RegistryError);
  });
});

describe('ociErrorBody', () => {
  it.each<[label: string, errors: RegistryError[], expected: unknown]>([
    ['no errors', [], { errors: [] }],
    ['an error without detail omits the key', [RegistryError.denied()], { errors: [{ code: 'DENIED', message: 'requested access to the resource is denied' }] }],
    [
      'several errors in order, with their details',
      [RegistryError.blobUnknown(DIGEST), new RegistryError('UNSUPPORTED', 'x', { detail: null })],
      {
        errors: [
          { code: 'BLOB_UNKNOWN', message: `blob unknown to registry: ${DIGEST}`, detail: { digest: DIGEST } },
          // null is a real value and is sent; only undefined means "no detail".
          { code: 'UNSUPPORTED', message: 'x', detail: null },
        ],
      },
    ],
  ])('%s', (_label, errors, expected) => {
    expect(ociErrorBody(errors)).toStrictEqual(expected);
  });

  it('is what the spec describes once serialised', () => {
    expect(JSON.parse(JSON.stringify(ociErrorBody([RegistryError.manifestUnknown('v1')])))).toEqual({
      errors: [{ code: 'MANIFEST_UNKNOWN', message: 'manifest unknown to registry: v1', detail: { reference: 'v1' } }],
    });
  });
});
