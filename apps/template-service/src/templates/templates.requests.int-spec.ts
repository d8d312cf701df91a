import { randomUUID } from 'node:crypto';
import {
  CreateTemplateCommand,
  ListTemplatesRequest,
  StatusError,
  UpdateTemplateCommand,
  validatePayload,
  type ClassType,
  type Status,
  type Template,
} from '@imagestreams/contracts';
import { openServiceDataSource } from '@imagestreams/platform-persistence';
import { testDatabaseUrl } from '@imagestreams/testing';
import type { DataSource } from 'typeorm';
import { TEMPLATE_MIGRATIONS } from '../migrations';
import { recordingNotifier } from '../watch/wake-ups.fixture';
import { TemplateRepository } from './template.repository';
import { TemplatesRequests } from './templates.requests';

/**
 * The template request handlers against real Postgres (a fresh schema, the service's own
 * migrations). Payloads go through contract validation first, as the request transport does.
 */
describe('TemplatesRequests (Postgres)', () => {
  const schema = `template_int_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let dataSource: DataSource;
  let handlers: TemplatesRequests;

  beforeAll(async () => {
    dataSource = await openServiceDataSource({ url: testDatabaseUrl(), schema, entities: [], migrations: TEMPLATE_MIGRATIONS, poolSize: 4 });
    handlers = new TemplatesRequests(new TemplateRepository(dataSource, recordingNotifier().notifier));
  });

  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  function valid<T extends object>(cls: ClassType<T>, payload: unknown): T {
    const result = validatePayload(cls, payload);
    if (!result.ok) throw new Error(JSON.stringify(result.causes));
    return result.value;
  }

  async function statusOf(work: Promise<unknown>): Promise<Status> {
    try {
      await work;
    } catch (error) {
      if (error instanceof StatusError) return error.status;
      throw error;
    }
    throw new Error('expected a StatusError');
  }

  const create = (namespace: string, template: Record<string, unknown>) => handlers.create(valid(CreateTemplateCommand, { namespace, template }));
  const update = (namespace: string, name: string, template: Record<string, unknown>) => handlers.update(valid(UpdateTemplateCommand, { namespace, name, template }));
  const list = (query: Record<string, unknown>) => handlers.list(valid(ListTemplatesRequest, query));

  function template(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { apiVersion: 'template.openshift.io/v1', kind: 'Template', metadata: { name, labels: { app: name } }, objects: [{ kind: 'Service', apiVersion: 'v1', z: 1, a: 2 }], ...extra };
  }

  it('creates, reads and answers the stored body with server metadata, objects as they were written', async () => {
    const created = await create('crud', template('web', { parameters: [{ name: 'A', value: 'x' }], message: 'hi' }));
    const read = await handlers.get({ namespace: 'crud', name: 'web' });

    expect(read).toEqual(created);
    expect(created).toEqual({
      kind: 'Template',
      apiVersion: 'template.openshift.io/v1',
      metadata: { name: 'web', namespace: 'crud', uid: expect.any(String), resourceVersion: expect.stringMatching(/^\d+$/), creationTimestamp: expect.any(String), labels: { app: 'web' } },
      message: 'hi',
      objects: [{ kind: 'Service', apiVersion: 'v1', z: 1, a: 2 }],
      parameters: [{ name: 'A', value: 'x' }],
    });
    expect(Object.keys(created.objects?.[0] ?? {})).toEqual(['kind', 'apiVersion', 'z', 'a']);
  });

  it('answers a taken name with 409 AlreadyExists and keeps the first', async () => {
    const first = await create('dup', template('web'));

    expect(await statusOf(create('dup', template('web', { message: 'second' })))).toMatchObject({ code: 409, reason: 'AlreadyExists', message: 'templates.template.openshift.io "web" already exists' });
    expect(await handlers.get({ namespace: 'dup', name: 'web' })).toEqual(first);
  });

  it('answers an invalid template with 422 and stores nothing', async () => {
    expect(await statusOf(create('invalid', template('Bad_Name')))).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(await statusOf(create('invalid', template('ok', { parameters: [{ name: 'a-b' }] })))).toMatchObject({ code: 422, details: { causes: [{ field: 'parameters[0].name' }] } });
    expect((await list({ namespace: 'invalid' })).items).toEqual([]);
  });

  it('makes a name from generateName', async () => {
    const created = await create('generated', { metadata: { generateName: 'web-' }, objects: [] });

    expect(created.metadata.name).toMatch(/^web-[a-z0-9]{5}$/);
    expect(created.metadata).toMatchObject({ generateName: 'web-' });
  });

  it('answers a missing template with 404 on get, update and delete', async () => {
    for (const work of [() => handlers.get({ namespace: 'none', name: 'web' }), () => update('none', 'web', template('web')), () => handlers.delete({ namespace: 'none', name: 'web' })]) {
      expect(await statusOf(work())).toMatchObject({ code: 404, reason: 'NotFound', message: 'templates.template.openshift.io "web" not found' });
    }
  });

  describe('update', () => {
    let current: Template;

    beforeAll(async () => {
      current = await create('upd', template('web'));
    });

    it('replaces the template when metadata.resourceVersion is current, moving it', async () => {
      const updated = await update('upd', 'web', { ...template('web', { message: 'v2' }), metadata: { ...current.metadata } });

      expect(updated.message).toBe('v2');
      expect(updated.metadata.uid).toBe(current.metadata.uid);
      expect(updated.metadata.creationTimestamp).toBe(current.metadata.creationTimestamp);
      expect(BigInt(updated.metadata.resourceVersion)).toBeGreaterThan(BigInt(current.metadata.resourceVersion));
      current = updated;
    });

    it('refuses a stale resourceVersion or another uid with 409 Conflict and changes nothing', async () => {
      const stale = { ...template('web', { message: 'stale' }), metadata: { name: 'web', resourceVersion: '1' } };
      const otherUid = { ...template('web', { message: 'stale' }), metadata: { name: 'web', uid: randomUUID() } };

      expect(await statusOf(update('upd', 'web', stale))).toMatchObject({
        code: 409,
        reason: 'Conflict',
        message: 'Operation cannot be fulfilled on templates.template.openshift.io "web": the object has been modified; please apply your changes to the latest version and try again',
      });
      expect(await statusOf(update('upd', 'web', otherUid))).toMatchObject({ code: 409, reason: 'Conflict' });
      expect(await handlers.get({ namespace: 'upd', name: 'web' })).toEqual(current);
    });

    it('refuses another name than the URL with 400, and an invalid template with 422, changing nothing', async () => {
      expect(await statusOf(update('upd', 'web', template('other')))).toMatchObject({ code: 400, message: 'the name of the object (other) does not match the name on the URL (web)' });
      expect(await statusOf(update('upd', 'web', template('web', { parameters: [{ name: '' }] })))).toMatchObject({ code: 422 });
      expect(await handlers.get({ namespace: 'upd', name: 'web' })).toEqual(current);
    });

    it('replaces unconditionally without a resourceVersion', async () => {
      expect((await update('upd', 'web', template('web', { message: 'v3' }))).message).toBe('v3');
    });
  });

  it('lists one namespace or all, in name order, in pages, with the List resourceVersion', async () => {
    for (const name of ['c', 'a', 'b']) await create('paged', template(name));
    await create('paged-other', template('a'));

    const whole = await list({ namespace: 'paged' });
    const first = await list({ namespace: 'paged', limit: 2 });
    const second = await list({ namespace: 'paged', limit: 2, continue: first.metadata.continue });
    const everywhere = await list({});

    expect(whole).toMatchObject({ kind: 'TemplateList', apiVersion: 'template.openshift.io/v1', metadata: { resourceVersion: expect.stringMatching(/^\d+$/) } });
    expect(whole.metadata.continue).toBeUndefined();
    expect(whole.items.map((item) => item.metadata.name)).toEqual(['a', 'b', 'c']);
    expect(first.items.map((item) => item.metadata.name)).toEqual(['a', 'b']);
    expect(second.items.map((item) => item.metadata.name)).toEqual(['c']);
    expect(second.metadata.continue).toBeUndefined();
    expect(everywhere.items.map((item) => `${item.metadata.namespace}/${item.metadata.name}`)).toEqual(expect.arrayContaining(['paged/a', 'paged-other/a']));
    expect(BigInt(whole.metadata.resourceVersion)).toBeGreaterThanOrEqual(BigInt(whole.items[2].metadata.resourceVersion));
    expect(await statusOf(list({ continue: 'not-a-token' }))).toMatchObject({ code: 400, reason: 'BadRequest' });
  });

  it('deletes, answering a Status, and the template is gone', async () => {
    const created = await create('del', template('web'));

    expect(await handlers.delete({ namespace: 'del', name: 'web' })).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      code: 200,
      details: { name: 'web', group: 'template.openshift.io', kind: 'templates', uid: created.metadata.uid },
    });
    expect(await statusOf(handlers.get({ namespace: 'del', name: 'web' }))).toMatchObject({ code: 404 });
  });
});
