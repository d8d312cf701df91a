import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { openTriggerTestSchema } from '../trigger-schema.fixture';
import { WorkloadRepository } from './workload.repository';

/** Whether anything watches a moved tag, against real Postgres: moves arriving together are answered each for itself. */
describe('WorkloadRepository.anyWatching (Postgres)', () => {
  let dataSource: DataSource;
  let drop: () => Promise<void>;
  let workloads: WorkloadRepository;

  beforeAll(async () => {
    ({ dataSource, drop } = await openTriggerTestSchema('trigger_watches_int'));
    workloads = new WorkloadRepository(dataSource);
    const workload = randomUUID();
    await dataSource.query(`INSERT INTO workloads (uid, namespace, kind, name, body, resource_version) VALUES ($1, 'shop', 'DeploymentConfig', 'web', '{}', nextval('resource_version_seq'))`, [workload]);
    await dataSource.query(`INSERT INTO workload_watches (workload_uid, namespace, stream, tag) VALUES ($1, 'shop', 'web', 'latest'), ($1, 'shop', 'db', 'v1')`, [workload]);
  });

  afterAll(() => drop());

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
