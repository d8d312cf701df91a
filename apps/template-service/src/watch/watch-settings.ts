export const WATCH_SETTINGS = Symbol('WATCH_SETTINGS');

export interface WatchSettings {
  /** How long the change log keeps an entry; a watch resuming from before that is 410 Expired. */
  retentionMs: number;
}
