import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { AccessTokenSubject } from '@imagestreams/contracts';
import { currentResourceVersion, returnedRows } from '@imagestreams/platform-persistence';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';

export interface AccessTokenRow {
  name: string;
  uid: string;
  token_hash: string;
  subject_kind: 'User' | 'ServiceAccount';
  subject_namespace: string | null;
  subject_name: string;
  expires_at: Date | null;
  description: string | null;
  last_used_at: Date | null;
  bootstrap: boolean;
  created_at: Date;
  resource_version: string;
}

/** A token found by its hash, with what authentication needs of its subject. */
export interface TokenOwner {
  subject: AccessTokenSubject;
  expiresAt: Date | null;
  /** The user's own groups (empty for a service account). */
  groups: string[];
  lastUsedAt: Date | null;
}

export interface NewAccessToken {
  hash: string;
  subject: AccessTokenSubject;
  expiresAt?: Date;
  description?: string;
  bootstrap?: boolean;
}

/** Names derive from the hash, so the name of a token says nothing about the token itself. */
export function accessTokenName(hash: string): string {
  return `sha256~${hash.slice(0, 12)}`;
}

/** SQL of `access_tokens`; only hashes are stored. */
@Injectable()
export class AccessTokensRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The new row, or undefined when the hash (or its name) is taken. */
  async insert(token: NewAccessToken, db: DataSource | EntityManager = this.dataSource): Promise<AccessTokenRow | undefined> {
    const rows: AccessTokenRow[] = await db.query(
      `INSERT INTO access_tokens (name, uid, token_hash, subject_kind, subject_namespace, subject_name, expires_at, description, bootstrap)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING RETURNING *`,
      [
        accessTokenName(token.hash),
        randomUUID(),
        token.hash,
        token.subject.kind,
        token.subject.namespace ?? null,
        token.subject.name,
        token.expiresAt ?? null,
        token.description ?? null,
        token.bootstrap ?? false,
      ],
    );
    return rows[0];
  }

  /**
   * The token's subject, only while the subject exists: a token of a deleted user or service account
   * is gone with it (deleted in the same transaction), and the join keeps that true for rows written
   * any other way.
   */
  async ownerOf(hash: string): Promise<TokenOwner | undefined> {
    const rows: { subject_kind: 'User' | 'ServiceAccount'; subject_namespace: string | null; subject_name: string; expires_at: Date | null; last_used_at: Date | null; groups: string[] | null }[] =
      await this.dataSource.query(
        `SELECT t.subject_kind, t.subject_namespace, t.subject_name, t.expires_at, t.last_used_at, u.groups
         FROM access_tokens t
         LEFT JOIN users u ON t.subject_kind = 'User' AND u.name = t.subject_name
         LEFT JOIN service_accounts s ON t.subject_kind = 'ServiceAccount' AND s.namespace = t.subject_namespace AND s.name = t.subject_name
         WHERE t.token_hash = $1 AND (u.name IS NOT NULL OR s.name IS NOT NULL)`,
        [hash],
      );
    const row = rows[0];
    if (!row) return undefined;
    return {
      subject: { kind: row.subject_kind, name: row.subject_name, ...(row.subject_namespace !== null ? { namespace: row.subject_namespace } : {}) },
      expiresAt: row.expires_at,
      groups: row.groups ?? [],
      lastUsedAt: row.last_used_at,
    };
  }

  /** Cheap enough per cache miss: a write only when the recorded use is over a minute old. */
  async markUsed(hash: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE access_tokens SET last_used_at = now() WHERE token_hash = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
      [hash],
    );
  }

  async find(name: string): Promise<AccessTokenRow | undefined> {
    const rows: AccessTokenRow[] = await this.dataSource.query('SELECT * FROM access_tokens WHERE name = $1', [name]);
    return rows[0];
  }

  /** Every token, or those of one subject. */
  list(subject?: AccessTokenSubject): Promise<AccessTokenRow[]> {
    if (!subject) return this.dataSource.query('SELECT * FROM access_tokens ORDER BY name');
    return this.dataSource.query(
      'SELECT * FROM access_tokens WHERE subject_kind = $1 AND subject_name = $2 AND subject_namespace IS NOT DISTINCT FROM $3 ORDER BY name',
      [subject.kind, subject.name, subject.namespace ?? null],
    );
  }

  async delete(name: string): Promise<AccessTokenRow | undefined> {
    const rows = returnedRows<AccessTokenRow>(await this.dataSource.query('DELETE FROM access_tokens WHERE name = $1 RETURNING *', [name]));
    return rows[0];
  }

  /** Drops the bootstrap token unless it is the one with this hash; true when one was dropped. */
  async dropOtherBootstrapToken(manager: EntityManager, keepHash: string): Promise<boolean> {
    const rows = returnedRows<{ name: string }>(await manager.query('DELETE FROM access_tokens WHERE bootstrap AND token_hash <> $1 RETURNING name', [keepHash]));
    return rows.length > 0;
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  currentResourceVersion(): Promise<string> {
    return currentResourceVersion(this.dataSource);
  }
}
