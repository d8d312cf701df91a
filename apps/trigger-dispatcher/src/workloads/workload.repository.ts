import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { StoredObject } from '@imagestreams/contracts';
import type { WatchedImageStreamTag } from '@imagestreams/domain-trigger';
import { currentResourceVersion, MicroBatcher, retryOnDeadlock, returnedRows } from '@imagestreams/platform-persistence';
import type { DataSource, EntityManager } from 'typeorm';

export interface WorkloadRow {
  uid: string;
  namespace: string;
  kind: string;
  name: string;
  body: StoredObject;
  resource_version: string;
  created_at: Date;
}

export interface BuildRow {
  uid: string;
  namespace: string;
  name: string;
  build_config: string;
  body: StoredObject;
  resource_version: string;
  created_at: Date;
}

@Injectable()
export class WorkloadRepository {
  /** Tag moves arriving together are checked together: one query per burst, not one per event. */
  private readonly watchedCheck = new MicroBatcher<WatchedImageStreamTag, boolean>((tags) => this.watchedAmong(tags));

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * A template's workloads are created at once while tag moves lock the ones watching a tag: a
   * deadlock Postgres breaks between them is run again, not answered to the caller (work must
   * touch nothing but the database, as every caller's does).
   */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return retryOnDeadlock(() => this.dataSource.transaction(work));
  }

  async insert(manager: EntityManager, row: { uid: string; namespace: string; kind: string; name: string; body: StoredObject }, watches: WatchedImageStreamTag[]): Promise<WorkloadRow | undefined> {
    const [inserted] = returnedRows<WorkloadRow>(
      await manager.query(
        `INSERT INTO workloads (uid, namespace, kind, name, body, resource_version) VALUES ($1, $2, $3, $4, $5, nextval('resource_version_seq'))
         ON CONFLICT (namespace, kind, name) DO NOTHING RETURNING *`,
        [row.uid, row.namespace, row.kind, row.name, row.body],
      ),
    );
    if (inserted) await this.setWatches(manager, inserted.uid, watches);
    return inserted;
  }

  /** Replaces the body (and what it watches); the new resourceVersion is written into the body's metadata by the caller. */
  async replace(manager: EntityManager, uid: string, body: StoredObject, watches: WatchedImageStreamTag[] | undefined): Promise<WorkloadRow> {
    const [row] = returnedRows<WorkloadRow>(await manager.query('UPDATE workloads SET body = $2, resource_version = $3 WHERE uid = $1 RETURNING *', [uid, body, body.metadata.resourceVersion]));
    if (watches) await this.setWatches(manager, uid, watches);
    return row;
  }

  async nextResourceVersion(manager: EntityManager): Promise<string> {
    const [row]: { v: string }[] = await manager.query("SELECT nextval('resource_version_seq')::text AS v");
    return row.v;
  }

  async find(namespace: string, kind: string, name: string, manager: EntityManager = this.dataSource.manager, lock = false): Promise<WorkloadRow | undefined> {
    const rows: WorkloadRow[] = await manager.query(`SELECT * FROM workloads WHERE namespace = $1 AND kind = $2 AND name = $3${lock ? ' FOR UPDATE' : ''}`, [namespace, kind, name]);
    return rows[0];
  }

  list(kind: string, namespace?: string): Promise<WorkloadRow[]> {
    return namespace === undefined
      ? this.dataSource.query('SELECT * FROM workloads WHERE kind = $1 ORDER BY namespace, name', [kind])
      : this.dataSource.query('SELECT * FROM workloads WHERE kind = $1 AND namespace = $2 ORDER BY name', [kind, namespace]);
  }

  /**
   * A BuildConfig goes with its Builds, as OpenShift cascades the delete: left behind, they would
   * collide with the builds of a BuildConfig created again under the same name (numbered from 1).
   */
  delete(namespace: string, kind: string, name: string): Promise<boolean> {
    return this.transaction(async (manager) => {
      const deleted = returnedRows(await manager.query('DELETE FROM workloads WHERE namespace = $1 AND kind = $2 AND name = $3 RETURNING uid', [namespace, kind, name])).length > 0;
      if (deleted && kind === 'BuildConfig') await manager.query('DELETE FROM builds WHERE namespace = $1 AND build_config = $2', [namespace, name]);
      return deleted;
    });
  }

  /** Cheap check outside any transaction: most tag moves have no watching objects. */
  anyWatching(tag: WatchedImageStreamTag): Promise<boolean> {
    return this.watchedCheck.submit(tag);
  }

  private async watchedAmong(tags: WatchedImageStreamTag[]): Promise<boolean[]> {
    const rows: WatchedImageStreamTag[] = await this.dataSource.query(
      `SELECT DISTINCT w.namespace, w.stream, w.tag
       FROM workload_watches w JOIN unnest($1::text[], $2::text[], $3::text[]) AS asked (namespace, stream, tag) USING (namespace, stream, tag)`,
      [tags.map((tag) => tag.namespace), tags.map((tag) => tag.stream), tags.map((tag) => tag.tag)],
    );
    const watched = new Set(rows.map((row) => JSON.stringify([row.namespace, row.stream, row.tag])));
    return tags.map((tag) => watched.has(JSON.stringify([tag.namespace, tag.stream, tag.tag])));
  }

  /** Every object watching the tag, locked, so concurrent moves of one tag evaluate them one after another. */
  watching(manager: EntityManager, tag: WatchedImageStreamTag): Promise<WorkloadRow[]> {
    return manager.query(
      `SELECT w.* FROM workloads w JOIN workload_watches t ON t.workload_uid = w.uid
       WHERE t.namespace = $1 AND t.stream = $2 AND t.tag = $3 ORDER BY w.uid FOR UPDATE OF w`,
      [tag.namespace, tag.stream, tag.tag],
    );
  }

  async insertBuild(manager: EntityManager, row: { uid: string; namespace: string; name: string; buildConfig: string; body: StoredObject }): Promise<void> {
    await manager.query(`INSERT INTO builds (uid, namespace, name, build_config, body, resource_version) VALUES ($1, $2, $3, $4, $5, $6)`, [
      row.uid,
      row.namespace,
      row.name,
      row.buildConfig,
      row.body,
      row.body.metadata.resourceVersion,
    ]);
  }

  async findBuild(namespace: string, name: string, manager: EntityManager = this.dataSource.manager, lock = false): Promise<BuildRow | undefined> {
    const rows: BuildRow[] = await manager.query(`SELECT * FROM builds WHERE namespace = $1 AND name = $2${lock ? ' FOR UPDATE' : ''}`, [namespace, name]);
    return rows[0];
  }

  listBuilds(namespace?: string): Promise<BuildRow[]> {
    return namespace === undefined
      ? this.dataSource.query('SELECT * FROM builds ORDER BY namespace, created_at, name')
      : this.dataSource.query('SELECT * FROM builds WHERE namespace = $1 ORDER BY created_at, name', [namespace]);
  }

  async replaceBuild(manager: EntityManager, uid: string, body: StoredObject): Promise<void> {
    await manager.query('UPDATE builds SET body = $2, resource_version = $3 WHERE uid = $1', [uid, body, body.metadata.resourceVersion]);
  }

  currentResourceVersion(): Promise<string> {
    return currentResourceVersion(this.dataSource);
  }

  private async setWatches(manager: EntityManager, uid: string, watches: WatchedImageStreamTag[]): Promise<void> {
    await manager.query('DELETE FROM workload_watches WHERE workload_uid = $1', [uid]);
    if (watches.length === 0) return;
    await manager.query(
      `INSERT INTO workload_watches (workload_uid, namespace, stream, tag)
       SELECT DISTINCT $1::uuid, * FROM unnest($2::text[], $3::text[], $4::text[])`,
      [uid, watches.map((w) => w.namespace), watches.map((w) => w.stream), watches.map((w) => w.tag)],
    );
  }
}
