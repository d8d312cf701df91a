import { resolvePullSpec, rewriteForThisStream } from './pull-spec';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;
const OTHER_DIGEST = `sha256:${'fedcba9876543210'.repeat(4)}`;
const REGISTRY = 'image-registry.openshift-image-registry.svc:5000';
const SOURCE = `${REGISTRY}/shared/base`;
const THIS = `${REGISTRY}/team/app`;

describe('rewriteForThisStream', () => {
  it.each<[label: string, ref: string, image: string, reference: boolean, expected: string]>([
    ['source stream repository by digest: re-pointed here', `${SOURCE}@${DIGEST}`, DIGEST, false, `${THIS}@${DIGEST}`],
    ['source stream repository by tag: re-pointed here by digest', `${SOURCE}:v1`, DIGEST, false, `${THIS}@${DIGEST}`],
    [
      'the recorded image wins over a digest in the ref',
      `${SOURCE}:v1@${OTHER_DIGEST}`,
      DIGEST,
      false,
      `${THIS}@${DIGEST}`,
    ],
    ['reference tags keep what they point at', `${SOURCE}@${DIGEST}`, DIGEST, true, `${SOURCE}@${DIGEST}`],
    [
      'an external registry is left alone',
      `quay.io/shared/base@${DIGEST}`,
      DIGEST,
      false,
      `quay.io/shared/base@${DIGEST}`,
    ],
    [
      'another stream in the integrated registry is left alone',
      `${REGISTRY}/shared/other@${DIGEST}`,
      DIGEST,
      false,
      `${REGISTRY}/shared/other@${DIGEST}`,
    ],
    [
      'a repository that only starts with the source is left alone',
      `${SOURCE}-extra@${DIGEST}`,
      DIGEST,
      false,
      `${SOURCE}-extra@${DIGEST}`,
    ],
    [
      'a deeper path under the source is left alone',
      `${SOURCE}/sub@${DIGEST}`,
      DIGEST,
      false,
      `${SOURCE}/sub@${DIGEST}`,
    ],
    ['no image id: nothing to address by digest', `${SOURCE}:v1`, '', false, `${SOURCE}:v1`],
    ['an unparsable ref is returned as is', 'Not A Reference', DIGEST, false, 'Not A Reference'],
  ])('%s', (_label, ref, image, reference, expected) => {
    expect(rewriteForThisStream(ref, SOURCE, THIS, image, reference)).toBe(expected);
  });

  it('a source that is this stream itself is normalised to the digest form', () => {
    expect(rewriteForThisStream(`${THIS}:v1`, THIS, THIS, DIGEST, false)).toBe(`${THIS}@${DIGEST}`);
  });

  it('never rewrites when there is no integrated registry (empty source repository)', () => {
    expect(rewriteForThisStream(`quay.io/x@${DIGEST}`, '', THIS, DIGEST, false)).toBe(`quay.io/x@${DIGEST}`);
  });
});

describe('resolvePullSpec', () => {
  const imported = { dockerImageReference: `quay.io/acme/app@${DIGEST}`, image: DIGEST };
  const pointer = { dockerImageReference: 'quay.io/acme/app:v1', image: '' };

  it.each<[
    label: string,
    policy: 'Source' | 'Local' | undefined,
    current: { dockerImageReference: string; image: string } | undefined,
    repository: string,
    expected: string | undefined,
  ]>([
    ['Source: the original location', 'Source', imported, THIS, `quay.io/acme/app@${DIGEST}`],
    ['no spec entry (pushed-only tag): as Source', undefined, imported, THIS, `quay.io/acme/app@${DIGEST}`],
    ['Local: through the integrated registry', 'Local', imported, THIS, `${THIS}@${DIGEST}`],
    ['Local without a registry repository: falls back to Source', 'Local', imported, '', `quay.io/acme/app@${DIGEST}`],
    ['Local without an image id (reference tag): falls back to Source', 'Local', pointer, THIS, 'quay.io/acme/app:v1'],
    ['Source on a reference tag: the pull spec as written', 'Source', pointer, THIS, 'quay.io/acme/app:v1'],
    ['no history: nothing to resolve', 'Source', undefined, THIS, undefined],
    ['no history with Local: nothing to resolve', 'Local', undefined, THIS, undefined],
  ])('%s', (_label, policy, current, repository, expected) => {
    expect(resolvePullSpec(policy, current, repository)).toBe(expected);
  });
});
