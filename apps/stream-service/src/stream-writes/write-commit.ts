import type { TagEvent } from '@imagestreams/domain-image';
import type { OutboxRow } from '@imagestreams/platform-messaging';
import { preparedQuery } from '@imagestreams/platform-persistence';
import type { EntityManager } from 'typeorm';
import { imageColumns, type ImageRecord } from '../image-streams/image-stream.repository';
import type { WatchType } from '../watch/watch-log.repository';

/**
 * Stands for the stream's new resourceVersion inside serialized events: the number only exists
 * once the statement below has bumped the stream, and the events are written by that same statement.
 */
export const RESOURCE_VERSION_PLACEHOLDER = '\u0000resourceVersion';
const SERIALIZED_PLACEHOLDER = JSON.stringify(RESOURCE_VERSION_PLACEHOLDER);

export interface WriteCommit {
  uid: string;
  namespace: string;
  name: string;
  watchType: WatchType;
  /** Only write if the stream is still at this resourceVersion (an optimistic write). */
  expectedResourceVersion?: string;
  /** Recorded with the write, and only if the write lands. */
  image?: ImageRecord;
  /** New history entries, oldest first. */
  prepended: { tag: string; event: TagEvent }[];
  /** Existing history rows changed in place. */
  replaced: { id: string; event: TagEvent }[];
  /** Events whose payloads may contain RESOURCE_VERSION_PLACEHOLDER. */
  outbox: OutboxRow[];
}

export interface CommittedWrite {
  resourceVersion: string;
  /** Row ids of `prepended`, index for index. */
  prependedIds: string[];
}

/**
 * Everything a stream write changes, in one statement (one round trip, and atomic even outside a
 * transaction): the stream's resourceVersion moves, the change log learns of it, the history rows
 * and the image are written and the events join the outbox, each part only if the stream row was
 * updated. Returns the new resourceVersion and the row ids of the new history entries (in the
 * order given), or undefined when the stream was not at `expectedResourceVersion` (or is gone), in
 * which case nothing was written.
 */
export async function commitWrite(manager: EntityManager, commit: WriteCommit): Promise<CommittedWrite | undefined> {
  const [committed] = await commitWrites(manager, [commit]);
  return committed;
}

/**
 * Several writes of different streams in one statement (group commit), each landing or not on its
 * own terms as in `commitWrite`; one result per write, in order. For optimistic writes a stream row
 * locked by another transaction counts as changed: they never wait for a lock (the caller's locking
 * path does), so batches of them can never deadlock with each other.
 */
export async function commitWrites(manager: EntityManager, commits: readonly WriteCommit[]): Promise<(CommittedWrite | undefined)[]> {
  const writes = commits.map((commit, idx) => ({
    idx,
    uid: commit.uid,
    namespace: commit.namespace,
    name: commit.name,
    watch_type: commit.watchType,
    expected: commit.expectedResourceVersion ?? null,
  }));
  const prepended = commits.flatMap((commit, idx) => commit.prepended.map(({ tag, event }, ord) => ({ idx, ord, tag, ...historyColumns(event), created: event.created })));
  const replaced = commits.flatMap((commit, idx) => commit.replaced.map(({ id, event }) => ({ idx, id, ...historyColumns(event) })));
  const outbox = commits.flatMap((commit, idx) => commit.outbox.map((row, ord) => ({ idx, ord, ...row })));
  const images = commits.flatMap((commit, idx) => (commit.image ? [{ idx, ...imageColumns(commit.image) }] : []));
  // A write in the caller's transaction has locked its stream already, or waits for the lock.
  const allOptimistic = commits.every((commit) => commit.expectedResourceVersion !== undefined);

  const rows = await preparedQuery<{ idx: number; resource_version: string; prepended_ids: string[] | null }>(
    manager,
    allOptimistic ? 'commit-optimistic-writes' : 'commit-writes',
    `WITH w AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS w(idx int, uid uuid, namespace text, name text, watch_type text, expected bigint)
     ), target AS (
       SELECT w.idx, s.uid FROM image_streams s JOIN w ON s.uid = w.uid
       WHERE w.expected IS NULL OR s.resource_version = w.expected
       FOR UPDATE OF s${allOptimistic ? ' SKIP LOCKED' : ''}
     ), bumped AS (
       UPDATE image_streams s SET resource_version = next_resource_version()
       FROM target t WHERE s.uid = t.uid
       RETURNING t.idx, s.uid, s.resource_version, s.labels
     ), logged AS (
       INSERT INTO watch_log (resource_version, namespace, name, uid, type, labels)
       SELECT b.resource_version, w.namespace, w.name, b.uid, w.watch_type, b.labels FROM bumped b JOIN w ON w.idx = b.idx
     ), prepended AS (
       INSERT INTO tag_events (image_stream_uid, tag, image, docker_image_reference, generation, created_at)
       SELECT b.uid, e.tag, e.image, e.reference, e.generation, e.created
       FROM bumped b JOIN jsonb_to_recordset($2::jsonb) AS e(idx int, ord int, tag text, image text, reference text, generation bigint, created timestamptz) ON e.idx = b.idx
       ORDER BY e.idx, e.ord
       RETURNING id, image_stream_uid
     ), replaced AS (
       UPDATE tag_events t SET image = r.image, docker_image_reference = r.reference, generation = r.generation
       FROM bumped b JOIN jsonb_to_recordset($3::jsonb) AS r(idx int, id bigint, image text, reference text, generation bigint) ON r.idx = b.idx
       WHERE t.id = r.id
     ), queued AS (
       INSERT INTO outbox (id, subject, payload)
       SELECT o.id, o.subject, replace(o.payload, $5, '"' || b.resource_version || '"')
       FROM bumped b JOIN jsonb_to_recordset($4::jsonb) AS o(idx int, ord int, id uuid, subject text, payload text) ON o.idx = b.idx
       ORDER BY o.idx, o.ord
     ), recorded AS (
       INSERT INTO images (name, docker_image_reference, manifest_media_type, metadata, layers, manifests)
       SELECT DISTINCT ON (i.name) i.name, i.reference, i.media_type, i.metadata, i.layers, i.manifests
       FROM bumped b JOIN jsonb_to_recordset($6::jsonb) AS i(idx int, name text, reference text, media_type text, metadata jsonb, layers jsonb, manifests jsonb) ON i.idx = b.idx
       ORDER BY i.name
       ON CONFLICT (name) DO NOTHING
     )
     SELECT b.idx, b.resource_version, (SELECT array_agg(p.id::text ORDER BY p.id) FROM prepended p WHERE p.image_stream_uid = b.uid) AS prepended_ids
     FROM bumped b`,
    [JSON.stringify(writes), JSON.stringify(prepended), JSON.stringify(replaced), JSON.stringify(outbox), SERIALIZED_PLACEHOLDER, JSON.stringify(images)],
  );
  const results: (CommittedWrite | undefined)[] = commits.map(() => undefined);
  // History ids come from a sequence in insertion order, and rows are inserted in `ord` order.
  for (const row of rows) results[row.idx] = { resourceVersion: String(row.resource_version), prependedIds: row.prepended_ids ?? [] };
  return results;
}

function historyColumns(event: TagEvent): { image: string; reference: string; generation: number } {
  return { image: event.image, reference: event.dockerImageReference, generation: event.generation };
}
