import type { TagChangeCause } from '@imagestreams/contracts';
import type { SpecTag, TagEvent } from '@imagestreams/domain-image';
import type { OutboxEntry } from '@imagestreams/platform-messaging';
import type { EntityManager } from 'typeorm';
import type { ImageRecord, ImageStreamRow } from '../image-streams/image-stream.repository';

/** A tag whose current image moved during the write; becomes one `tag.changed` event at commit. */
export interface TagMove {
  tag: string;
  previous?: TagEvent;
  current: TagEvent;
  cause: TagChangeCause;
  reason?: string;
}

/** A history entry the write adds. */
export interface PendingEntry {
  tag: string;
  event: TagEvent;
  /** The history row's id, known once the write committed. */
  rowId?: string;
}

/**
 * Everything one write of one stream has seen and done: inside one transaction that holds the
 * stream's row lock, or optimistically (see `expectedResourceVersion`). Nothing is written until
 * the end, when history, resourceVersion, change log and events go to Postgres in one statement.
 */
export interface StreamWrite {
  manager: EntityManager;
  stream: ImageStreamRow;
  here: { namespace: string; stream: string };
  specTags: SpecTag[];
  /** The spec tags before this write, to tell whether the importer's view of the stream changed. */
  previousSpecTags: SpecTag[];
  /** Importable tags new or changed in this write: the importer imports them now. */
  importsNeeded: Set<string>;
  /**
   * items[0] per tag as of now, with its row id so in-place updates hit the right row (or, for an
   * entry this write adds, its place in `prepended`). Filled on demand (null = the tag has no
   * history), so a push to one tag of a big stream reads one row.
   */
  current: Map<string, { id: string | PendingEntry; event: TagEvent } | null>;
  /** History entries this write adds, oldest first; written when the write finishes. */
  prepended: PendingEntry[];
  /** Existing history rows this write changes in place, by row id. */
  replaced: Map<string, TagEvent>;
  /**
   * Set when the stream row is not locked (an optimistic write): the write only lands if the stream
   * is still at this resourceVersion, otherwise finish() throws StreamChangedMeanwhile.
   */
  expectedResourceVersion?: string;
  /** An image to record together with the write (an optimistic push). */
  image?: ImageRecord;
  moves: TagMove[];
  /** Other events of this write (stream created/deleted, tag deleted), data without resourceVersion. */
  entries: OutboxEntry[];
  /** Something in the stream changed, so its resourceVersion must move (and watchers hear of it). */
  dirty: boolean;
  /** How watchers see this write: ADDED when it created the stream. */
  watchType: 'ADDED' | 'MODIFIED';
  actor: string;
}
