import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { preparedQuery } from '@imagestreams/platform-persistence';
import type { ImageHistoryEntry, SpecTag } from '@imagestreams/domain-image';

/** Reads for the integrated registry: streams as repositories, tags as the registry's tags. */
@Injectable()
export class RegistryViewRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * undefined: no such stream; null image: the stream exists but the tag has no image. Every
   * registry pull by tag waits for this, so it runs prepared (two index lookups, the same plan for
   * every value).
   */
  async tagImage(namespace: string, stream: string, tag: string): Promise<{ image: string | null } | undefined> {
    const rows = await preparedQuery<{ image: string | null }>(
      this.dataSource,
      'registry-tag-image',
      `SELECT (SELECT image FROM tag_events t WHERE t.image_stream_uid = s.uid AND t.tag = $3 ORDER BY id DESC LIMIT 1) AS image
       FROM image_streams s WHERE s.namespace = $1 AND s.name = $2`,
      [namespace, stream, tag],
    );
    return rows[0];
  }

  /** undefined: no such stream. Tags with at least one history entry, in byte order. */
  async tags(namespace: string, stream: string): Promise<string[] | undefined> {
    const rows: { tag: string | null }[] = await this.dataSource.query(
      `SELECT t.tag FROM image_streams s LEFT JOIN LATERAL (
         SELECT DISTINCT tag FROM tag_events WHERE image_stream_uid = s.uid) t ON true
       WHERE s.namespace = $1 AND s.name = $2
       ORDER BY t.tag COLLATE "C"`,
      [namespace, stream],
    );
    if (rows.length === 0) return undefined;
    return rows.flatMap((row) => (row.tag === null ? [] : [row.tag]));
  }

  /** `<namespace>/<stream>` names in byte order after `after`, at most limit + 1 (the extra one says more follow). */
  async repositories(after: string | undefined, limit: number): Promise<string[]> {
    const rows: { repository: string }[] = await this.dataSource.query(
      `SELECT namespace || '/' || name AS repository FROM image_streams
       WHERE ($1::text IS NULL OR (namespace || '/' || name) COLLATE "C" > $1::text COLLATE "C")
       ORDER BY (namespace || '/' || name) COLLATE "C" LIMIT $2`,
      [after ?? null, limit + 1],
    );
    return rows.map((row) => row.repository);
  }

  /** Tags of the stream whose current image (history entry 0) is the given one. */
  async tagsCurrentlyAt(namespace: string, stream: string, image: string): Promise<string[] | undefined> {
    const rows: { tag: string | null; image: string | null }[] = await this.dataSource.query(
      `SELECT t.tag, t.image FROM image_streams s LEFT JOIN LATERAL (
         SELECT DISTINCT ON (tag) tag, image FROM tag_events WHERE image_stream_uid = s.uid ORDER BY tag, id DESC) t ON true
       WHERE s.namespace = $1 AND s.name = $2`,
      [namespace, stream],
    );
    if (rows.length === 0) return undefined;
    return rows.flatMap((row) => (row.tag !== null && row.image === image ? [row.tag] : []));
  }

  /** undefined: no such stream. The history entries that recorded the image (newest first) and the spec tags, for pull-through. */
  async imageHistory(namespace: string, stream: string, image: string): Promise<{ entries: ImageHistoryEntry[]; specTags: SpecTag[] } | undefined> {
    const rows: { entries: ImageHistoryEntry[]; spec_tags: SpecTag[] | null }[] = await this.dataSource.query(
      `SELECT s.spec -> 'tags' AS spec_tags,
              (SELECT coalesce(json_agg(json_build_object('tag', t.tag, 'dockerImageReference', t.docker_image_reference) ORDER BY t.id DESC), '[]')
                 FROM tag_events t WHERE t.image_stream_uid = s.uid AND t.image = $3) AS entries
       FROM image_streams s WHERE s.namespace = $1 AND s.name = $2`,
      [namespace, stream, image],
    );
    const row = rows[0];
    if (!row) return undefined;
    return { entries: row.entries, specTags: Array.isArray(row.spec_tags) ? row.spec_tags : [] };
  }
}
