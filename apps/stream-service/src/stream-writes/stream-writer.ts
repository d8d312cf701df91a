import { Inject, Injectable } from '@nestjs/common';
import { NotificationSubjects, wakeUpSubject, type TagChangedV1 } from '@imagestreams/contracts';
import { addTagEvent, importableTagsKey, isImportableTag, tagsTracking, type SpecTag, type TagEvent } from '@imagestreams/domain-image';
import { appendToOutbox, InjectNatsConnection, OutboxRelay, outboxRows, type OutboxEntry } from '@imagestreams/platform-messaging';
import { MicroBatcher } from '@imagestreams/platform-persistence';
import type { NatsConnection } from 'nats';
import type { EntityManager } from 'typeorm';
import { importSpecChangedEntry, tagChangedEntry } from '../image-streams/image-events';
import { ImageStreamRepository, toTagEvent, type ImageStreamRow, type TagEventRow } from '../image-streams/image-stream.repository';
import { STREAM_SETTINGS, type StreamSettings } from './stream-settings';
import type { PendingEntry, StreamWrite, TagMove } from './stream-write';
import { commitWrite, commitWrites, RESOURCE_VERSION_PLACEHOLDER, type CommittedWrite, type WriteCommit } from './write-commit';

type CommitOutcome = { committed: CommittedWrite | undefined } | { error: unknown };

/** Optimistic writes in one statement at most; beyond that they wait for a statement to finish. */
const GROUP_COMMIT_MAX_WRITES = 64;
const GROUP_COMMIT_MAX_STATEMENTS = 2;

/** An optimistic write found the stream changed (or gone) since it was read: nothing was written. */
export class StreamChangedMeanwhile extends Error {
  constructor(namespace: string, name: string) {
    super(`image stream ${namespace}/${name} changed while it was being written`);
  }
}

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
  private readonly optimisticCommits = new MicroBatcher<WriteCommit, CommitOutcome>((commits) => this.commitTogether(commits), GROUP_COMMIT_MAX_WRITES, GROUP_COMMIT_MAX_STATEMENTS);

  constructor(
    private readonly streams: ImageStreamRepository,
    private readonly relay: OutboxRelay,
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
      prepended: [],
      replaced: new Map(),
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
  async currentOf(write: StreamWrite, tag: string): Promise<{ id: string | PendingEntry; event: TagEvent } | undefined> {
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
        id = { tag: next.tag, event: top };
        write.prepended.push(id);
      } else if (typeof id === 'string') {
        write.replaced.set(id, top);
      } else {
        id.event = top;
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
   * Writes everything the write did: history, the stream's new resourceVersion (if anything
   * changed) and its events, in the caller's transaction, or on its own for an optimistic write
   * (which throws StreamChangedMeanwhile, having written nothing, if the stream moved on since it
   * was read). Returns the stream's resourceVersion after the write. Call `published()` after the
   * transaction commits.
   */
  async finish(write: StreamWrite): Promise<string> {
    if (!write.dirty) {
      // Nothing changed, so nothing to guard: the write still records the image it brought.
      if (write.image) await this.streams.insertImage(write.manager, write.image);
      await appendToOutbox(write.manager, this.events(write, String(write.stream.resource_version)));
      return String(write.stream.resource_version);
    }
    const commit: WriteCommit = {
      uid: write.stream.uid,
      namespace: write.here.namespace,
      name: write.here.stream,
      watchType: write.watchType,
      expectedResourceVersion: write.expectedResourceVersion,
      image: write.image,
      prepended: write.prepended,
      replaced: [...write.replaced].map(([id, event]) => ({ id, event })),
      outbox: outboxRows(this.events(write, RESOURCE_VERSION_PLACEHOLDER)),
    };
    const committed = write.expectedResourceVersion === undefined ? await commitWrite(write.manager, commit) : await this.commitOptimistically(commit);
    if (committed === undefined) throw new StreamChangedMeanwhile(write.here.namespace, write.here.stream);
    write.prepended.forEach((entry, index) => (entry.rowId = committed.prependedIds[index]));
    if (this.settings.historyLimit > 0 && write.prepended.length > 0) {
      // After the write even when it was optimistic: keeping the newest entries is safe at any time.
      for (const tag of new Set(write.prepended.map((entry) => entry.tag))) {
        await this.streams.pruneTagHistory(write.manager, write.stream.uid, tag, this.settings.historyLimit);
      }
    }
    return committed.resourceVersion;
  }

  /**
   * Optimistic writes are outside any transaction, so concurrent ones (pushes to different
   * streams) share one statement: group commit, one round trip and one WAL flush for the lot.
   */
  private async commitOptimistically(commit: WriteCommit): Promise<CommittedWrite | undefined> {
    const outcome = await this.optimisticCommits.submit(commit);
    if ('error' in outcome) throw outcome.error;
    return outcome.committed;
  }

  /** One failing write must not fail the others it was batched with: if the batch fails, each goes alone. */
  private async commitTogether(commits: WriteCommit[]): Promise<CommitOutcome[]> {
    const manager = this.streams.manager();
    try {
      return (await commitWrites(manager, commits)).map((committed) => ({ committed }));
    } catch (error) {
      if (commits.length === 1) return [{ error }];
      return Promise.all(commits.map((commit) => commitWrite(manager, commit).then((committed) => ({ committed }), (error: unknown) => ({ error }))));
    }
  }

  /** The write's events, stamped with `resourceVersion`. */
  private events(write: StreamWrite, resourceVersion: string): OutboxEntry[] {
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
    return [...write.entries, ...tagEntries, ...(importSpec ? [importSpec] : [])];
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
      this.connection.publish(wakeUpSubject(NotificationSubjects.imageStreamsChanged, namespace), JSON.stringify({ namespace }));
    }
  }
}
