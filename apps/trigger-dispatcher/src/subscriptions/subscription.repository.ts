import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { currentResourceVersion, returnedRows } from '@imagestreams/platform-persistence';
import type { WebhookSubscriptionSpec } from '@imagestreams/contracts';
import type { DataSource } from 'typeorm';

export interface SubscriptionRow {
  uid: string;
  namespace: string;
  name: string;
  labels: Record<string, string>;
  spec: WebhookSubscriptionSpec;
  signing_secret: string;
  disabled_reason: string | null;
  resource_version: string;
  created_at: Date;
}

@Injectable()
export class SubscriptionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(row: { uid: string; namespace: string; name: string; labels: Record<string, string>; spec: WebhookSubscriptionSpec; signingSecret: string }): Promise<SubscriptionRow | undefined> {
    const rows: SubscriptionRow[] = await this.dataSource.query(
      `INSERT INTO webhook_subscriptions (uid, namespace, name, labels, spec, signing_secret, resource_version)
       VALUES ($1, $2, $3, $4, $5, $6, nextval('resource_version_seq'))
       ON CONFLICT (namespace, name) DO NOTHING RETURNING *`,
      [row.uid, row.namespace, row.name, row.labels, row.spec, row.signingSecret],
    );
    return rows[0];
  }

  async find(namespace: string, name: string): Promise<SubscriptionRow | undefined> {
    const rows: SubscriptionRow[] = await this.dataSource.query('SELECT * FROM webhook_subscriptions WHERE namespace = $1 AND name = $2', [namespace, name]);
    return rows[0];
  }

  async list(namespace?: string): Promise<SubscriptionRow[]> {
    return namespace === undefined
      ? this.dataSource.query('SELECT * FROM webhook_subscriptions ORDER BY namespace, name')
      : this.dataSource.query('SELECT * FROM webhook_subscriptions WHERE namespace = $1 ORDER BY name', [namespace]);
  }

  /** Subscriptions that may receive events of these namespaces (not paused, not disabled). */
  async activeIn(namespaces: string[]): Promise<SubscriptionRow[]> {
    return this.dataSource.query(
      `SELECT * FROM webhook_subscriptions
       WHERE namespace = ANY($1::text[]) AND disabled_reason IS NULL AND NOT coalesce((spec->>'paused')::boolean, false)`,
      [namespaces],
    );
  }

  async delete(namespace: string, name: string): Promise<boolean> {
    const rows = returnedRows(await this.dataSource.query('DELETE FROM webhook_subscriptions WHERE namespace = $1 AND name = $2 RETURNING uid', [namespace, name]));
    return rows.length > 0;
  }

  async disable(uid: string, reason: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE webhook_subscriptions SET disabled_reason = $2, resource_version = nextval('resource_version_seq') WHERE uid = $1`,
      [uid, reason],
    );
  }

  currentResourceVersion(): Promise<string> {
    return currentResourceVersion(this.dataSource);
  }
}
