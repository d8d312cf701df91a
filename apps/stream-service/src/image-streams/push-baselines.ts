import type { TagEvent } from '@imagestreams/domain-image';
import { LRUCache } from 'lru-cache';
import type { StreamWrite } from '../stream-writes/stream-write';
import type { ImageStreamRow, TagEventRow } from './image-stream.repository';

/** What a push needs to know before it writes: the stream row and the pushed tag's current entry. */
export interface PushBaseline {
  stream: ImageStreamRow;
  current: TagEventRow | undefined;
}

interface RememberedStream {
  stream: ImageStreamRow;
  /** Current history entry per tag (null: the tag has none), as of `stream.resource_version`. */
  tags: Map<string, TagEventRow | null>;
}

const MAX_STREAMS = 4_096;

/**
 * What the last push through this process left behind, per stream: the row at its new
 * resourceVersion and the current entries of the tags it wrote. The next push to the stream starts
 * from here instead of reading the stream again, which makes a push one round trip to Postgres.
 *
 * Never trusted blindly: a push's write only lands if the stream is still at the remembered
 * resourceVersion, and every change of a stream's spec or history moves that version. A baseline
 * made stale by another replica or another kind of write therefore costs one statement that changes
 * nothing; the caller forgets it and reads the stream. A push that would change nothing is decided
 * on a fresh read, never on memory (nothing is written that could catch the staleness).
 */
export class PushBaselines {
  private readonly streams = new LRUCache<string, RememberedStream>({ max: MAX_STREAMS });

  recall(namespace: string, name: string, tag: string): PushBaseline | undefined {
    const remembered = this.streams.get(key(namespace, name));
    if (!remembered?.tags.has(tag)) return undefined;
    return { stream: remembered.stream, current: remembered.tags.get(tag) ?? undefined };
  }

  /** After `write` committed as `resourceVersion`: the stream as it now is. */
  remember(write: StreamWrite, resourceVersion: string): void {
    const streamKey = key(write.here.namespace, write.here.stream);
    const before = this.streams.get(streamKey);
    // Tags the write did not touch are still as remembered, if what was remembered is what it wrote over.
    const tags = before && before.stream.resource_version === write.expectedResourceVersion ? before.tags : new Map<string, TagEventRow | null>();
    for (const [tag, entry] of write.current) {
      if (entry === null) {
        tags.set(tag, null);
        continue;
      }
      const id = typeof entry.id === 'string' ? entry.id : entry.id.rowId;
      if (id === undefined) tags.delete(tag);
      else tags.set(tag, historyRow(write.stream.uid, tag, id, entry.event));
    }
    this.streams.set(streamKey, { stream: { ...write.stream, resource_version: resourceVersion }, tags });
  }

  forget(namespace: string, name: string): void {
    this.streams.delete(key(namespace, name));
  }
}

function key(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

function historyRow(streamUid: string, tag: string, id: string, event: TagEvent): TagEventRow {
  return {
    id,
    image_stream_uid: streamUid,
    tag,
    image: event.image,
    docker_image_reference: event.dockerImageReference,
    generation: String(event.generation),
    created_at: event.created,
  };
}
