import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { preparedQuery, returnedRows, ASYNC_COMMIT_SOURCE } from '@imagestreams/platform-persistence';
import type { DataSource } from 'typeorm';

export interface ManifestRecord {
  digest: string;
  mediaType: string;
  size: number;
  artifactType?: string;
  subject?: string;
  annotations?: Record<string, string>;
  blobDigests: string[];
  childDigests: string[];
  /** Fetched from another registry (pull-through): its config and layers are fetched from there too, on first request. */
  pulledFrom?: PullThroughOrigin;
}

/** The upstream repository a pulled-through manifest came from. */
export interface PullThroughOrigin {
  /** `host[:port]` */
  registry: string;
  repository: string;
  /** Plain HTTP or unverified TLS allowed (the importing tag's `importPolicy.insecure`). */
  insecure: boolean;
}

interface ManifestRow {
  digest: string;
  media_type: string;
  size: string;
  artifact_type: string | null;
  subject: string | null;
  annotations: Record<string, string> | null;
  blob_digests: string[];
  child_digests: string[];
  pulled_from: PullThroughOrigin | null;
}

function toRecord(row: ManifestRow): ManifestRecord {
  return {
    digest: row.digest,
    mediaType: row.media_type,
    size: Number(row.size),
    ...(row.artifact_type ? { artifactType: row.artifact_type } : {}),
    ...(row.subject ? { subject: row.subject } : {}),
    ...(row.annotations ? { annotations: row.annotations } : {}),
    blobDigests: row.blob_digests,
    childDigests: row.child_digests,
    ...(row.pulled_from ? { pulledFrom: row.pulled_from } : {}),
  };
}

/** The repository may serve the blob from now on ($1 repository, $2 digest, $3 size); linking twice keeps one row. */
const LINK_BLOB = `INSERT INTO repository_blobs (repository, digest, size) SELECT $1::text, $2::text, $3::bigint FROM ${ASYNC_COMMIT_SOURCE} ON CONFLICT DO NOTHING`;

const MANIFEST_COLUMNS = 'digest, media_type, size, artifact_type, subject, annotations, blob_digests, child_digests, pulled_from';

/**
 * SQL of the registry schema: which content each repository serves. The statements every push and
 * pull makes run prepared (preparedQuery: parsed once per connection, and straight on the pool);
 * the gateway's connections plan each execution for its values (customPlans), since these tables
 * start empty and a generic plan made then would stay a sequential scan.
 */
@Injectable()
export class RegistryRecordsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async linkBlob(repository: string, digest: string, size: number): Promise<void> {
    // Asynchronous commit: the blob file is already durable, and the manifest that makes it part of
    // an image commits synchronously (flushing this record with it) before the image exists.
    await preparedQuery(this.dataSource, 'registry-link-blob', LINK_BLOB, [repository, digest, size]);
  }

  /** Size of the blob if the repository may serve it. */
  async linkedBlobSize(repository: string, digest: string): Promise<number | undefined> {
    const rows = await preparedQuery<{ size: string }>(this.dataSource, 'registry-linked-blob-size', 'SELECT size FROM repository_blobs WHERE repository = $1 AND digest = $2', [repository, digest]);
    return rows[0] ? Number(rows[0].size) : undefined;
  }

  /** Which of the digests the repository may serve. */
  async linkedBlobs(repository: string, digests: string[]): Promise<Set<string>> {
    if (digests.length === 0) return new Set();
    const rows = await preparedQuery<{ digest: string }>(this.dataSource, 'registry-linked-blobs', 'SELECT digest FROM repository_blobs WHERE repository = $1 AND digest = ANY($2)', [repository, digests]);
    return new Set(rows.map((row) => row.digest));
  }

  async unlinkBlob(repository: string, digest: string): Promise<boolean> {
    const rows = returnedRows(await this.dataSource.query('DELETE FROM repository_blobs WHERE repository = $1 AND digest = $2 RETURNING digest', [repository, digest]));
    return rows.length > 0;
  }

  async recordManifest(repository: string, manifest: ManifestRecord): Promise<void> {
    await preparedQuery(
      this.dataSource,
      'registry-record-manifest',
      `INSERT INTO manifests (repository, ${MANIFEST_COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (repository, digest) DO UPDATE SET created_at = EXCLUDED.created_at`,
      [
        repository,
        manifest.digest,
        manifest.mediaType,
        manifest.size,
        manifest.artifactType ?? null,
        manifest.subject ?? null,
        manifest.annotations ? JSON.stringify(manifest.annotations) : null,
        manifest.blobDigests,
        manifest.childDigests,
        manifest.pulledFrom ? JSON.stringify(manifest.pulledFrom) : null,
      ],
    );
  }

  /** Where a blob the repository does not serve yet can be fetched: the origin of a pulled-through manifest of the repository that references it. */
  pullOriginOfBlob(repository: string, digest: string): Promise<PullThroughOrigin | undefined> {
    return this.pullOriginReferencing('blob_digests', repository, digest);
  }

  /** The same for a child manifest of a pulled-through index (a platform's image, fetched when a client picks it). */
  pullOriginOfChild(repository: string, digest: string): Promise<PullThroughOrigin | undefined> {
    return this.pullOriginReferencing('child_digests', repository, digest);
  }

  /** Prepared: every blob GET the repository has no link for asks this. */
  private async pullOriginReferencing(column: 'blob_digests' | 'child_digests', repository: string, digest: string): Promise<PullThroughOrigin | undefined> {
    const rows = await preparedQuery<{ pulled_from: PullThroughOrigin }>(
      this.dataSource,
      `registry-pull-origin-of-${column}`,
      `SELECT pulled_from FROM manifests WHERE repository = $1 AND pulled_from IS NOT NULL AND $2 = ANY(${column}) LIMIT 1`,
      [repository, digest],
    );
    return rows[0]?.pulled_from;
  }

  async manifest(repository: string, digest: string): Promise<ManifestRecord | undefined> {
    const rows = await preparedQuery<ManifestRow>(this.dataSource, 'registry-manifest', `SELECT ${MANIFEST_COLUMNS} FROM manifests WHERE repository = $1 AND digest = $2`, [repository, digest]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** The manifest as pushed to any repository: a tag may point at an image pushed to another stream. */
  async manifestAnywhere(digest: string): Promise<ManifestRecord | undefined> {
    const rows: ManifestRow[] = await this.dataSource.query('SELECT * FROM manifests WHERE digest = $1 LIMIT 1', [digest]);
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  /** Which of the digests are manifests the repository holds. */
  async manifestsIn(repository: string, digests: string[]): Promise<Set<string>> {
    if (digests.length === 0) return new Set();
    const rows: { digest: string }[] = await this.dataSource.query('SELECT digest FROM manifests WHERE repository = $1 AND digest = ANY($2)', [repository, digests]);
    return new Set(rows.map((row) => row.digest));
  }

  async deleteManifest(repository: string, digest: string): Promise<boolean> {
    const rows = returnedRows(await this.dataSource.query('DELETE FROM manifests WHERE repository = $1 AND digest = $2 RETURNING digest', [repository, digest]));
    return rows.length > 0;
  }

  async referrers(repository: string, subject: string): Promise<ManifestRecord[]> {
    const rows: ManifestRow[] = await this.dataSource.query('SELECT * FROM manifests WHERE repository = $1 AND subject = $2 ORDER BY digest', [repository, subject]);
    return rows.map(toRecord);
  }

  /** Forgets everything a deleted image stream's repository served; GC reclaims the bytes. */
  /**
   * What a deleted stream's repository held: manifests and blob links recorded no later than
   * `deletedAt`. A repository pushed again since keeps what its new manifests use, even where a
   * row is older (a blob skopeo found still linked and did not upload again; a manifest put again
   * refreshes its row).
   */
  async dropRepository(repository: string, deletedAt: string): Promise<void> {
    const newer = 'SELECT 1 FROM manifests newer WHERE newer.repository = $1 AND newer.created_at > $2::timestamptz';
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`DELETE FROM repository_blobs b WHERE b.repository = $1 AND b.created_at <= $2::timestamptz AND NOT EXISTS (${newer} AND b.digest = ANY(newer.blob_digests))`, [repository, deletedAt]);
      await manager.query(`DELETE FROM manifests m WHERE m.repository = $1 AND m.created_at <= $2::timestamptz AND NOT EXISTS (${newer} AND m.digest = ANY(newer.child_digests))`, [repository, deletedAt]);
    });
  }

  /** Whether any repository still serves the content: what garbage collection keeps. */
  async isReferenced(digest: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 WHERE EXISTS (SELECT 1 FROM repository_blobs WHERE digest = $1)
          OR EXISTS (SELECT 1 FROM manifests WHERE digest = $1)`,
      [digest],
    );
    return rows.length > 0;
  }
}
