import { DOCKER_MANIFEST_MEDIA_TYPE, OCI_IMAGE_MANIFEST_MEDIA_TYPE } from '@imagestreams/domain-registry';
import {
  choosePlatformManifest,
  platformPreferencesFromAnnotations,
  PlatformManifest,
  PlatformPreferences,
  PREFER_ARCH_ANNOTATION,
  PREFER_OS_ANNOTATION,
} from './platform-choice';

// `os/arch[/variant]`, or `-` for an entry without a platform; the digest is derived from the label.
function child(label: string): PlatformManifest {
  const digest = `sha256:${Buffer.from(label).toString('hex').padEnd(64, '0').slice(0, 64)}`;
  if (label.startsWith('-')) return { digest, mediaType: OCI_IMAGE_MANIFEST_MEDIA_TYPE };
  const [os, architecture, variant] = label.split('/');
  return { digest, mediaType: DOCKER_MANIFEST_MEDIA_TYPE, platform: { os, architecture, ...(variant ? { variant } : {}) } };
}

function labelOf(chosen: PlatformManifest | undefined, labels: string[]): string | undefined {
  if (!chosen) return undefined;
  return labels.find((label) => child(label).digest === chosen.digest);
}

const MULTI_ARCH = ['linux/arm64/v8', 'linux/amd64', 'linux/ppc64le', 'windows/amd64', 'linux/s390x'];

describe('choosePlatformManifest', () => {
  it.each<[label: string, children: string[], preferences: PlatformPreferences, expected: string | undefined]>([
    ['the tag preference wins', MULTI_ARCH, { preferArch: 'ppc64le', preferOs: 'linux', defaultArch: 'arm64', defaultOs: 'linux' }, 'linux/ppc64le'],
    ['a preference for another OS', MULTI_ARCH, { preferArch: 'amd64', preferOs: 'windows' }, 'windows/amd64'],
    ['a preferred arch takes the default OS', MULTI_ARCH, { preferArch: 'amd64', defaultArch: 'arm64', defaultOs: 'windows' }, 'windows/amd64'],
    ['a preferred arch without any default OS matches any OS', ['windows/s390x', 'linux/s390x'], { preferArch: 's390x' }, 'windows/s390x'],
    ['an unmatched preference falls back to the default', MULTI_ARCH, { preferArch: 'riscv64', preferOs: 'linux', defaultArch: 's390x', defaultOs: 'linux' }, 'linux/s390x'],
    ['the default when there is no preference', MULTI_ARCH, { defaultArch: 'arm64', defaultOs: 'linux' }, 'linux/arm64/v8'],
    ['linux/amd64 when nothing else matches', MULTI_ARCH, { preferArch: 'riscv64', defaultArch: 'mips64', defaultOs: 'linux' }, 'linux/amd64'],
    ['linux/amd64 with no preferences at all', MULTI_ARCH, {}, 'linux/amd64'],
    ['the first entry when linux/amd64 is missing too', ['linux/arm/v7', 'linux/arm64'], { defaultArch: 'riscv64', defaultOs: 'linux' }, 'linux/arm/v7'],
    ['the first of several variants of the preferred arch', ['linux/arm/v6', 'linux/arm/v7'], { preferArch: 'arm', preferOs: 'linux' }, 'linux/arm/v6'],
    ['preferences are compared case-insensitively and trimmed', MULTI_ARCH, { preferArch: ' PPC64LE ', preferOs: 'Linux' }, 'linux/ppc64le'],
    ['blank preferences count as absent', MULTI_ARCH, { preferArch: ' ', preferOs: '', defaultArch: 's390x', defaultOs: 'linux' }, 'linux/s390x'],
    ['entries without a platform are skipped when others have one', ['-attestation', 'linux/arm64'], {}, 'linux/arm64'],
    ['unknown/unknown attestation entries are never preferred', ['unknown/unknown', 'linux/arm64', 'linux/amd64'], { preferArch: 'unknown', preferOs: 'unknown' }, 'linux/amd64'],
    ['unknown/unknown attestation entries are not the first entry', ['unknown/unknown', 'linux/arm64'], {}, 'linux/arm64'],
    ['the first entry when no entry has a platform', ['-first', '-second'], { preferArch: 'amd64', preferOs: 'linux' }, '-first'],
    ['the first entry when all are unknown/unknown', ['unknown/unknown'], {}, 'unknown/unknown'],
    ['a single entry', ['linux/s390x'], { preferArch: 'amd64' }, 'linux/s390x'],
    ['nothing from an empty list', [], { preferArch: 'amd64', preferOs: 'linux' }, undefined],
  ])('%s', (_label, labels, preferences, expected) => {
    const children = labels.map(child);
    expect(labelOf(choosePlatformManifest(children, preferences), labels)).toBe(expected);
  });

  it('returns the caller’s own object, extra fields included', () => {
    const children = [{ ...child('linux/arm64'), size: 10 }, { ...child('linux/amd64'), size: 20 }];
    expect(choosePlatformManifest(children)).toBe(children[1]);
  });
});

describe('platformPreferencesFromAnnotations', () => {
  it.each<[label: string, annotations: Record<string, string> | undefined, expected: object]>([
    ['both set', { [PREFER_ARCH_ANNOTATION]: 'arm64', [PREFER_OS_ANNOTATION]: 'linux' }, { preferArch: 'arm64', preferOs: 'linux' }],
    ['only the arch', { [PREFER_ARCH_ANNOTATION]: ' s390x ', other: 'x' }, { preferArch: 's390x' }],
    ['blank values', { [PREFER_ARCH_ANNOTATION]: ' ', [PREFER_OS_ANNOTATION]: '' }, {}],
    ['no annotations', undefined, {}],
  ])('%s', (_label, annotations, expected) => {
    expect(platformPreferencesFromAnnotations(annotations)).toEqual(expected);
  });

  it('uses OpenShift’s annotation names', () => {
    expect([PREFER_ARCH_ANNOTATION, PREFER_OS_ANNOTATION]).toEqual([
      'importer.image.openshift.io/prefer-arch',
      'importer.image.openshift.io/prefer-os',
    ]);
  });
});
