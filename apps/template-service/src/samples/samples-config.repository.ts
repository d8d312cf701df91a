import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { currentResourceVersion, returnedRows } from '@imagestreams/platform-persistence';
import type { SamplesConfigSpec, SamplesConfigStatus } from '@imagestreams/contracts';
import type { DataSource, EntityManager } from 'typeorm';

export interface SamplesConfigRow {
  name: string;
  uid: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: SamplesConfigSpec;
  status: SamplesConfigStatus;
  generation: string;
  resource_version: string;
  created_at: Date;
}

export interface SamplesConfigContent {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: SamplesConfigSpec;
  generation: number;
}

/** The lock every replica's reconcile takes, per schema (so a test schema never waits for another's). */
const RECONCILE_LOCK = `SELECT pg_advisory_lock(hashtext(current_schema() || ':samples-reconcile'))`;
const RECONCILE_UNLOCK = `SELECT pg_advisory_unlock(hashtext(current_schema() || ':samples-reconcile'))`;

@Injectable()
export class SamplesConfigRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The Config, created with `spec` first if there is none (every replica may race to: one insert wins). */
  async ensure(name: string, spec: SamplesConfigSpec): Promise<SamplesConfigRow> {
    const existing = await this.find(name);
    if (existing) return existing;
    await this.dataSource.query(
      `INSERT INTO samples_configs (name, uid, spec, resource_version) VALUES ($1, $2, $3, next_resource_version()) ON CONFLICT (name) DO NOTHING`,
      [name, randomUUID(), spec],
    );
    return (await this.find(name)) as SamplesConfigRow;
  }

  async find(name: string): Promise<SamplesConfigRow | undefined> {
    const rows: SamplesConfigRow[] = await this.dataSource.query('SELECT * FROM samples_configs WHERE name = $1', [name]);
    return rows[0];
  }

  async lock(manager: EntityManager, name: string): Promise<SamplesConfigRow | undefined> {
    const rows: SamplesConfigRow[] = await manager.query('SELECT * FROM samples_configs WHERE name = $1 FOR UPDATE', [name]);
    return rows[0];
  }

  async update(manager: EntityManager, name: string, content: SamplesConfigContent): Promise<SamplesConfigRow> {
    const rows = returnedRows<SamplesConfigRow>(
      await manager.query(
        `UPDATE samples_configs SET labels = $2, annotations = $3, spec = $4, generation = $5, resource_version = next_resource_version()
         WHERE name = $1 RETURNING *`,
        [name, content.labels, content.annotations, content.spec, content.generation],
      ),
    );
    return rows[0];
  }

  /** The operator's status write: one statement, leaving spec alone (a spec written meanwhile is reconciled next). */
  async updateStatus(name: string, status: SamplesConfigStatus): Promise<SamplesConfigRow | undefined> {
    const rows = returnedRows<SamplesConfigRow>(
      await this.dataSource.query(`UPDATE samples_configs SET status = $2, resource_version = next_resource_version() WHERE name = $1 RETURNING *`, [name, status]),
    );
    return rows[0];
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  currentResourceVersion(): Promise<string> {
    return currentResourceVersion(this.dataSource);
  }

  /**
   * Runs `work` holding a Postgres session advisory lock, so replicas reconcile one at a time
   * (each then plans from what the previous one left). The lock is held on a connection of its
   * own and goes with it if the process dies.
   */
  async withReconcileLock<T>(work: () => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query(RECONCILE_LOCK);
      try {
        return await work();
      } finally {
        await runner.query(RECONCILE_UNLOCK);
      }
    } finally {
      await runner.release();
    }
  }
}
