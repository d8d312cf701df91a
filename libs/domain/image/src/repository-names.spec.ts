import { InvalidReferenceError, parseReference } from '@imagestreams/image-reference';
import { dockerImageRepository, imagePullSpec } from './repository-names';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const INTERNAL = 'image-registry.openshift-image-registry.svc:5000';

describe('dockerImageRepository', () => {
  it.each([
    [INTERNAL, 'demo', 'app', `${INTERNAL}/demo/app`],
    ['registry.example.com', 'openshift', 'ruby', 'registry.example.com/openshift/ruby'],
    ['localhost:5000', 'team-a', 'web', 'localhost:5000/team-a/web'],
    ['10.0.0.1:5000/', 'ns', 'app', '10.0.0.1:5000/ns/app'],
    ['localhost:5000//', 'ns', 'app', 'localhost:5000/ns/app'],
  ])('%s + %s/%s → %s', (host, namespace, name, expected) => {
    expect(dockerImageRepository(host, namespace, name)).toBe(expected);
  });

  it.each(['', '/'])('rejects an empty registry host %j', (host) => {
    expect(() => dockerImageRepository(host, 'ns', 'app')).toThrow(RangeError);
  });
});

describe('imagePullSpec', () => {
  it.each([
    [INTERNAL, 'demo', 'app', DIGEST, `${INTERNAL}/demo/app@${DIGEST}`],
    ['localhost:5000/', 'ns', 'web', DIGEST, `localhost:5000/ns/web@${DIGEST}`],
    [
      'registry.example.com',
      'ns',
      'app',
      `sha512:${'ab'.repeat(64)}`,
      `registry.example.com/ns/app@sha512:${'ab'.repeat(64)}`,
    ],
  ])('%s + %s/%s @ digest → %s', (host, namespace, name, digest, expected) => {
    expect(imagePullSpec(host, namespace, name, digest)).toBe(expected);
  });

  it.each([
    ['a tag instead of a digest', 'latest', 'INVALID_FORMAT'],
    ['a short digest', 'sha256:abc', 'DIGEST_INVALID_LENGTH'],
    ['an unsupported algorithm', `md5:${'a'.repeat(32)}`, 'DIGEST_UNSUPPORTED_ALGORITHM'],
    ['uppercase hex', DIGEST.toUpperCase().replace('SHA256', 'sha256'), 'INVALID_FORMAT'],
  ])('rejects %s', (_label, digest, code) => {
    expect(() => imagePullSpec(INTERNAL, 'ns', 'app', digest)).toThrow(InvalidReferenceError);
    expect(() => imagePullSpec(INTERNAL, 'ns', 'app', digest)).toThrow(expect.objectContaining({ code }));
  });

  it('produces a reference the image-reference parser accepts', () => {
    expect(parseReference(imagePullSpec(INTERNAL, 'demo', 'app', DIGEST))).toEqual({
      registry: INTERNAL,
      repository: 'demo/app',
      name: `${INTERNAL}/demo/app`,
      digest: DIGEST,
    });
  });
});
