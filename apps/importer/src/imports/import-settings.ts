export const IMPORT_SETTINGS = Symbol('IMPORT_SETTINGS');

export interface ImportSettings {
  defaultArch: string;
  defaultOs: string;
  defaultMode: 'Legacy' | 'PreserveOriginal';
  bulkLimit: number;
  registryConcurrency: number;
  schedule: {
    disabled: boolean;
    intervalMs: number;
    minimumIntervalMs: number;
    jitter: number;
    maxPerMinute: number;
    leaseMs: number;
    tickMs: number;
    batch: number;
  };
  /** Registry notification endpoints: name → secret. */
  notificationEndpoints: Map<string, string>;
}
