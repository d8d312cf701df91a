import type { Platform } from '@imagestreams/domain-registry';

/** Tag annotation naming the architecture to pick from a manifest list (OpenShift's name). */
export const PREFER_ARCH_ANNOTATION = 'importer.image.openshift.io/prefer-arch';
/** Tag annotation naming the operating system to pick from a manifest list (OpenShift's name). */
export const PREFER_OS_ANNOTATION = 'importer.image.openshift.io/prefer-os';

/** One entry of an OCI index or Docker manifest list, as far as the choice needs it. */
export interface PlatformManifest {
  digest: string;
  mediaType: string;
  platform?: Platform;
}

/**
 * Values are OCI/Go platform names (`amd64`, `arm64`, `linux`), not Node's `process.arch`
 * (`x64`). `prefer*` come from the tag annotations, `default*` from the importer's configuration
 * (OpenShift uses the control plane's own platform there).
 */
export interface PlatformPreferences {
  preferArch?: string;
  preferOs?: string;
  defaultArch?: string;
  defaultOs?: string;
}

interface WantedPlatform {
  architecture?: string;
  os?: string;
}

// What every OpenShift importer falls back to: most published images have a linux/amd64 build.
const COMMON_PLATFORM: WantedPlatform = { architecture: 'amd64', os: 'linux' };

/** Reads the two prefer-* annotations of a spec tag; blank values count as absent. */
export function platformPreferencesFromAnnotations(
  annotations: Readonly<Record<string, string>> | undefined,
): Pick<PlatformPreferences, 'preferArch' | 'preferOs'> {
  const preferences: Pick<PlatformPreferences, 'preferArch' | 'preferOs'> = {};
  const arch = annotations?.[PREFER_ARCH_ANNOTATION]?.trim();
  const os = annotations?.[PREFER_OS_ANNOTATION]?.trim();
  if (arch) preferences.preferArch = arch;
  if (os) preferences.preferOs = os;
  return preferences;
}

/**
 * The one child a Legacy-mode import keeps from a manifest list: the tag's preferred platform,
 * then the configured default, then linux/amd64, then simply the first entry. A preference that
 * names only the architecture (or only the OS) takes the other half from the default, as
 * OpenShift does, and matches any value when there is no default for it either. Returns
 * `undefined` only for an empty list.
 */
export function choosePlatformManifest<T extends PlatformManifest>(
  children: readonly T[],
  preferences: PlatformPreferences = {},
): T | undefined {
  const candidates = runnableCandidates(children);
  for (const wanted of wantedPlatforms(preferences)) {
    const match = candidates.find((child) => child.platform !== undefined && matches(child.platform, wanted));
    if (match) return match;
  }
  return candidates[0];
}

/**
 * Entries without a usable platform (none at all, or buildx's `unknown/unknown` attestation
 * manifests) are not images anyone can run, so they are only considered when nothing else is
 * there; otherwise an index whose first entry is such a manifest would import it.
 */
function runnableCandidates<T extends PlatformManifest>(children: readonly T[]): readonly T[] {
  const withPlatform = children.filter((child) => hasRealPlatform(child.platform));
  return withPlatform.length > 0 ? withPlatform : children;
}

function hasRealPlatform(platform: Platform | undefined): boolean {
  if (!platform) return false;
  return !(normalise(platform.architecture) === 'unknown' && normalise(platform.os) === 'unknown');
}

function wantedPlatforms(preferences: PlatformPreferences): WantedPlatform[] {
  const preferArch = clean(preferences.preferArch);
  const preferOs = clean(preferences.preferOs);
  const defaultArch = clean(preferences.defaultArch);
  const defaultOs = clean(preferences.defaultOs);

  const wanted: WantedPlatform[] = [];
  if (preferArch || preferOs) wanted.push({ architecture: preferArch ?? defaultArch, os: preferOs ?? defaultOs });
  if (defaultArch || defaultOs) wanted.push({ architecture: defaultArch, os: defaultOs });
  wanted.push(COMMON_PLATFORM);
  return wanted;
}

function matches(platform: Platform, wanted: WantedPlatform): boolean {
  if (wanted.architecture !== undefined && normalise(platform.architecture) !== wanted.architecture) return false;
  if (wanted.os !== undefined && normalise(platform.os) !== wanted.os) return false;
  return true;
}

// Annotations are typed by people, so `AMD64 ` should still mean amd64.
function clean(value: string | undefined): string | undefined {
  const trimmed = value?.trim().toLowerCase();
  return trimmed ? trimmed : undefined;
}

function normalise(value: string | undefined): string {
  return (value ?? '').trim().toLowerCase();
}
