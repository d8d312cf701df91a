import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { currentResourceVersion, retryOnDeadlock, returnedRows } from '@imagestreams/platform-persistence';
import type { WebhookSubscriptionSpec } from '@imagestreams/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import type { StoredSigningSecrets } from './signing-secrets';
import { deleteSubscriptionsWhere } from '../deliveries/delivery-events';

export interface SubscriptionRow extends StoredSigningSecrets {
  uid: string;
  namespace: string;
  name: string;
  labels: Record<string, string>;
  spec: WebhookSubscriptionSpec;
  consecutive_failures: number;
  disabled_reason: string | null;
  resource_version: string;
  created_at: Date;
  status_changed_at: Date;
}

@Injectable()
export class SubscriptionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(row: { uid: string; namespace: string; name: string; labels: Record<string, string>; spec: WebhookSubscriptionSpec; sealedSigningSecret: Buffer }): Promise<SubscriptionRow | undefined> {
    const rows: SubscriptionRow[] = await this.dataSource.query(
      `INSERT INTO webhook_subscriptions (uid, namespace, name, labels, spec, sealed_signing_secret, resource_version)
       VALUES ($1, $2, $3, $4, $5, $6, nextval('resource_version_seq'))
       ON CONFLICT (namespace, name) DO NOTHING RETURNING *`,
      [row.uid, row.namespace, row.name, row.labels, row.spec, row.sealedSigningSecret],
    );
    return rows[0];
  }

  async find(namespace: string, name: string, manager: EntityManager = this.dataSource.manager): Promise<SubscriptionRow | undefined> {
    const rows: SubscriptionRow[] = await manager.query('SELECT * FROM webhook_subscriptions WHERE namespace = $1 AND name = $2', [namespace, name]);
    return rows[0];
  }

  /** The row locked for an update in `manager`'s transaction. */
  async lock(manager: EntityManager, namespace: string, name: string): Promise<SubscriptionRow | undefined> {
    const rows: SubscriptionRow[] = await manager.query('SELECT * FROM webhook_subscriptions WHERE namespace = $1 AND name = $2 FOR UPDATE', [namespace, name]);
    return rows[0];
  }

  /**
   * A new spec and labels. Editing a disabled subscription is how a user says the receiver is
   * fixed, so the update re-enables it and starts a new failure streak.
   */
  async update(manager: EntityManager, uid: string, labels: Record<string, string>, spec: WebhookSubscriptionSpec): Promise<SubscriptionRow> {
    const rows = returnedRows<SubscriptionRow>(
      await manager.query(
        `UPDATE webhook_subscriptions SET labels = $2, spec = $3, resource_version = nextval('resource_version_seq'),
           status_changed_at = CASE WHEN disabled_reason IS NULL THEN status_changed_at ELSE now() END,
           disabled_reason = NULL, consecutive_failures = 0
         WHERE uid = $1 RETURNING *`,
        [uid, labels, spec],
      ),
    );
    return rows[0];
  }

  /**
   * The new secret signs from now on; the current one (`sealedPrevious`, the caller's sealed copy of
   * it, so no plaintext stays behind) keeps signing too until `graceSeconds` have passed.
   */
  async rotateSecret(manager: EntityManager, uid: string, sealedNew: Buffer, sealedPrevious: Buffer | null, graceSeconds: number): Promise<SubscriptionRow> {
    const rows = returnedRows<SubscriptionRow>(
      await manager.query(
        `UPDATE webhook_subscriptions SET sealed_previous_signing_secret = $3, previous_signing_secret = NULL,
           sealed_signing_secret = $2, signing_secret = NULL,
           previous_secret_expires_at = now() + $4 * interval '1 second', resource_version = nextval('resource_version_seq')
         WHERE uid = $1 RETURNING *`,
        [uid, sealedNew, sealedPrevious, graceSeconds],
      ),
    );
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
    // Deleting takes locks a planner or a namespace deletion may hold in another order; the side
    // Postgres aborts in a deadlock runs again.
    const deleted = await retryOnDeadlock(() => this.dataSource.transaction((manager) => deleteSubscriptionsWhere(manager, 's.namespace = $1 AND s.name = $2', [namespace, name])));
    return deleted.length > 0;
  }

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  currentResourceVersion(): Promise<string> {
    return currentResourceVersion(this.dataSource);
  }
}
