import { randomUUID } from 'node:crypto';
import { openServiceDataSource } from '@imagestreams/platform-persistence';
import { testDatabaseUrl } from '@imagestreams/testing';
import type { DataSource } from 'typeorm';
import { DeleteOrphanedBuilds1765400000000 } from './1765400000000-delete-orphaned-builds';
import { TRIGGER_MIGRATIONS } from './index';

/** The upgrade that deletes Builds left behind by deleted BuildConfigs, on a schema as it was before it. */
describe('DeleteOrphanedBuilds1765400000000 (Postgres)', () => {
  const schema = `trigger_mig_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let dataSource: DataSource;

  beforeAll(async () => {
    const before = TRIGGER_MIGRATIONS.filter((migration) => migration !== DeleteOrphanedBuilds1765400000000);
    dataSource = await openServiceDataSource({ url: testDatabaseUrl(), schema, entities: [], migrations: before, poolSize: 2 });
  });

  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  const insertBuildConfig = (namespace: string, name: string) =>
    dataSource.query(`INSERT INTO workloads (uid, namespace, kind, name, body, resource_version) VALUES ($1, $2, 'BuildConfig', $3, '{}', 1)`, [randomUUID(), namespace, name]);
  const insertBuild = (namespace: string, name: string, buildConfig: string) =>
    dataSource.query('INSERT INTO builds (uid, namespace, name, build_config, body, resource_version) VALUES ($1, $2, $3, $4, $5, 1)', [randomUUID(), namespace, name, buildConfig, '{}']);

  it('deletes the Builds whose BuildConfig is gone and keeps every other', async () => {
    await insertBuildConfig('team-a', 'web');
    await insertBuild('team-a', 'web-1', 'web');
    await insertBuild('team-a', 'web-2', 'web');
    // Left behind by a deleted BuildConfig, and one of the same name in another namespace.
    await insertBuild('team-a', 'gone-1', 'gone');
    await insertBuild('team-b', 'web-1', 'web');

    const runner = dataSource.createQueryRunner();
    try {
      await new DeleteOrphanedBuilds1765400000000().up(runner);
    } finally {
      await runner.release();
    }

    const left: { namespace: string; name: string }[] = await dataSource.query('SELECT namespace, name FROM builds ORDER BY namespace, name');
    expect(left).toEqual([
      { namespace: 'team-a', name: 'web-1' },
      { namespace: 'team-a', name: 'web-2' },
    ]);
  });
});
