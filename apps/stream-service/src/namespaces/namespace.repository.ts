import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { CLOCK_TIMESTAMP_RFC3339, currentResourceVersion, returnedRows } from '@imagestreams/platform-persistence';
import type { DataSource, EntityManager } from 'typeorm';

export interface NamespaceRow {
  name: string;
  uid: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  resource_version: string;
  created_at: Date;
}

@Injectable()
export class NamespaceRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Returns the new row, or undefined if the name is taken. */
  async insert(input: { name: string; uid: string; labels: Record<string, string>; annotations: Record<string, string> }): Promise<NamespaceRow | undefined> {
    const rows: NamespaceRow[] = await this.dataSource.query(
      `INSERT INTO namespaces (name, uid, labels, annotations, resource_version)
       VALUES ($1, $2, $3, $4, next_resource_version())
       ON CONFLICT (name) DO NOTHING
       RETURNING *`,
      [input.name, input.uid, input.labels, input.annotations],
    );
    return rows[0];
  }

  async find(name: string): Promise<NamespaceRow | undefined> {
    const rows: NamespaceRow[] = await this.dataSource.query('SELECT * FROM namespaces WHERE name = $1', [name]);
    return rows[0];
  }

  /**
   * Streams and their history go with it (foreign keys cascade). Answers when, by Postgres' clock
   * in microseconds (RFC 3339), or undefined when there was no such namespace: other services
   * compare it with their rows' `created_at` (see NamespaceDeletedV1).
   */
  /**
   * Locks the namespace row against new streams for the rest of the transaction: creating a stream
   * takes a key-share lock on it (its foreign key), which this lock excludes. A creation already
   * under way is waited for, so the caller then sees its stream. False when there is no namespace.
   */
  async lockAgainstNewStreams(manager: EntityManager, name: string): Promise<boolean> {
    const rows: unknown[] = await manager.query('SELECT 1 FROM namespaces WHERE name = $1 FOR UPDATE', [name]);
    return rows.length > 0;
  }

  async delete(manager: EntityManager, name: string): Promise<string | undefined> {
    const rows = returnedRows<{ deleted_at: string }>(
      await manager.query(`DELETE FROM namespaces WHERE name = $1 RETURNING ${CLOCK_TIMESTAMP_RFC3339} AS deleted_at`, [name]),
    );
    return rows[0]?.deleted_at;
  }

  async list(): Promise<NamespaceRow[]> {
    return this.dataSource.query('SELECT * FROM namespaces ORDER BY name');
  }

  currentResourceVersion(): Promise<string> {
    return currentResourceVersion(this.dataSource);
  }
}
