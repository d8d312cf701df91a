import { randomUUID } from 'node:crypto';
import { openServiceDataSource } from '@imagestreams/platform-persistence';
import { testDatabaseUrl } from '@imagestreams/testing';
import type { DataSource } from 'typeorm';
import { TRIGGER_MIGRATIONS } from '../migrations';
import { WorkloadRepository } from './workload.repository';

/** Whether anything watches a moved tag, against real Postgres: moves arriving together are answered each for itself. */
describe('WorkloadRepository.anyWatching (Postgres)', () => {
  const schema = `trigger_watches_int_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let dataSource: DataSource;
  let workloads: WorkloadRepository;

  beforeAll(async () => {
    dataSource = await openServiceDataSource({ url: testDatabaseUrl(), schema, entities: [], migrations: TRIGGER_MIGRATIONS, poolSize: 2 });
    workloads = new WorkloadRepository(dataSource);
    const workload = randomUUID();
    await dataSource.query(`INSERT INTO workloads (uid, namespace, kind, name, body, resource_version) VALUES ($1, 'shop', 'DeploymentConfig', 'web', '{}', nextval('resource_version_seq'))`, [workload]);
    await dataSource.query(`INSERT INTO workload_watches (workload_uid, namespace, stream, tag) VALUES ($1, 'shop', 'web', 'latest'), ($1, 'shop', 'db', 'v1')`, [workload]);
  });

  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  it('answers each of many concurrent checks for its own tag', async () => {
    const asked = [
      { namespace: 'shop', stream: 'web', tag: 'latest' },
      { namespace: 'shop', stream: 'web', tag: 'v2' },
      { namespace: 'other', stream: 'web', tag: 'latest' },
      { namespace: 'shop', stream: 'db', tag: 'v1' },
      { namespace: 'shop', stream: 'web', tag: 'latest' },
    ];
    expect(await Promise.all(asked.map((tag) => workloads.anyWatching(tag)))).toEqual([true, false, false, true, true]);
    expect(await workloads.anyWatching({ namespace: 'shop', stream: 'db', tag: 'v2' })).toBe(false);
  });
});
