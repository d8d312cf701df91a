import type { TagEvent } from '@imagestreams/domain-image';
import type { OutboxRow } from '@imagestreams/platform-messaging';
import type { EntityManager } from 'typeorm';
import { imageInsertParameters, type ImageRecord } from '../image-streams/image-stream.repository';
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

/**
 * Everything a stream write changes, in one statement (one round trip, and atomic even outside a
 * transaction): the stream's resourceVersion moves, the change log learns of it, the history rows
 * and the image are written and the events join the outbox, each part only if the stream row was
 * updated. Returns the new resourceVersion, or undefined when the stream was not at
 * `expectedResourceVersion` (or is gone), in which case nothing was written.
 */
export async function commitWrite(manager: EntityManager, commit: WriteCommit): Promise<string | undefined> {
  const values: unknown[] = [
    commit.uid,
    commit.namespace,
    commit.name,
    commit.watchType,
    commit.expectedResourceVersion ?? null,
    JSON.stringify(commit.prepended.map(({ tag, event }, ord) => ({ ord, tag, ...historyColumns(event), created: event.created }))),
    JSON.stringify(commit.replaced.map(({ id, event }) => ({ id, ...historyColumns(event) }))),
    JSON.stringify(commit.outbox.map((row, ord) => ({ ord, ...row }))),
    SERIALIZED_PLACEHOLDER,
  ];
  const image = commit.image
    ? `, recorded AS (
         INSERT INTO images (name, docker_image_reference, manifest_media_type, metadata, layers, manifests)
         SELECT $10::text, $11::text, $12::text, $13::jsonb, $14::jsonb, $15::jsonb WHERE EXISTS (SELECT 1 FROM bumped)
         ON CONFLICT (name) DO NOTHING)`
    : '';
  if (commit.image) values.push(...imageInsertParameters(commit.image));

  const rows: { resource_version: string }[] = await manager.query(
    `WITH bumped AS (
       UPDATE image_streams SET resource_version = nextval('resource_version_seq')
       WHERE uid = $1 AND ($5::bigint IS NULL OR resource_version = $5::bigint)
       RETURNING resource_version, labels
     ), logged AS (
       INSERT INTO watch_log (resource_version, namespace, name, uid, type, labels)
       SELECT resource_version, $2, $3, $1, $4, labels FROM bumped
     ), prepended AS (
       INSERT INTO tag_events (image_stream_uid, tag, image, docker_image_reference, generation, created_at)
       SELECT $1, e.tag, e.image, e.reference, e.generation, e.created
       FROM bumped, jsonb_to_recordset($6::jsonb) AS e(ord int, tag text, image text, reference text, generation bigint, created timestamptz)
       ORDER BY e.ord
     ), replaced AS (
       UPDATE tag_events t SET image = r.image, docker_image_reference = r.reference, generation = r.generation
       FROM bumped, jsonb_to_recordset($7::jsonb) AS r(id bigint, image text, reference text, generation bigint)
       WHERE t.id = r.id
     ), queued AS (
       INSERT INTO outbox (id, subject, payload)
       SELECT o.id, o.subject, replace(o.payload, $9, '"' || b.resource_version || '"')
       FROM bumped b, jsonb_to_recordset($8::jsonb) AS o(ord int, id uuid, subject text, payload text)
       ORDER BY o.ord
     )${image}
     SELECT resource_version FROM bumped`,
    values,
  );
  return rows[0] ? String(rows[0].resource_version) : undefined;
}

function historyColumns(event: TagEvent): { image: string; reference: string; generation: number } {
  return { image: event.image, reference: event.dockerImageReference, generation: event.generation };
}
