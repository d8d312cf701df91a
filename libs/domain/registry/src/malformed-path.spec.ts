import { malformedPathError } from './malformed-path';

describe('malformedPathError', () => {
  it.each([
    ['/team/app/manifests/%ZZ', 'MANIFEST_INVALID', '%ZZ'],
    ['/team/app/blobs/%', 'DIGEST_INVALID', '%'],
    ['/team/app/referrers/sha256:%zz', 'DIGEST_INVALID', 'sha256:%zz'],
    ['/team/app/blobs/uploads/%E0%A4%A', 'BLOB_UPLOAD_INVALID', '%E0%A4%A'],
    ['/te%ZZam/app/manifests/latest', 'NAME_INVALID', 'te%ZZam'],
    ['/team/%/tags/list', 'NAME_INVALID', '%'],
  ])('%s: %s naming the segment', (path, code, segment) => {
    const error = malformedPathError(path);
    expect(error).toMatchObject({ code, status: 400 });
    expect(error.message).toContain(segment);
  });
});
