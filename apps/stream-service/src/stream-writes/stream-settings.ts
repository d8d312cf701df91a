import type { RegistryHosts } from '../image-streams/image-stream.view';

export const STREAM_SETTINGS = Symbol('STREAM_SETTINGS');

export interface StreamSettings {
  hosts: RegistryHosts;
  /** History entries kept per tag; 0 keeps everything (OpenShift's behaviour). */
  historyLimit: number;
  /** How long `?watch=true&resourceVersion=N` can resume from N. */
  watchRetentionMs: number;
}
