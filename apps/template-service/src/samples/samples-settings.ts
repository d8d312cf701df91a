import type { SamplesConfigSpec } from '@imagestreams/contracts';

export interface SamplesSettings {
  /** False: the Config is still served and stored, but nothing is reconciled. */
  enabled: boolean;
  /** Where the samples live (`openshift`). */
  namespace: string;
  /** How often the samples are compared with the catalog and re-applied when they drifted. */
  intervalMs: number;
  /** The architecture when the spec names none (the one this process runs on). */
  defaultArchitecture: string;
}

export const SAMPLES_SETTINGS = Symbol('SamplesSettings');

const NODE_ARCHITECTURES: Record<string, string> = { x64: 'x86_64', arm64: 'arm64', ppc64: 'ppc64le', s390x: 's390x' };

/** OpenShift derives the default from the operator's GOARCH (amd64 → x86_64); here from Node's `process.arch`. */
export function architectureOfProcess(arch: string = process.arch): string {
  return NODE_ARCHITECTURES[arch] ?? 'x86_64';
}

/** The Config made at start-up when there is none (reference §6.2): Managed, empty skip lists. */
export function defaultSamplesSpec(settings: Pick<SamplesSettings, 'defaultArchitecture'>): SamplesConfigSpec {
  return { managementState: 'Managed', architectures: [settings.defaultArchitecture], skippedImagestreams: [], skippedTemplates: [] };
}
