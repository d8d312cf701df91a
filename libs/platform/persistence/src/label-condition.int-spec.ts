import { testDatabaseUrl } from '@imagestreams/testing';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { labelCondition, type LabelRequirement } from './label-condition';
import { openServiceDataSource } from './service-data-source';

/** Each operator evaluated by Postgres over a set of label maps, with Kubernetes' meaning. */
describe('labelCondition (real Postgres)', () => {
  const schema = `labels_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let dataSource: DataSource;

  const objects: Record<string, Record<string, string>> = {
    web: { app: 'web', tier: 'front' },
    db: { app: 'db', tier: 'back' },
    empty: { app: '' },
    bare: {},
    quoted: { "it's": 'x' },
  };

  beforeAll(async () => {
    dataSource = await openServiceDataSource({ url: testDatabaseUrl(), schema, entities: [], migrations: [] });
  });

  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  async function selected(...requirements: LabelRequirement[]): Promise<string[]> {
    const values: unknown[] = [JSON.stringify(Object.entries(objects).map(([name, labels]) => ({ name, labels })))];
    const param = (value: unknown) => {
      values.push(value);
      return `$${values.length}`;
    };
    const where = requirements.map((requirement) => labelCondition(requirement, param));
    const rows: { name: string }[] = await dataSource.query(
      `SELECT name FROM jsonb_to_recordset($1::jsonb) AS t(name text, labels jsonb)${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY name`,
      values,
    );
    return rows.map((row) => row.name);
  }

  it.each<[string, LabelRequirement, string[]]>([
    ['equals', { key: 'app', operator: 'equals', values: ['web'] }, ['web']],
    ['equals the empty value', { key: 'app', operator: 'equals', values: [''] }, ['empty']],
    ['notEquals (a missing label is not equal)', { key: 'app', operator: 'notEquals', values: ['web'] }, ['bare', 'db', 'empty', 'quoted']],
    ['in', { key: 'app', operator: 'in', values: ['web', 'db'] }, ['db', 'web']],
    ['notIn (a missing label is not in)', { key: 'app', operator: 'notIn', values: ['web', 'db'] }, ['bare', 'empty', 'quoted']],
    ['exists', { key: 'tier', operator: 'exists', values: [] }, ['db', 'web']],
    ['doesNotExist', { key: 'tier', operator: 'doesNotExist', values: [] }, ['bare', 'empty', 'quoted']],
    ['a key with a quote, bound rather than spliced', { key: "it's", operator: 'exists', values: [] }, ['quoted']],
  ])('%s', async (_case, requirement, expected) => {
    expect(await selected(requirement)).toEqual(expected);
  });

  it('ANDs requirements, and selects everything without any', async () => {
    expect(await selected({ key: 'app', operator: 'exists', values: [] }, { key: 'tier', operator: 'notEquals', values: ['front'] })).toEqual(['db', 'empty']);
    expect(await selected()).toEqual(Object.keys(objects).sort());
  });
});
