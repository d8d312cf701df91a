import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectDataSource } from '@nestjs/typeorm';
import { ImageStreamResource, Statuses, StatusError } from '@imagestreams/contracts';
import { CLOCK_TIMESTAMP_RFC3339, hasPgErrorCode, labelCondition, PgErrorCodes, retryOnDeadlock, returnedRows, settledResourceVersion } from '@imagestreams/platform-persistence';
import type { TagCondition, TagEvent } from '@imagestreams/domain-image';
import type { LabelSelector } from '@imagestreams/domain-labels';
import type { DataSource, EntityManager } from 'typeorm';

/** Postgres SQLSTATE for a foreign key violation. */
/** Rounds of INSERT then lock before a stream deleted under a creating writer is a Conflict. */
const CREATE_ATTEMPTS = 3;

export interface ImageStreamRow {
  uid: string;
  namespace: string;
  name: string;
  generation: string;
  resource_version: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: Record<string, unknown>;
  /** ImportSuccess conditions by tag name. */
  tag_conditions: Record<string, TagCondition[]>;
  created_at: Date;
}

import type { ImageRow } from '../images/images.repository';

export type { ImageRow };

export interface TagEventRow {
  id: string;
  image_stream_uid: string;
  tag: string;
  image: string;
  docker_image_reference: string;
  generation: string;
  /** Text (already RFC 3339) when read by `tagEvents`, which serves big histories. */
  created_at: Date | string;
}

export function toTagEvent(row: TagEventRow): TagEvent {
  return { created: typeof row.created_at === 'string' ? row.created_at : row.created_at.toISOString(), dockerImageReference: row.docker_image_reference, image: row.image, generation: Number(row.generation) };
}

export interface ImageRecord {
  name: string;
  dockerImageReference: string;
  manifestMediaType?: string;
  metadata?: Record<string, unknown>;
  layers?: readonly object[];
  manifests?: readonly object[];
}

const INSERT_IMAGE_SQL = `INSERT INTO images (name, docker_image_reference, manifest_media_type, metadata, layers, manifests) VALUES ($1, $2, $3, $4, $5, $6)
  ON CONFLICT (name) DO NOTHING`;

/** An image as its `images` columns hold it (fields it lacks are null). */
export function imageColumns(image: ImageRecord) {
  return {
    name: image.name,
    reference: image.dockerImageReference,
    media_type: image.manifestMediaType ?? null,
    metadata: image.metadata ?? null,
    layers: image.layers ?? null,
    manifests: image.manifests ?? null,
  };
}

function imageInsertParameters(image: ImageRecord): unknown[] {
  const { name, reference, media_type, metadata, layers, manifests } = imageColumns(image);
  // Arrays go in as JSON text: the driver would otherwise send them as Postgres arrays.
  return [name, reference, media_type, metadata, layers === null ? null : JSON.stringify(layers), manifests === null ? null : JSON.stringify(manifests)];
}

/** SQL for streams, their tag history and images; the only place this service's tables are touched. */
@Injectable()
export class ImageStreamRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * One writer's transaction. A deadlock (a namespace deletion cascading through streams that
   * writers are locking, say) makes Postgres abort one side; that side runs again from the start,
   * so a client never sees it. Work builds its state afresh inside, and in-memory caches change
   * only after the commit (StreamWriter.published), so running it twice is safe.
   */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return retryOnDeadlock(() => this.dataSource.transaction(work));
  }

  /** For reads outside a transaction. */
  manager(): EntityManager {
    return this.dataSource.manager;
  }

  /**
   * Locks the stream row for the rest of the transaction, creating it first if needed, so two
   * writers of one stream serialize while writers of different streams do not wait. Returns
   * undefined when the namespace does not exist (the foreign key says so; a stream that exists
   * implies its namespace does). `likelyNew` (the caller just saw no stream) tries the insert first,
   * and `createNamespace` (a registry push) creates a missing namespace in the same statement: one
   * round trip either way in the common case.
   */
  async lockOrCreate(
    manager: EntityManager,
    namespace: string,
    name: string,
    uid: string,
    options: { likelyNew?: boolean; createNamespace?: boolean } = {},
  ): Promise<{ stream: ImageStreamRow; created: boolean } | undefined> {
    if (!options.likelyNew) {
      const existing = await this.lock(manager, namespace, name);
      if (existing) return { stream: existing, created: false };
    }
    for (let attempt = 1; ; attempt++) {
      let inserted: ImageStreamRow[];
      try {
        inserted = await manager.query(
          `WITH implicit_namespace AS (
             INSERT INTO namespaces (name, uid, resource_version)
             SELECT $1, $4::uuid, next_resource_version() WHERE $5::boolean
             ON CONFLICT (name) DO NOTHING
           )
           INSERT INTO image_streams (uid, namespace, name, resource_version)
           VALUES ($3, $1, $2, next_resource_version())
           ON CONFLICT (namespace, name) DO NOTHING
           RETURNING *`,
          [namespace, name, uid, randomUUID(), options.createNamespace === true],
        );
      } catch (error) {
        if (hasPgErrorCode(error, [PgErrorCodes.foreignKeyViolation])) return undefined;
        throw error;
      }
      if (inserted[0]) return { stream: inserted[0], created: true };
      // It exists (another writer created it, or it did all along): wait for its lock like everyone else.
      const existing = await this.lock(manager, namespace, name);
      if (existing) return { stream: existing, created: false };
      // Deleted between the INSERT and the lock: the next statement's snapshot sees it gone, and the
      // INSERT creates it (or finds the namespace deleted too). Only a stream deleted again and again
      // ends in a Conflict the client can retry.
      if (attempt === CREATE_ATTEMPTS) {
        throw new StatusError(Statuses.conflict(ImageStreamResource, name, 'the image stream was deleted while this request was creating it; try again'));
      }
    }
  }

  async lock(manager: EntityManager, namespace: string, name: string): Promise<ImageStreamRow | undefined> {
    const rows: ImageStreamRow[] = await manager.query('SELECT * FROM image_streams WHERE namespace = $1 AND name = $2 FOR UPDATE', [namespace, name]);
    return rows[0];
  }

  /** Inserts a new stream; 'exists' when the name is taken, 'no-namespace' when the namespace is missing. */
  async insert(
    manager: EntityManager,
    row: { uid: string; namespace: string; name: string; labels: Record<string, string>; annotations: Record<string, string>; spec: Record<string, unknown> },
  ): Promise<ImageStreamRow | 'exists' | 'no-namespace'> {
    try {
      const rows: ImageStreamRow[] = await manager.query(
        `INSERT INTO image_streams (uid, namespace, name, labels, annotations, spec, generation, resource_version)
         VALUES ($1, $2, $3, $4, $5, $6, 1, next_resource_version())
         ON CONFLICT (namespace, name) DO NOTHING RETURNING *`,
        [row.uid, row.namespace, row.name, row.labels, row.annotations, row.spec],
      );
      return rows[0] ?? 'exists';
    } catch (error) {
      if (hasPgErrorCode(error, [PgErrorCodes.foreignKeyViolation])) return 'no-namespace';
      throw error;
    }
  }

  async updateStream(
    manager: EntityManager,
    uid: string,
    fields: { generation: number; labels: Record<string, string>; annotations: Record<string, string>; spec: Record<string, unknown> },
  ): Promise<ImageStreamRow> {
    const rows = returnedRows<ImageStreamRow>(await manager.query(
      `UPDATE image_streams SET generation = $2, labels = $3, annotations = $4, spec = $5, resource_version = next_resource_version()
       WHERE uid = $1 RETURNING *`,
      [uid, fields.generation, fields.labels, fields.annotations, fields.spec],
    ));
    return rows[0];
  }

  /** items[0] of every tag of a stream. */
  async currentTagEvents(manager: EntityManager, streamUid: string): Promise<TagEventRow[]> {
    return manager.query('SELECT DISTINCT ON (tag) * FROM tag_events WHERE image_stream_uid = $1 ORDER BY tag, id DESC', [streamUid]);
  }

  /** One tag's history, newest first. */
  async tagHistory(manager: EntityManager, streamUid: string, tag: string): Promise<TagEventRow[]> {
    return manager.query('SELECT * FROM tag_events WHERE image_stream_uid = $1 AND tag = $2 ORDER BY id DESC', [streamUid, tag]);
  }

  /** Every history entry of a stream (for ImageStreamImage lookups), newest first. */
  async allTagEvents(manager: EntityManager, streamUid: string): Promise<TagEventRow[]> {
    return manager.query('SELECT * FROM tag_events WHERE image_stream_uid = $1 ORDER BY id DESC', [streamUid]);
  }

  /** Keeps the newest `limit` entries of a tag; the current entry is always among them. */
  async pruneTagHistory(manager: EntityManager, streamUid: string, tag: string, limit: number): Promise<void> {
    await manager.query(
      `DELETE FROM tag_events WHERE id IN (
         SELECT id FROM tag_events WHERE image_stream_uid = $1 AND tag = $2 ORDER BY id DESC OFFSET $3)`,
      [streamUid, tag, limit],
    );
  }

  async deleteTagHistory(manager: EntityManager, streamUid: string, tag: string): Promise<void> {
    await manager.query('DELETE FROM tag_events WHERE image_stream_uid = $1 AND tag = $2', [streamUid, tag]);
  }

  async setTagConditions(manager: EntityManager, uid: string, conditions: Record<string, TagCondition[]>): Promise<void> {
    await manager.query('UPDATE image_streams SET tag_conditions = $2 WHERE uid = $1', [uid, conditions]);
  }

  /** Deletes the stream and answers when, by Postgres' clock with microseconds (the time its `imagestream.deleted` carries). */
  async deleteStream(manager: EntityManager, uid: string): Promise<string> {
    const [row] = returnedRows<{ deleted_at: string }>(
      await manager.query(`DELETE FROM image_streams WHERE uid = $1 RETURNING ${CLOCK_TIMESTAMP_RFC3339} AS deleted_at`, [uid]),
    );
    return row.deleted_at;
  }

  async streamsIn(manager: EntityManager, namespace: string): Promise<ImageStreamRow[]> {
    return manager.query('SELECT * FROM image_streams WHERE namespace = $1 ORDER BY name FOR UPDATE', [namespace]);
  }

  async imageRow(manager: EntityManager, name: string): Promise<ImageRow | undefined> {
    const rows: ImageRow[] = await manager.query('SELECT * FROM images WHERE name = $1', [name]);
    return rows[0];
  }

  async nextResourceVersion(manager: EntityManager): Promise<string> {
    const rows: { rv: string }[] = await manager.query(`SELECT next_resource_version() AS rv`);
    return String(rows[0].rv);
  }

  /**
   * Records the image (immutable: a second recording changes nothing) and, in the same round trip
   * (this is the push path), reads the tag's current history entry.
   */
  async recordImage(manager: EntityManager, image: ImageRecord, current: { streamUid: string; tag: string }): Promise<TagEventRow | undefined> {
    const rows: TagEventRow[] = await manager.query(
      `WITH recorded AS (${INSERT_IMAGE_SQL})
       SELECT * FROM tag_events WHERE image_stream_uid = $7 AND tag = $8 ORDER BY id DESC LIMIT 1`,
      [...imageInsertParameters(image), current.streamUid, current.tag],
    );
    return rows[0];
  }

  /** Records the image without reading any tag (a registry push by digest). */
  async insertImage(manager: EntityManager, image: ImageRecord): Promise<void> {
    await manager.query(INSERT_IMAGE_SQL, imageInsertParameters(image));
  }

  async currentTagEvent(manager: EntityManager, streamUid: string, tag: string): Promise<TagEventRow | undefined> {
    const rows: TagEventRow[] = await manager.query('SELECT * FROM tag_events WHERE image_stream_uid = $1 AND tag = $2 ORDER BY id DESC LIMIT 1', [streamUid, tag]);
    return rows[0];
  }

  /**
   * The stream (unlocked) and one tag's current history entry, in one round trip: what an
   * optimistic push needs to know. Undefined when the stream does not exist.
   */
  async readWithCurrentTag(namespace: string, name: string, tag: string): Promise<{ stream: ImageStreamRow; current: TagEventRow | undefined } | undefined> {
    const rows: (ImageStreamRow & { current_tag_event: TagEventRow | null })[] = await this.dataSource.query(
      `SELECT s.*, (
         SELECT json_build_object('id', e.id::text, 'image_stream_uid', e.image_stream_uid, 'tag', e.tag, 'image', e.image,
                                  'docker_image_reference', e.docker_image_reference, 'generation', e.generation::text,
                                  'created_at', to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
         FROM tag_events e WHERE e.image_stream_uid = s.uid AND e.tag = $3 ORDER BY e.id DESC LIMIT 1
       ) AS current_tag_event
       FROM image_streams s WHERE s.namespace = $1 AND s.name = $2`,
      [namespace, name, tag],
    );
    if (!rows[0]) return undefined;
    const { current_tag_event: current, ...stream } = rows[0];
    return { stream, current: current ?? undefined };
  }

  async find(namespace: string, name: string): Promise<ImageStreamRow | undefined> {
    const rows: ImageStreamRow[] = await this.dataSource.query('SELECT * FROM image_streams WHERE namespace = $1 AND name = $2', [namespace, name]);
    return rows[0];
  }

  /**
   * One page of streams in (namespace, name) order after `after`, filtered by a label selector in
   * SQL so pages stay full. Asks for one row more than `limit` so the caller knows whether more follow.
   */
  async list(options: { namespace?: string; selector?: LabelSelector; after?: { namespace: string; name: string }; limit?: number }): Promise<ImageStreamRow[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    const param = (value: unknown) => {
      values.push(value);
      return `$${values.length}`;
    };
    if (options.namespace !== undefined) where.push(`namespace = ${param(options.namespace)}`);
    if (options.after) where.push(`(namespace, name) > (${param(options.after.namespace)}, ${param(options.after.name)})`);
    for (const requirement of options.selector?.requirements ?? []) where.push(labelCondition(requirement, param));
    const limit = options.limit === undefined ? '' : ` LIMIT ${param(options.limit + 1)}`;
    return this.dataSource.query(`SELECT * FROM image_streams${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY namespace, name${limit}`, values);
  }

  async byUids(uids: string[]): Promise<ImageStreamRow[]> {
    if (uids.length === 0) return [];
    return this.dataSource.query('SELECT * FROM image_streams WHERE uid = ANY($1::uuid[])', [uids]);
  }

  /** Tag history of the given streams, newest first within each tag. */
  async tagEvents(streamUids: string[]): Promise<TagEventRow[]> {
    if (streamUids.length === 0) return [];
    // Timestamps formatted by Postgres: a stream with thousands of history entries would otherwise
    // pay for a Date parse and an ISO format per row on every GET.
    return this.dataSource.query(
      `SELECT id, image_stream_uid, tag, image, docker_image_reference, generation,
              to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at
       FROM tag_events WHERE image_stream_uid = ANY($1::uuid[]) ORDER BY tag, id DESC`,
      [streamUids],
    );
  }


  /**
   * A list's resourceVersion, read before the list itself: settled, so a watch resuming from it
   * cannot miss a write that was still in flight (after a second of waiting, the position anyway).
   */
  async listResourceVersion(): Promise<string> {
    return (await settledResourceVersion(this.dataSource)).resourceVersion;
  }
}
