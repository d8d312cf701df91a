import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { TemplateInstance, TemplateObjectOwner } from '@imagestreams/contracts';
import type { LabelSelector } from '@imagestreams/domain-labels';
import { settledResourceVersion, returnedRows } from '@imagestreams/platform-persistence';
import type { DataSource, EntityManager } from 'typeorm';
import type { ListPosition } from '../templates/template.repository';
import { listPage } from '../templates/keyset-page';
import { ChangeNotifier } from '../watch/change-notifier';
import { CommittedChanges } from '../watch/committed-changes';
import { deleteLoggedCreatedBy, logWritten } from '../watch/watch-log-sql';

export interface TemplateInstanceRow {
  uid: string;
  namespace: string;
  name: string;
  labels: Record<string, string>;
  /** `{metadata, spec}` as stored (see instance-body.ts). */
  body: string;
  spec_digest: string;
  status: TemplateInstance['status'];
  resource_version: string;
  created_at: Date;
}

export interface InstanceObjectRow {
  instance_uid: string;
  position: number;
  owner: TemplateObjectOwner;
  api_version: string;
  api_group: string;
  kind: string;
  namespace: string;
  name: string;
  /** Null while an object owned elsewhere is planned but not (known to be) created. */
  uid: string | null;
  /** The whole object, for the ones template-service stores. */
  body: string | null;
}

/** The identity of one object of an instance, as the object rows record it. */
export interface ObjectKey {
  position: number;
  owner: TemplateObjectOwner;
  apiVersion: string;
  apiGroup: string;
  kind: string;
  namespace: string;
  name: string;
}

export interface NewInstance {
  uid: string;
  namespace: string;
  name: string;
  labels: Record<string, string>;
  body: string;
  specDigest: string;
  status: TemplateInstance['status'];
}

const recordset = (objects: readonly ObjectKey[]) =>
  JSON.stringify(objects.map((object) => ({ position: object.position, owner: object.owner, api_version: object.apiVersion, api_group: object.apiGroup, kind: object.kind, namespace: object.namespace, name: object.name })));

/**
 * Every write of an instance row appends to the change log in the same statement
 * (watch-log-sql.ts) and wakes the namespace's watchers once committed.
 */
@Injectable()
export class TemplateInstanceRepository {
  private readonly changes: CommittedChanges;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    notifier: ChangeNotifier,
  ) {
    this.changes = new CommittedChanges(dataSource, notifier, 'TemplateInstance');
  }

  /**
   * The instance and a row per object owned elsewhere (planned: no uid yet), in one statement;
   * undefined when the namespace already has an instance of that name.
   */
  async insertPlanned(instance: NewInstance, remote: readonly ObjectKey[]): Promise<TemplateInstanceRow | undefined> {
    const rows: TemplateInstanceRow[] = await this.dataSource.query(
      `WITH written AS (
         INSERT INTO template_instances (uid, namespace, name, labels, body, spec_digest, status, resource_version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, next_resource_version())
         ON CONFLICT (namespace, name) DO NOTHING RETURNING *
       ), planned AS (
         INSERT INTO template_instance_objects (instance_uid, position, owner, api_version, api_group, kind, namespace, name)
         SELECT written.uid, o.position, o.owner, o.api_version, o.api_group, o.kind, o.namespace, o.name
         FROM written, jsonb_to_recordset($8::jsonb) AS o(position int, owner text, api_version text, api_group text, kind text, namespace text, name text)
         RETURNING 1
       ), logged AS (${logWritten('TemplateInstance', 'ADDED')})
       SELECT * FROM written`,
      [instance.uid, instance.namespace, instance.name, JSON.stringify(instance.labels), instance.body, instance.specDigest, JSON.stringify(instance.status), recordset(remote)],
    );
    if (rows[0]) this.changes.written(this.dataSource, rows[0].namespace);
    return rows[0];
  }

  async find(namespace: string, name: string, manager: EntityManager | DataSource = this.dataSource): Promise<TemplateInstanceRow | undefined> {
    const rows: TemplateInstanceRow[] = await manager.query('SELECT * FROM template_instances WHERE namespace = $1 AND name = $2', [namespace, name]);
    return rows[0];
  }

  /** The instance locked in `manager`'s transaction (instantiation and deletion of one instance take turns). */
  async lock(manager: EntityManager, where: { uid: string } | { namespace: string; name: string }): Promise<TemplateInstanceRow | undefined> {
    const rows: TemplateInstanceRow[] =
      'uid' in where
        ? await manager.query('SELECT * FROM template_instances WHERE uid = $1 FOR UPDATE', [where.uid])
        : await manager.query('SELECT * FROM template_instances WHERE namespace = $1 AND name = $2 FOR UPDATE', [where.namespace, where.name]);
    return rows[0];
  }

  /**
   * Stores objects of an instance in one statement; answers the positions stored. One whose
   * (namespace, group, kind, name) another instance already stores is skipped, not an error, so
   * the transaction stays usable and the caller can say which object exists.
   */
  async insertStored(manager: EntityManager, instanceUid: string, objects: readonly (ObjectKey & { uid: string; body: string })[]): Promise<Set<number>> {
    if (!objects.length) return new Set();
    const rows: { position: number }[] = returnedRows(
      await manager.query(
        `INSERT INTO template_instance_objects (instance_uid, position, owner, api_version, api_group, kind, namespace, name, uid, body)
         SELECT $1, o.position, 'template-service', o.api_version, o.api_group, o.kind, o.namespace, o.name, o.uid::uuid, o.body
         FROM jsonb_to_recordset($2::jsonb) AS o(position int, api_version text, api_group text, kind text, namespace text, name text, uid text, body text)
         ON CONFLICT (namespace, api_group, kind, name) WHERE owner = 'template-service' DO NOTHING
         RETURNING position`,
        [
          instanceUid,
          JSON.stringify(objects.map((object) => ({ position: object.position, api_version: object.apiVersion, api_group: object.apiGroup, kind: object.kind, namespace: object.namespace, name: object.name, uid: object.uid, body: object.body }))),
        ],
      ),
    );
    return new Set(rows.map((row) => row.position));
  }

  /** Records the uids owners gave the objects they created. */
  async markCreated(manager: EntityManager, instanceUid: string, created: ReadonlyMap<number, string>): Promise<void> {
    if (!created.size) return;
    await manager.query(
      `UPDATE template_instance_objects t SET uid = o.uid::uuid
       FROM jsonb_to_recordset($2::jsonb) AS o(position int, uid text)
       WHERE t.instance_uid = $1 AND t.position = o.position`,
      [instanceUid, JSON.stringify([...created].map(([position, uid]) => ({ position, uid })))],
    );
  }

  /** Drops the rows of objects that do not exist (not created, or deleted by a rollback). */
  async forget(manager: EntityManager, instanceUid: string, positions: readonly number[]): Promise<void> {
    if (!positions.length) return;
    await manager.query('DELETE FROM template_instance_objects WHERE instance_uid = $1 AND position = ANY($2::int[])', [instanceUid, positions]);
  }

  async updateStatus(manager: EntityManager, uid: string, status: TemplateInstance['status']): Promise<TemplateInstanceRow> {
    const rows = returnedRows<TemplateInstanceRow>(
      await manager.query(
        `WITH written AS (
           UPDATE template_instances SET status = $2, resource_version = next_resource_version() WHERE uid = $1 RETURNING *
         ), logged AS (${logWritten('TemplateInstance', 'MODIFIED')})
         SELECT * FROM written`,
        [uid, JSON.stringify(status)],
      ),
    );
    this.changes.written(manager, rows[0].namespace);
    return rows[0];
  }

  /** Every object row of an instance, in template order (planned ones included). */
  async objects(instanceUid: string, manager: EntityManager | DataSource = this.dataSource): Promise<InstanceObjectRow[]> {
    return manager.query('SELECT * FROM template_instance_objects WHERE instance_uid = $1 ORDER BY position', [instanceUid]);
  }

  /** An object the instance created, by kind and name (the first in template order when kinds of two groups share a name). */
  async object(instanceUid: string, kind: string, name: string): Promise<InstanceObjectRow | undefined> {
    const rows: InstanceObjectRow[] = await this.dataSource.query(
      'SELECT * FROM template_instance_objects WHERE instance_uid = $1 AND kind = $2 AND name = $3 AND uid IS NOT NULL ORDER BY position LIMIT 1',
      [instanceUid, kind, name],
    );
    return rows[0];
  }

  /** In (namespace, name) order, after `after`, those the selector selects; `limit` + 1 rows so the caller knows whether more remain. */
  list(options: { namespace?: string; selector?: LabelSelector; after?: ListPosition; limit?: number }): Promise<TemplateInstanceRow[]> {
    return listPage<TemplateInstanceRow>(this.dataSource, 'template_instances', options);
  }

  async byUids(uids: string[]): Promise<TemplateInstanceRow[]> {
    if (uids.length === 0) return [];
    return this.dataSource.query('SELECT * FROM template_instances WHERE uid = ANY($1::uuid[])', [uids]);
  }

  /** The instance and (cascading) its object rows. */
  async delete(manager: EntityManager, uid: string): Promise<void> {
    const rows = returnedRows<{ namespace: string }>(
      await manager.query(
        `WITH written AS (
           DELETE FROM template_instances WHERE uid = $1 RETURNING *
         ), logged AS (${logWritten('TemplateInstance', 'DELETED')})
         SELECT namespace FROM written`,
        [uid],
      ),
    );
    if (rows[0]) this.changes.written(manager, rows[0].namespace);
  }

  /**
   * Every instance of a deleted namespace created no later than `deletedAt` (later ones belong to a
   * namespace re-created since), with (cascading) its object rows, each instance with its DELETED
   * entry in the change log; how many went. The objects owned elsewhere are left to their owners,
   * which hear of the deletion themselves. An instantiation in progress holds its row: this waits.
   */
  async deleteCreatedBy(namespace: string, deletedAt: string): Promise<number> {
    const deleted = await deleteLoggedCreatedBy(this.dataSource, 'TemplateInstance', namespace, deletedAt);
    if (deleted > 0) this.changes.written(this.dataSource, namespace);
    return deleted;
  }

  /** A transaction whose writes wake watchers once it commits. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.changes.transaction(work);
  }

  /**
   * A list's resourceVersion, read before the list itself: settled, so a watch resuming from it
   * cannot miss a write that was still in flight (after a second of waiting, the position anyway).
   */
  async listResourceVersion(): Promise<string> {
    return (await settledResourceVersion(this.dataSource)).resourceVersion;
  }
}
