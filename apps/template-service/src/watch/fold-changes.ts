import { groupRows } from '@imagestreams/platform-persistence';
import type { WatchLogRow } from './watch-log.repository';

export interface FoldedChange {
  /** The object's newest entry in the window: its type and its place in the order. */
  last: WatchLogRow;
  /** The object did not exist when the window opened (an ADDED entry lies within it). */
  addedInWindow: boolean;
}

/**
 * A window of the change log as one change per object, in the order of each object's newest
 * entry: an object changed three times is one change, and a watcher told about its current state
 * once has missed nothing.
 */
export function foldChanges(rows: readonly WatchLogRow[]): FoldedChange[] {
  const folded = [...groupRows(rows, (row) => row.uid).values()].map((entries) => ({
    last: entries[entries.length - 1],
    addedInWindow: entries.some((entry) => entry.type === 'ADDED'),
  }));
  return folded.sort((a, b) => (BigInt(a.last.resource_version) < BigInt(b.last.resource_version) ? -1 : 1));
}
