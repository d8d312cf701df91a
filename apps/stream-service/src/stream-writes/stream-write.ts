import type { TagChangeCause } from '@imagestreams/contracts';
import type { SpecTag, TagEvent } from '@imagestreams/domain-image';
import type { OutboxEntry } from '@imagestreams/platform-messaging';
import type { EntityManager } from 'typeorm';
import type { ImageStreamRow } from '../image-streams/image-stream.repository';

/** A tag whose current image moved during the write; becomes one `tag.changed` event at commit. */
export interface TagMove {
  tag: string;
  previous?: TagEvent;
  current: TagEvent;
  cause: TagChangeCause;
  reason?: string;
}

/**
 * Everything one write of one stream has seen and done, inside one transaction that holds the
 * stream's row lock. Events are only built at the end, when the stream's new resourceVersion is known.
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
   * items[0] per tag as of now, with its row id so in-place updates hit the right row. Filled on
   * demand (null = the tag has no history), so a push to one tag of a big stream reads one row.
   */
  current: Map<string, { id: string; event: TagEvent } | null>;
  moves: TagMove[];
  /** Other events of this write (stream created/deleted, tag deleted), data without resourceVersion. */
  entries: OutboxEntry[];
  /** Something in the stream changed, so its resourceVersion must move (and watchers hear of it). */
  dirty: boolean;
  /** How watchers see this write: ADDED when it created the stream. */
  watchType: 'ADDED' | 'MODIFIED';
  actor: string;
}
