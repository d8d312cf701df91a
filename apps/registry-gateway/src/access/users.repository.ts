import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { currentResourceVersion, returnedRows } from '@imagestreams/platform-persistence';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';

export interface UserRow {
  name: string;
  uid: string;
  groups: string[];
  full_name: string | null;
  created_at: Date;
  resource_version: string;
}

/** SQL of `users`. Deleting a user deletes its tokens in the same transaction. */
@Injectable()
export class UsersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The new row, or undefined when the name is taken. */
  async insert(user: { name: string; groups: string[]; fullName?: string }, db: DataSource | EntityManager = this.dataSource): Promise<UserRow | undefined> {
    const rows: UserRow[] = await db.query(
      'INSERT INTO users (name, uid, groups, full_name) VALUES ($1, $2, $3, $4) ON CONFLICT (name) DO NOTHING RETURNING *',
      [user.name, randomUUID(), JSON.stringify(user.groups), user.fullName ?? null],
    );
    return rows[0];
  }

  async find(name: string): Promise<UserRow | undefined> {
    const rows: UserRow[] = await this.dataSource.query('SELECT * FROM users WHERE name = $1', [name]);
    return rows[0];
  }

  list(): Promise<UserRow[]> {
    return this.dataSource.query('SELECT * FROM users ORDER BY name');
  }

  async delete(name: string): Promise<UserRow | undefined> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`DELETE FROM access_tokens WHERE subject_kind = 'User' AND subject_name = $1`, [name]);
      const rows = returnedRows<UserRow>(await manager.query('DELETE FROM users WHERE name = $1 RETURNING *', [name]));
      return rows[0];
    });
  }

  async any(db: DataSource | EntityManager = this.dataSource): Promise<boolean> {
    const rows: unknown[] = await db.query('SELECT 1 FROM users LIMIT 1');
    return rows.length > 0;
  }

  currentResourceVersion(): Promise<string> {
    return currentResourceVersion(this.dataSource);
  }
}
