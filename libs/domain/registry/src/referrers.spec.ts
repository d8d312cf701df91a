import { parseManifest } from './manifest';
import { OCI_EMPTY_MEDIA_TYPE, OCI_IMAGE_CONFIG_MEDIA_TYPE, OCI_IMAGE_INDEX_MEDIA_TYPE, OCI_IMAGE_MANIFEST_MEDIA_TYPE } from './media-types';
import { type ReferrerDescriptor, referrerDescriptorOf, referrersIndex } from './referrers';

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
const SBOM = 'application/vnd.example.sbom.v1';
const SIGNATURE = 'application/vnd.example.signature.v1';

const SBOM_REFERRER: ReferrerDescriptor = { mediaType: OCI_IMAGE_MANIFEST_MEDIA_TYPE, digest: digest(1), size: 10, artifactType: SBOM, annotations: { format: 'spdx' } };
const SIGNATURE_REFERRER: ReferrerDescriptor = { mediaType: OCI_IMAGE_MANIFEST_MEDIA_TYPE, digest: digest(2), size: 20, artifactType: SIGNATURE };
const INDEX_REFERRER: ReferrerDescriptor = { mediaType: OCI_IMAGE_INDEX_MEDIA_TYPE, digest: digest(3), size: 30 };
const ALL = [SBOM_REFERRER, SIGNATURE_REFERRER, INDEX_REFERRER];

describe('referrersIndex', () => {
  it.each<[label: string, descriptors: ReferrerDescriptor[], filter: string | undefined, manifests: ReferrerDescriptor[], filtered: boolean]>([
    ['all referrers in order without a filter', ALL, undefined, ALL, false],
    ['an empty filter is no filter', ALL, '', ALL, false],
    ['only the matching artifactType', ALL, SBOM, [SBOM_REFERRER], true],
    ['a filter matching nothing still gives an index', ALL, 'application/vnd.none', [], true],
    ['a filter never matches a referrer without artifactType', [INDEX_REFERRER], OCI_IMAGE_INDEX_MEDIA_TYPE, [], true],
    ['no referrers', [], undefined, [], false],
    ['each digest once', [SBOM_REFERRER, SIGNATURE_REFERRER, { ...SBOM_REFERRER, size: 99 }], undefined, [SBOM_REFERRER, SIGNATURE_REFERRER], false],
    [
      'only the descriptor fields are kept',
      [{ ...SIGNATURE_REFERRER, platform: { os: 'linux' }, urls: ['x'] } as ReferrerDescriptor],
      undefined,
      [SIGNATURE_REFERRER],
      false,
    ],
  ])('%s', (_label, descriptors, filter, manifests, filtered) => {
    expect(referrersIndex(descriptors, filter)).toStrictEqual({
      index: { schemaVersion: 2, mediaType: OCI_IMAGE_INDEX_MEDIA_TYPE, manifests },
      filtered,
    });
  });

  it('copies annotations rather than sharing them', () => {
    const { index } = referrersIndex([SBOM_REFERRER]);
    expect(index.manifests[0].annotations).toEqual(SBOM_REFERRER.annotations);
    expect(index.manifests[0].annotations).not.toBe(SBOM_REFERRER.annotations);
  });
});

describe('referrerDescriptorOf', () => {
  const subject = { mediaType: OCI_IMAGE_MANIFEST_MEDIA_TYPE, digest: digest(9), size: 500 };
  const config = (mediaType: string) => ({ mediaType, digest: digest(8), size: 2 });
  const push = (body: unknown) => parseManifest(new TextEncoder().encode(JSON.stringify(body)), undefined);

  it.each<[label: string, body: Record<string, unknown>, expected: Omit<ReferrerDescriptor, 'digest' | 'size'>]>([
    [
      'an artifact: its artifactType and annotations',
      { schemaVersion: 2, mediaType: OCI_IMAGE_MANIFEST_MEDIA_TYPE, artifactType: SBOM, config: config(OCI_EMPTY_MEDIA_TYPE), layers: [], subject, annotations: { a: 'b' } },
      { mediaType: OCI_IMAGE_MANIFEST_MEDIA_TYPE, artifactType: SBOM, annotations: { a: 'b' } },
    ],
    [
      'an image without artifactType: the config media type',
      { schemaVersion: 2, mediaType: OCI_IMAGE_MANIFEST_MEDIA_TYPE, config: config(OCI_IMAGE_CONFIG_MEDIA_TYPE), layers: [], subject },
      { mediaType: OCI_IMAGE_MANIFEST_MEDIA_TYPE, artifactType: OCI_IMAGE_CONFIG_MEDIA_TYPE },
    ],
    [
      'an index without artifactType: none',
      { schemaVersion: 2, mediaType: OCI_IMAGE_INDEX_MEDIA_TYPE, manifests: [], subject },
      { mediaType: OCI_IMAGE_INDEX_MEDIA_TYPE },
    ],
  ])('%s', (_label, body, expected) => {
    expect(referrerDescriptorOf(push(body), digest(7), 321)).toStrictEqual({ ...expected, digest: digest(7), size: 321 });
  });
});
