import { randomUUID } from 'node:crypto';
import { openServiceDataSource } from '@imagestreams/platform-persistence';
import { testDatabaseUrl } from '@imagestreams/testing';
import type { DataSource } from 'typeorm';
import { TRIGGER_MIGRATIONS } from './migrations';

/** A schema of its own, migrated as trigger-dispatcher's, for one Postgres spec; `drop()` removes it. */
export async function openTriggerTestSchema(prefix: string, poolSize = 2): Promise<{ dataSource: DataSource; drop(): Promise<void> }> {
  const schema = `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const dataSource = await openServiceDataSource({ url: testDatabaseUrl(), schema, entities: [], migrations: TRIGGER_MIGRATIONS, poolSize, customPlans: true });
  return {
    dataSource,
    async drop() {
      await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await dataSource.destroy();
    },
  };
}

/** A webhook subscription row (its signing secret in the clear, as rows written before sealing are); returns its uid. */
export async function insertTestSubscription(
  dataSource: DataSource,
  options: { uid?: string; namespace?: string; name?: string; spec?: Record<string, unknown>; disabledReason?: string | null } = {},
): Promise<string> {
  const uid = options.uid ?? randomUUID();
  await dataSource.query(
    `INSERT INTO webhook_subscriptions (uid, namespace, name, spec, signing_secret, disabled_reason, resource_version)
     VALUES ($1, $2, $3, $4, 'whsec_x', $5, nextval('resource_version_seq'))`,
    [uid, options.namespace ?? 'team', options.name ?? `hook-${uid.slice(0, 8)}`, JSON.stringify({ url: 'http://127.0.0.1:1/', ...options.spec }), options.disabledReason ?? null],
  );
  return uid;
}
