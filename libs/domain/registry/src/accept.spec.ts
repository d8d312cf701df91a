import { chooseManifestRepresentation, type ManifestRepresentation, type StoredManifestSummary } from './accept';
import { DOCKER_MANIFEST_LIST_MEDIA_TYPE, DOCKER_MANIFEST_MEDIA_TYPE, OCI_IMAGE_INDEX_MEDIA_TYPE, OCI_IMAGE_MANIFEST_MEDIA_TYPE } from './media-types';

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
const OCI = OCI_IMAGE_MANIFEST_MEDIA_TYPE;
const DOCKER = DOCKER_MANIFEST_MEDIA_TYPE;

const OCI_IMAGE: StoredManifestSummary = { mediaType: OCI };
const DOCKER_IMAGE: StoredManifestSummary = { mediaType: DOCKER };
const OCI_INDEX: StoredManifestSummary = {
  mediaType: OCI_IMAGE_INDEX_MEDIA_TYPE,
  manifests: [
    { mediaType: OCI, digest: digest(1), platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } },
    { mediaType: OCI, digest: digest(2), platform: { architecture: 'amd64', os: 'windows' } },
    { mediaType: OCI, digest: digest(3), platform: { architecture: 'amd64', os: 'linux' } },
    { mediaType: OCI, digest: digest(4), platform: { architecture: 'amd64', os: 'linux' } },
  ],
};
const DOCKER_ARM_CHILD = { mediaType: DOCKER, digest: digest(6), platform: { architecture: 'arm', os: 'linux', variant: 'v7' } };
const DOCKER_LIST: StoredManifestSummary = {
  mediaType: DOCKER_MANIFEST_LIST_MEDIA_TYPE,
  manifests: [{ mediaType: DOCKER, digest: digest(5), platform: { architecture: 'amd64', os: 'linux' } }, DOCKER_ARM_CHILD],
};
const ARM_ONLY_LIST: StoredManifestSummary = { mediaType: DOCKER_MANIFEST_LIST_MEDIA_TYPE, manifests: [DOCKER_ARM_CHILD] };
// A buildx attestation entry has an unknown platform and must never be picked.
const INDEX_WITHOUT_PLATFORMS: StoredManifestSummary = { mediaType: OCI_IMAGE_INDEX_MEDIA_TYPE, manifests: [{ mediaType: OCI, digest: digest(7) }] };

const STORED: ManifestRepresentation = { serve: 'stored' };
const NONE: ManifestRepresentation = { serve: 'none' };
const child = (n: number): ManifestRepresentation => ({ serve: 'child', digest: digest(n) });

describe('chooseManifestRepresentation', () => {
  it.each<[label: string, accept: string | string[] | undefined, stored: StoredManifestSummary, expected: ManifestRepresentation]>([
    // The stored manifest is acceptable
    ['no Accept header', undefined, OCI_INDEX, STORED],
    ['an empty Accept header', '', DOCKER_IMAGE, STORED],
    ['an Accept header with no valid range', 'garbage, ;q=1', OCI_IMAGE, STORED],
    ['*/*', '*/*', DOCKER_LIST, STORED],
    ['a bare * (old Java clients)', '*; q=.2', OCI_INDEX, STORED],
    ['application/*', 'application/*', OCI_IMAGE, STORED],
    ['the stored type listed among others', `${DOCKER}, ${OCI}, ${OCI_IMAGE_INDEX_MEDIA_TYPE}`, OCI_INDEX, STORED],
    ['the stored type with a weight', `${OCI};q=0.5`, OCI_IMAGE, STORED],
    ['the smallest non-zero weight', `${OCI};q=0.001`, OCI_IMAGE, STORED],
    ['other parameters are ignored', `${OCI} ; profile=x`, OCI_IMAGE, STORED],
    ['the stored type in a different case', OCI.toUpperCase(), OCI_IMAGE, STORED],
    ['the stored type in a second header', [DOCKER, `${OCI}, text/plain`], OCI_IMAGE, STORED],
    ['*/* with another type refused', `*/*, ${DOCKER};q=0`, OCI_IMAGE, STORED],
    ['a specific range wins over a refused wildcard', `application/*;q=0, ${OCI}`, OCI_IMAGE, STORED],
    // Images are never converted
    ['an OCI image to a Docker-only client', DOCKER, OCI_IMAGE, NONE],
    ['a Docker image to an OCI-only client', OCI, DOCKER_IMAGE, NONE],
    ['the stored type refused with q=0', `${OCI};q=0`, OCI_IMAGE, NONE],
    ['q=0.000 also refuses', `${OCI}; q=0.000, ${DOCKER}`, OCI_IMAGE, NONE],
    ['the wildcard matches but the type is refused specifically', `*/*, ${OCI};q=0`, OCI_IMAGE, NONE],
    ['application/* refused', 'application/*;q=0', OCI_IMAGE, NONE],
    ['another top-level type only', 'text/*', OCI_IMAGE, NONE],
    ['an unrelated type only', 'application/json', DOCKER_IMAGE, NONE],
    // Indexes for clients that only read single images
    ['an OCI index to a client reading OCI images: first linux/amd64 child', OCI, OCI_INDEX, child(3)],
    ['a manifest list to a Docker client: linux/amd64 child', DOCKER, DOCKER_LIST, child(5)],
    ['the index type refused but wildcard allowed', `*/*, ${OCI_IMAGE_INDEX_MEDIA_TYPE};q=0`, OCI_INDEX, child(3)],
    ['a manifest list whose amd64 child the client cannot read', OCI, DOCKER_LIST, NONE],
    ['a manifest list without a linux/amd64 child', DOCKER, ARM_ONLY_LIST, NONE],
    ['an index whose children carry no platform', OCI, INDEX_WITHOUT_PLATFORMS, NONE],
    ['an index summary without children', OCI, { mediaType: OCI_IMAGE_INDEX_MEDIA_TYPE }, NONE],
    ['an OCI index to a client reading only Docker lists', DOCKER_MANIFEST_LIST_MEDIA_TYPE, OCI_INDEX, NONE],
  ])('%s', (_label, accept, stored, expected) => {
    expect(chooseManifestRepresentation(accept, stored)).toEqual(expected);
  });
});
