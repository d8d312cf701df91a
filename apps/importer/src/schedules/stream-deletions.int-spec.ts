import { randomUUID } from 'node:crypto';
import { openServiceDataSource } from '@imagestreams/platform-persistence';
import { testDatabaseUrl } from '@imagestreams/testing';
import type { DataSource } from 'typeorm';
import { ScheduledTagsRepository, type ScheduledTagSpec } from './scheduled-tags.repository';
import { IMPORTER_MIGRATIONS } from './scheduler-replica.fixture';

/**
 * `imagestream.deleted` and `tag.deleted` against the schedule (real Postgres): a deletion takes
 * only what the deleted stream or tag had, so a stream or tag created again before the event was
 * handled (or before it came again) keeps its scheduled imports.
 */
describe('stream and tag deletions in the import schedule (Postgres)', () => {
  const schema = `importer_del_int_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let dataSource: DataSource;
  let schedules: ScheduledTagsRepository;

  beforeAll(async () => {
    dataSource = await openServiceDataSource({ url: testDatabaseUrl(), schema, entities: [], migrations: IMPORTER_MIGRATIONS, poolSize: 2 });
    schedules = new ScheduledTagsRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  const scheduled = (tag: string): ScheduledTagSpec => ({ tag, source: `quay.io/example/app:${tag}`, insecure: false, importMode: 'Legacy', firstCheckAt: new Date(Date.now() + 3_600_000) });
  const tagsOf = async (stream: string): Promise<string[]> =>
    ((await dataSource.query('SELECT tag FROM scheduled_tags WHERE namespace = $1 AND stream = $2 ORDER BY tag', ['team', stream])) as { tag: string }[]).map((row) => row.tag);

  it('keeps the schedule of a stream created again after the deletion, and takes a later deletion’s', async () => {
    expect(await schedules.replaceStream('team', 'web', '10', [scheduled('latest')])).toBe(true);
    // Deleted at 11, created again with a spec at 12; the deletion is handled only now.
    expect(await schedules.replaceStream('team', 'web', '12', [scheduled('latest'), scheduled('v2')])).toBe(true);
    await schedules.dropStream('team', 'web', '11');
    expect(await tagsOf('web')).toEqual(['latest', 'v2']);

    await schedules.dropStream('team', 'web', '13');
    expect(await tagsOf('web')).toEqual([]);
    // A spec event of the deleted stream arriving late schedules nothing again.
    expect(await schedules.replaceStream('team', 'web', '12', [scheduled('latest')])).toBe(false);
    expect(await tagsOf('web')).toEqual([]);
  });

  it('keeps a tag added again by a spec newer than its deletion', async () => {
    expect(await schedules.replaceStream('team', 'api', '20', [scheduled('latest'), scheduled('beta')])).toBe(true);
    // latest deleted at 21, added back by the spec at 22; the deletion is handled only now.
    expect(await schedules.replaceStream('team', 'api', '22', [scheduled('latest'), scheduled('beta')])).toBe(true);
    await schedules.dropTag({ namespace: 'team', stream: 'api', tag: 'latest' }, '21');
    expect(await tagsOf('api')).toEqual(['beta', 'latest']);

    await schedules.dropTag({ namespace: 'team', stream: 'api', tag: 'latest' }, '23');
    expect(await tagsOf('api')).toEqual(['beta']);
  });
});
