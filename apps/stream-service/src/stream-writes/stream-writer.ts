import { Inject, Injectable } from '@nestjs/common';
import { NotificationSubjects, type TagChangedV1 } from '@imagestreams/contracts';
import { addTagEvent, importableTagsKey, isImportableTag, tagsTracking, type SpecTag, type TagEvent } from '@imagestreams/domain-image';
import { appendToOutbox, InjectNatsConnection, OutboxRelay, type OutboxEntry } from '@imagestreams/platform-messaging';
import type { NatsConnection } from 'nats';
import type { EntityManager } from 'typeorm';
import { importSpecChangedEntry, tagChangedEntry } from '../image-streams/image-events';
import { ImageStreamRepository, toTagEvent, type ImageStreamRow, type TagEventRow } from '../image-streams/image-stream.repository';
import { WatchLogRepository } from '../watch/watch-log.repository';
import { STREAM_SETTINGS, type StreamSettings } from './stream-settings';
import type { StreamWrite, TagMove } from './stream-write';

const NO_SPEC_TAGS: SpecTag[] = [];

/** The same array for the same stored spec (and one shared empty one), so "unchanged" is an identity check. */
function specTagsOf(stream: ImageStreamRow): SpecTag[] {
  return ((stream.spec as { tags?: SpecTag[] }).tags ?? NO_SPEC_TAGS) as SpecTag[];
}

/**
 * The one way tag history changes: every writer (mapping, spec resolution, rollback) records tag
 * events through here, so OpenShift's history rules, alias following, the history limit and the
 * `tag.changed` events are applied the same way for all of them.
 */
@Injectable()
export class StreamWriter {
  constructor(
    private readonly streams: ImageStreamRepository,
    private readonly relay: OutboxRelay,
    private readonly watchLog: WatchLogRepository,
    @InjectNatsConnection() private readonly connection: NatsConnection,
    @Inject(STREAM_SETTINGS) private readonly settings: StreamSettings,
  ) {}

  /**
   * Starts a write of a stream whose row the caller has locked (or just inserted). `before` is the
   * row as it was when the caller already changed the spec ahead of this call.
   */
  begin(manager: EntityManager, stream: ImageStreamRow, actor: string, before: ImageStreamRow = stream): StreamWrite {
    return {
      manager,
      stream,
      here: { namespace: stream.namespace, stream: stream.name },
      specTags: specTagsOf(stream),
      previousSpecTags: specTagsOf(before),
      importsNeeded: new Set(),
      current: new Map(),
      moves: [],
      entries: [],
      dirty: false,
      watchType: 'MODIFIED',
      actor,
    };
  }

  /** Seeds what the write knows of a tag's current entry when the caller already read it. */
  knowCurrent(write: StreamWrite, tag: string, row: TagEventRow | undefined): void {
    write.current.set(tag, row ? { id: String(row.id), event: toTagEvent(row) } : null);
  }

  /** The tag's current event as this write sees it (its own changes included). */
  async currentOf(write: StreamWrite, tag: string): Promise<{ id: string; event: TagEvent } | undefined> {
    if (!write.current.has(tag)) {
      const row = await this.streams.currentTagEvent(write.manager, write.stream.uid, tag);
      write.current.set(tag, row ? { id: String(row.id), event: toTagEvent(row) } : null);
    }
    return write.current.get(tag) ?? undefined;
  }

  /**
   * Makes `event` the tag's current image (OpenShift's §3 collapse rules), then gives the same event
   * to every tag of this stream that tracks it (aliases), and to their trackers in turn.
   */
  async record(write: StreamWrite, tag: string, event: TagEvent, cause: TagMove['cause'], reason?: string): Promise<void> {
    const queue: { tag: string; cause: TagMove['cause'] }[] = [{ tag, cause }];
    const visited = new Set<string>();
    for (let next = queue.shift(); next; next = queue.shift()) {
      if (visited.has(next.tag)) continue;
      visited.add(next.tag);
      const existing = await this.currentOf(write, next.tag);
      const change = addTagEvent(existing ? [existing.event] : [], event);
      if (!change.changed) continue;
      const top = change.history[0];
      let id = existing?.id;
      if (change.kind === 'prepended' || !id) {
        id = await this.streams.prependTagEvent(write.manager, write.stream.uid, next.tag, top);
        if (this.settings.historyLimit > 0) await this.streams.pruneTagHistory(write.manager, write.stream.uid, next.tag, this.settings.historyLimit);
      } else {
        await this.streams.replaceTagEvent(write.manager, id, top);
      }
      write.current.set(next.tag, { id, event: top });
      write.dirty = true;
      const previous = existing?.event;
      if (!previous || previous.image !== top.image || previous.dockerImageReference !== top.dockerImageReference) {
        write.moves.push({ tag: next.tag, previous, current: top, cause: next.cause, reason: next.tag === tag ? reason : undefined });
      }
      for (const alias of tagsTracking(write.specTags, next.tag, write.here)) queue.push({ tag: alias, cause: 'alias' });
    }
  }

  /**
   * Moves the stream's resourceVersion if anything changed and appends the write's events to the
   * outbox, in the caller's transaction. Returns the stream's resourceVersion after the write.
   * Call `published()` after the transaction commits.
   */
  async finish(write: StreamWrite): Promise<string> {
    const resourceVersion = write.dirty
      ? await this.watchLog.bumpAndLog(write.manager, { uid: write.stream.uid, namespace: write.here.namespace, name: write.here.stream, type: write.watchType })
      : String(write.stream.resource_version);
    const tagEntries = write.moves.map((move) => {
      const data: TagChangedV1 = {
        namespace: write.here.namespace,
        imageStream: write.here.stream,
        tag: move.tag,
        previous: move.previous ? { image: move.previous.image, dockerImageReference: move.previous.dockerImageReference } : null,
        current: { image: move.current.image, dockerImageReference: move.current.dockerImageReference },
        generation: move.current.generation,
        cause: move.cause,
        actor: write.actor,
        resourceVersion,
        ...(move.reason ? { reason: move.reason } : {}),
      };
      return tagChangedEntry(data);
    });
    const importSpec = this.importSpecEntry(write, resourceVersion);
    await appendToOutbox(write.manager, [...write.entries, ...tagEntries, ...(importSpec ? [importSpec] : [])]);
    return resourceVersion;
  }

  /** `importspec.changed` when the stream's importable tags changed or some must be imported now. */
  private importSpecEntry(write: StreamWrite, resourceVersion: string): OutboxEntry | undefined {
    const after = specTagsOf(write.stream);
    if (write.importsNeeded.size > 0) return this.importSpecChanged(write, after, resourceVersion);
    // Pushes and rollbacks leave the spec as it was: no need to serialize it twice to know.
    if (after === write.previousSpecTags || importableTagsKey(after) === importableTagsKey(write.previousSpecTags)) return undefined;
    return this.importSpecChanged(write, after, resourceVersion);
  }

  private importSpecChanged(write: StreamWrite, after: SpecTag[], resourceVersion: string): OutboxEntry {
    return importSpecChangedEntry({
      namespace: write.here.namespace,
      imageStream: write.here.stream,
      uid: write.stream.uid,
      actor: write.actor,
      resourceVersion,
      tags: after.filter(isImportableTag).map((tag) => ({
        tag: tag.name,
        from: tag.from?.name ?? '',
        ...(tag.importPolicy ? { importPolicy: tag.importPolicy } : {}),
        ...(tag.referencePolicy ? { referencePolicy: tag.referencePolicy } : {}),
        ...(tag.annotations ? { annotations: tag.annotations } : {}),
        generation: tag.generation ?? Number(write.stream.generation),
        needsImport: write.importsNeeded.has(tag.name),
      })),
    });
  }

  /**
   * After commit: let the relay publish right away rather than at its next poll, and wake the
   * namespace's watchers (best effort: they also poll the change log).
   */
  published(namespace?: string): void {
    this.relay.kick();
    if (namespace !== undefined && !this.connection.isClosed()) {
      this.connection.publish(NotificationSubjects.imageStreamsChanged, JSON.stringify({ namespace }));
    }
  }
}
