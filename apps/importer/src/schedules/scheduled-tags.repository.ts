import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { returnedRows } from '@imagestreams/platform-persistence';
import type { DataSource } from 'typeorm';

export interface ScheduledTagRow {
  namespace: string;
  stream: string;
  tag: string;
  source: string;
  insecure: boolean;
  import_mode: string;
  prefer_arch: string | null;
  prefer_os: string | null;
  reference_policy: string | null;
  next_check_at: Date;
  last_digest: string | null;
}

export interface ScheduledTagSpec {
  tag: string;
  source: string;
  insecure: boolean;
  importMode: string;
  preferArch?: string;
  preferOs?: string;
  referencePolicy?: string;
  /** When the first scheduled check is due (the spec-tag import covers the first import). */
  firstCheckAt: Date;
}

export interface TagKey {
  namespace: string;
  stream: string;
  tag: string;
}

/** The schedule: which tags are re-checked when, claimed by replicas with expiring leases. */
@Injectable()
export class ScheduledTagsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Replaces a stream's scheduled tags with `tags`, unless a newer spec of the stream was applied
   * already (events may arrive out of order). Returns false when this spec was stale.
   */
  async replaceStream(namespace: string, stream: string, resourceVersion: string, tags: ScheduledTagSpec[]): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const newer = returnedRows(
        await manager.query(
          `INSERT INTO import_spec_versions (namespace, stream, resource_version) VALUES ($1, $2, $3)
           ON CONFLICT (namespace, stream) DO UPDATE SET resource_version = EXCLUDED.resource_version
           WHERE import_spec_versions.resource_version < EXCLUDED.resource_version
           RETURNING resource_version`,
          [namespace, stream, resourceVersion],
        ),
      );
      if (newer.length === 0) return false;
      await manager.query('DELETE FROM scheduled_tags WHERE namespace = $1 AND stream = $2 AND NOT (tag = ANY($3))', [namespace, stream, tags.map((tag) => tag.tag)]);
      for (const tag of tags) {
        // A changed source starts over: its last digest says nothing about the new one.
        await manager.query(
          `INSERT INTO scheduled_tags (namespace, stream, tag, source, insecure, import_mode, prefer_arch, prefer_os, reference_policy, next_check_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (namespace, stream, tag) DO UPDATE SET
             source = EXCLUDED.source, insecure = EXCLUDED.insecure, import_mode = EXCLUDED.import_mode,
             prefer_arch = EXCLUDED.prefer_arch, prefer_os = EXCLUDED.prefer_os, reference_policy = EXCLUDED.reference_policy,
             last_digest = CASE WHEN scheduled_tags.source = EXCLUDED.source THEN scheduled_tags.last_digest END`,
          [namespace, stream, tag.tag, tag.source, tag.insecure, tag.importMode, tag.preferArch ?? null, tag.preferOs ?? null, tag.referencePolicy ?? null, tag.firstCheckAt],
        );
      }
      return true;
    });
  }

  /**
   * A deleted stream's schedules, unless a spec newer than the deletion was applied already (the
   * stream was created again since). The deletion's resourceVersion becomes the stream's last
   * applied one, so a late spec event of the deleted stream schedules nothing again. Without one
   * (an event from before that rule) the schedules go by name.
   */
  async dropStream(namespace: string, stream: string, deletedAtResourceVersion?: string): Promise<void> {
    if (deletedAtResourceVersion === undefined) {
      await this.dataSource.query('DELETE FROM scheduled_tags WHERE namespace = $1 AND stream = $2', [namespace, stream]);
      return;
    }
    await this.dataSource.query(
      `WITH deleted AS (
         UPDATE import_spec_versions SET resource_version = $3 WHERE namespace = $1 AND stream = $2 AND resource_version < $3 RETURNING 1
       )
       DELETE FROM scheduled_tags WHERE namespace = $1 AND stream = $2 AND EXISTS (SELECT 1 FROM deleted)`,
      [namespace, stream, deletedAtResourceVersion],
    );
  }

  /**
   * A deleted namespace's schedules: its streams whose last applied spec is older than the
   * deletion (stream resourceVersions come from one sequence, so a newer one is a stream of the
   * namespace re-created since), with their scheduled tags. Answers how many streams went.
   */
  async dropNamespace(namespace: string, deletedAtResourceVersion: string): Promise<number> {
    const rows: { streams: number }[] = await this.dataSource.query(
      `WITH streams AS (
         DELETE FROM import_spec_versions WHERE namespace = $1 AND resource_version < $2 RETURNING stream
       ), tags AS (
         DELETE FROM scheduled_tags WHERE namespace = $1 AND stream IN (SELECT stream FROM streams) RETURNING 1
       )
       SELECT (SELECT count(*) FROM streams)::int AS streams`,
      [namespace, deletedAtResourceVersion],
    );
    return rows[0].streams;
  }

  /** A deleted tag's schedule, unless a spec newer than the deletion (which may have added the tag again) was applied already. */
  async dropTag(key: TagKey, deletedAtResourceVersion: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM scheduled_tags WHERE namespace = $1 AND stream = $2 AND tag = $3
         AND NOT EXISTS (SELECT 1 FROM import_spec_versions WHERE namespace = $1 AND stream = $2 AND resource_version > $4)`,
      [key.namespace, key.stream, key.tag, deletedAtResourceVersion],
    );
  }

  /** What a just-finished import found, so the next check can tell "unchanged" from one HEAD. */
  async recordDigest(key: TagKey, source: string, digest: string): Promise<void> {
    await this.dataSource.query('UPDATE scheduled_tags SET last_digest = $5 WHERE namespace = $1 AND stream = $2 AND tag = $3 AND source = $4', [key.namespace, key.stream, key.tag, source, digest]);
  }

  /** Claims up to `limit` due tags nobody holds (or whose holder's lease ran out), for `leaseMs`. */
  async claimDue(owner: string, limit: number, leaseMs: number): Promise<ScheduledTagRow[]> {
    if (limit <= 0) return [];
    return returnedRows<ScheduledTagRow>(
      await this.dataSource.query(
        `UPDATE scheduled_tags s SET lease_owner = $1, lease_until = clock_timestamp() + $3 * interval '1 millisecond'
         FROM (SELECT namespace, stream, tag FROM scheduled_tags
               WHERE next_check_at <= clock_timestamp() AND (lease_until IS NULL OR lease_until < clock_timestamp())
               ORDER BY next_check_at LIMIT $2 FOR UPDATE SKIP LOCKED) due
         WHERE s.namespace = due.namespace AND s.stream = due.stream AND s.tag = due.tag
         RETURNING s.*`,
        [owner, limit, leaseMs],
      ),
    );
  }

  /** Finishes checks this owner still holds: next due time, lease released, the digest seen (if any). */
  async finish(owner: string, done: { key: TagKey; nextCheckAt: Date; digest?: string }[]): Promise<number> {
    if (done.length === 0) return 0;
    const rows = returnedRows(
      await this.dataSource.query(
        `UPDATE scheduled_tags s SET next_check_at = d.next_check_at, last_digest = COALESCE(d.digest, s.last_digest),
                lease_owner = NULL, lease_until = NULL, last_checked_at = clock_timestamp()
         FROM jsonb_to_recordset($2::jsonb) AS d(namespace text, stream text, tag text, next_check_at timestamptz, digest text)
         WHERE s.namespace = d.namespace AND s.stream = d.stream AND s.tag = d.tag AND s.lease_owner = $1
         RETURNING s.tag`,
        [owner, JSON.stringify(done.map((item) => ({ ...item.key, next_check_at: item.nextCheckAt.toISOString(), digest: item.digest ?? null })))],
      ),
    );
    return rows.length;
  }

  /** Gives claimed tags back untouched (budget exhausted, registry backing off): due again at once. */
  async release(owner: string, keys: TagKey[]): Promise<void> {
    if (keys.length === 0) return;
    await this.dataSource.query(
      `UPDATE scheduled_tags s SET lease_owner = NULL, lease_until = NULL
       FROM jsonb_to_recordset($2::jsonb) AS d(namespace text, stream text, tag text)
       WHERE s.namespace = d.namespace AND s.stream = d.stream AND s.tag = d.tag AND s.lease_owner = $1`,
      [owner, JSON.stringify(keys)],
    );
  }

  /** Push-first imports: scheduled tags following the pushed repository are due now. */
  async dueNow(matching: (row: Pick<ScheduledTagRow, 'source'>) => boolean, candidateSources: string[]): Promise<number> {
    const rows: (TagKey & { source: string })[] = await this.dataSource.query('SELECT namespace, stream, tag, source FROM scheduled_tags WHERE source LIKE ANY($1)', [candidateSources]);
    const keys = rows.filter(matching).map(({ namespace, stream, tag }) => ({ namespace, stream, tag }));
    if (keys.length === 0) return 0;
    await this.dataSource.query(
      `UPDATE scheduled_tags s SET next_check_at = clock_timestamp()
       FROM jsonb_to_recordset($1::jsonb) AS d(namespace text, stream text, tag text)
       WHERE s.namespace = d.namespace AND s.stream = d.stream AND s.tag = d.tag`,
      [JSON.stringify(keys)],
    );
    return keys.length;
  }

  /**
   * Takes up to `want` tokens from the cluster-wide budget (a token bucket in one row, refilled at
   * `perMinute / 60` per second up to `2 × perMinute`), so N replicas together respect the cap.
   */
  async takeBudget(want: number, perMinute: number): Promise<number> {
    const rows = returnedRows<{ granted: number }>(
      await this.dataSource.query(
      `WITH available AS (
         SELECT LEAST($3, tokens + $2 * EXTRACT(EPOCH FROM clock_timestamp() - updated_at)) AS tokens FROM import_budget WHERE id = 1 FOR UPDATE),
       granted AS (SELECT GREATEST(0, LEAST($1, FLOOR(tokens)))::int AS granted, tokens FROM available)
       UPDATE import_budget SET tokens = granted.tokens - granted.granted, updated_at = clock_timestamp() FROM granted WHERE id = 1
       RETURNING granted.granted`,
      [want, perMinute / 60, 2 * perMinute],
      ),
    );
    return Number(rows[0]?.granted ?? 0);
  }
}
