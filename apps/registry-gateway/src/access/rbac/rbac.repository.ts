import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { PolicyRule, RbacSubject, RoleRef } from '@imagestreams/contracts';
import { currentResourceVersion, returnedRows } from '@imagestreams/platform-persistence';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { BindingContent, RoleContent, StoredBindingObject, StoredMeta, StoredRoleObject } from './rbac-objects';

interface MetaRow {
  namespace: string;
  name: string;
  uid: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  resource_version: string;
  created_at: Date;
}

interface RoleRow extends MetaRow {
  rules: PolicyRule[];
}

interface BindingRow extends MetaRow {
  role_ref: RoleRef;
  subjects: RbacSubject[];
}

/** What an update may require of the stored object (Kubernetes' preconditions). */
export interface Preconditions {
  resourceVersion?: string;
  uid?: string;
}

/** Why an update did not happen. */
export type UpdateRefusal = 'not-found' | 'conflict';

function meta(row: MetaRow): StoredMeta {
  return {
    namespace: row.namespace,
    name: row.name,
    uid: row.uid,
    labels: row.labels,
    annotations: row.annotations,
    resourceVersion: String(row.resource_version),
    createdAt: row.created_at,
  };
}

const toRole = (row: RoleRow): StoredRoleObject => ({ ...meta(row), rules: row.rules });
const toBinding = (row: BindingRow): StoredBindingObject => ({ ...meta(row), roleRef: row.role_ref, subjects: row.subjects });

function failsPreconditions(row: MetaRow, preconditions: Preconditions): boolean {
  return (preconditions.resourceVersion !== undefined && preconditions.resourceVersion !== String(row.resource_version)) || (preconditions.uid !== undefined && preconditions.uid !== row.uid);
}

const ROLE_COLUMNS = 'namespace, name, uid, rules, labels, annotations, resource_version, created_at';
const BINDING_COLUMNS = 'namespace, name, uid, role_ref, subjects, labels, annotations, resource_version, created_at';

/**
 * SQL of `roles` and `role_bindings`. Namespace '' is the cluster scope (ClusterRoles,
 * ClusterRoleBindings). Writes are single statements, or a row-locked transaction where the stored
 * object must be compared first (preconditions, an immutable roleRef).
 */
@Injectable()
export class RbacRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  resourceVersion(): Promise<string> {
    return currentResourceVersion(this.dataSource);
  }

  /** Every role of the scope, or of every namespace (cluster-scoped ones excluded) when namespace is undefined. */
  async roles(namespace: string | undefined): Promise<StoredRoleObject[]> {
    const rows: RoleRow[] =
      namespace === undefined
        ? await this.dataSource.query(`SELECT ${ROLE_COLUMNS} FROM roles WHERE namespace <> '' ORDER BY namespace, name`)
        : await this.dataSource.query(`SELECT ${ROLE_COLUMNS} FROM roles WHERE namespace = $1 ORDER BY name`, [namespace]);
    return rows.map(toRole);
  }

  async role(namespace: string, name: string): Promise<StoredRoleObject | undefined> {
    const rows: RoleRow[] = await this.dataSource.query(`SELECT ${ROLE_COLUMNS} FROM roles WHERE namespace = $1 AND name = $2`, [namespace, name]);
    return rows[0] ? toRole(rows[0]) : undefined;
  }

  /** Undefined when the name is taken. */
  async createRole(namespace: string, name: string, content: RoleContent): Promise<StoredRoleObject | undefined> {
    const rows: RoleRow[] = await this.dataSource.query(
      `INSERT INTO roles (namespace, name, uid, rules, labels, annotations) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT DO NOTHING RETURNING ${ROLE_COLUMNS}`,
      [namespace, name, randomUUID(), JSON.stringify(content.rules), JSON.stringify(content.labels), JSON.stringify(content.annotations)],
    );
    return rows[0] ? toRole(rows[0]) : undefined;
  }

  async updateRole(namespace: string, name: string, content: RoleContent, preconditions: Preconditions): Promise<StoredRoleObject | UpdateRefusal> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.locked<RoleRow>(manager, 'roles', ROLE_COLUMNS, namespace, name);
      if (!current) return 'not-found';
      if (failsPreconditions(current, preconditions)) return 'conflict';
      const rows = returnedRows<RoleRow>(
        await manager.query(
          `UPDATE roles SET rules = $3, labels = $4, annotations = $5, resource_version = nextval('resource_version_seq')
           WHERE namespace = $1 AND name = $2 RETURNING ${ROLE_COLUMNS}`,
          [namespace, name, JSON.stringify(content.rules), JSON.stringify(content.labels), JSON.stringify(content.annotations)],
        ),
      );
      return toRole(rows[0]);
    });
  }

  async deleteRole(namespace: string, name: string): Promise<StoredRoleObject | undefined> {
    const rows = returnedRows<RoleRow>(await this.dataSource.query(`DELETE FROM roles WHERE namespace = $1 AND name = $2 RETURNING ${ROLE_COLUMNS}`, [namespace, name]));
    return rows[0] ? toRole(rows[0]) : undefined;
  }

  async bindings(namespace: string | undefined): Promise<StoredBindingObject[]> {
    const rows: BindingRow[] =
      namespace === undefined
        ? await this.dataSource.query(`SELECT ${BINDING_COLUMNS} FROM role_bindings WHERE namespace <> '' ORDER BY namespace, name`)
        : await this.dataSource.query(`SELECT ${BINDING_COLUMNS} FROM role_bindings WHERE namespace = $1 ORDER BY name`, [namespace]);
    return rows.map(toBinding);
  }

  async binding(namespace: string, name: string): Promise<StoredBindingObject | undefined> {
    const rows: BindingRow[] = await this.dataSource.query(`SELECT ${BINDING_COLUMNS} FROM role_bindings WHERE namespace = $1 AND name = $2`, [namespace, name]);
    return rows[0] ? toBinding(rows[0]) : undefined;
  }

  async createBinding(namespace: string, name: string, content: BindingContent): Promise<StoredBindingObject | undefined> {
    const rows: BindingRow[] = await this.dataSource.query(
      `INSERT INTO role_bindings (namespace, name, uid, role_ref, subjects, labels, annotations) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT DO NOTHING RETURNING ${BINDING_COLUMNS}`,
      [namespace, name, randomUUID(), JSON.stringify(content.roleRef), JSON.stringify(content.subjects), JSON.stringify(content.labels), JSON.stringify(content.annotations)],
    );
    return rows[0] ? toBinding(rows[0]) : undefined;
  }

  /**
   * `check` sees the stored binding under its row lock and may refuse the update by throwing
   * (an immutable roleRef), so what it compared is what gets replaced.
   */
  async updateBinding(
    namespace: string,
    name: string,
    content: BindingContent,
    preconditions: Preconditions,
    check: (current: StoredBindingObject) => void,
  ): Promise<StoredBindingObject | UpdateRefusal> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.locked<BindingRow>(manager, 'role_bindings', BINDING_COLUMNS, namespace, name);
      if (!current) return 'not-found';
      if (failsPreconditions(current, preconditions)) return 'conflict';
      check(toBinding(current));
      const rows = returnedRows<BindingRow>(
        await manager.query(
          `UPDATE role_bindings SET subjects = $3, labels = $4, annotations = $5, resource_version = nextval('resource_version_seq')
           WHERE namespace = $1 AND name = $2 RETURNING ${BINDING_COLUMNS}`,
          [namespace, name, JSON.stringify(content.subjects), JSON.stringify(content.labels), JSON.stringify(content.annotations)],
        ),
      );
      return toBinding(rows[0]);
    });
  }

  async deleteBinding(namespace: string, name: string): Promise<StoredBindingObject | undefined> {
    const rows = returnedRows<BindingRow>(await this.dataSource.query(`DELETE FROM role_bindings WHERE namespace = $1 AND name = $2 RETURNING ${BINDING_COLUMNS}`, [namespace, name]));
    return rows[0] ? toBinding(rows[0]) : undefined;
  }

  /**
   * Creates the binding, or adds the subject to the existing one of that name and roleRef (never
   * removing anyone): a repeated call changes nothing. A binding of that name granting another
   * role is left alone. Answers whether anything changed.
   */
  async ensureBindingSubject(namespace: string, name: string, roleRef: RoleRef, subject: RbacSubject): Promise<boolean> {
    const rows = returnedRows<{ name: string }>(
      await this.dataSource.query(
        `INSERT INTO role_bindings AS b (namespace, name, uid, role_ref, subjects) VALUES ($1, $2, $3, $4, jsonb_build_array($5::jsonb))
         ON CONFLICT (namespace, name) DO UPDATE SET subjects = b.subjects || jsonb_build_array($5::jsonb), resource_version = nextval('resource_version_seq')
           WHERE b.role_ref = $4::jsonb AND NOT b.subjects @> jsonb_build_array($5::jsonb)
         RETURNING b.name`,
        [namespace, name, randomUUID(), JSON.stringify(roleRef), JSON.stringify(subject)],
      ),
    );
    return rows.length > 0;
  }

  /** Removes every Role and RoleBinding of a namespace (what a deleted namespace leaves behind). */
  async deleteNamespace(namespace: string): Promise<number> {
    if (namespace === '') return 0;
    return this.dataSource.transaction(async (manager) => {
      const roles = returnedRows(await manager.query('DELETE FROM roles WHERE namespace = $1 RETURNING name', [namespace]));
      const bindings = returnedRows(await manager.query('DELETE FROM role_bindings WHERE namespace = $1 RETURNING name', [namespace]));
      return roles.length + bindings.length;
    });
  }

  /** Everything the authorizer needs, in one round trip per table. */
  async policy(): Promise<{ roles: Pick<StoredRoleObject, 'namespace' | 'name' | 'rules'>[]; bindings: Pick<StoredBindingObject, 'namespace' | 'name' | 'roleRef' | 'subjects'>[] }> {
    const [roles, bindings] = await Promise.all([
      this.dataSource.query('SELECT namespace, name, rules FROM roles') as Promise<Pick<RoleRow, 'namespace' | 'name' | 'rules'>[]>,
      this.dataSource.query('SELECT namespace, name, role_ref, subjects FROM role_bindings') as Promise<Pick<BindingRow, 'namespace' | 'name' | 'role_ref' | 'subjects'>[]>,
    ]);
    return {
      roles,
      bindings: bindings.map((row) => ({ namespace: row.namespace, name: row.name, roleRef: row.role_ref, subjects: row.subjects })),
    };
  }

  private async locked<T>(manager: EntityManager, table: 'roles' | 'role_bindings', columns: string, namespace: string, name: string): Promise<T | undefined> {
    const rows: T[] = await manager.query(`SELECT ${columns} FROM ${table} WHERE namespace = $1 AND name = $2 FOR UPDATE`, [namespace, name]);
    return rows[0];
  }
}
