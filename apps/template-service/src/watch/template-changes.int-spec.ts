import { randomUUID } from 'node:crypto';
import {
  CreateTemplateCommand,
  CreateTemplateInstanceCommand,
  ListTemplateInstancesRequest,
  ListTemplatesRequest,
  NotificationSubjects,
  wakeUpSubject,
  StatusError,
  TemplateChangesQuery,
  TemplateInstanceChangesQuery,
  UpdateTemplateCommand,
  validatePayload,
  type ClassType,
  type Status,
} from '@imagestreams/contracts';
import { openServiceDataSource, pruneWatchLog } from '@imagestreams/platform-persistence';
import { testDatabaseUrl } from '@imagestreams/testing';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { TEMPLATE_MIGRATIONS } from '../migrations';
import type { OwnerObjects } from '../template-instances/owner-objects';
import { TemplateInstanceChangesRequests } from '../template-instances/template-instance-changes.requests';
import { TemplateInstanceRepository } from '../template-instances/template-instance.repository';
import { TemplateInstancesRequests } from '../template-instances/template-instances.requests';
import { TemplateChangesRequests } from '../templates/template-changes.requests';
import { TemplateRepository } from '../templates/template.repository';
import { TemplatesRequests } from '../templates/templates.requests';
import { ChangeNotifier } from './change-notifier';
import { ResourceChangesReader } from './resource-changes.reader';
import { WatchLogRepository } from './watch-log.repository';
import { recordingNotifier } from './wake-ups.fixture';

/**
 * The change log of templates and template instances against real Postgres (a fresh schema, the
 * service's migrations): what a watch resuming after a resourceVersion hears, label selection on
 * lists and watches, expiry beyond the retention horizon, and the wake-ups sent after commits.
 */
describe('template change log and label selection (Postgres)', () => {
  const schema = `template_watch_int_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let dataSource: DataSource;
  let published: ReturnType<typeof recordingNotifier>['published'];
  let log: WatchLogRepository;
  let templates: TemplateRepository;
  let templateRequests: TemplatesRequests;
  let templateChanges: TemplateChangesRequests;
  let instanceRequests: TemplateInstancesRequests;
  let instanceChanges: TemplateInstanceChangesRequests;

  beforeAll(async () => {
    dataSource = await openServiceDataSource({
      url: testDatabaseUrl(),
      schema,
      entities: [],
      migrations: TEMPLATE_MIGRATIONS,
      poolSize: 4,
    });
    const recording = recordingNotifier();
    published = recording.published;
    log = new WatchLogRepository(dataSource);
    const reader = new ResourceChangesReader(log);
    templates = new TemplateRepository(dataSource, recording.notifier);
    const instances = new TemplateInstanceRepository(dataSource, recording.notifier);
    templateRequests = new TemplatesRequests(templates);
    templateChanges = new TemplateChangesRequests(reader, templates);
    // Only objects template-service stores itself are instantiated here: no owner is asked.
    instanceRequests = new TemplateInstancesRequests(instances, {} as OwnerObjects);
    instanceChanges = new TemplateInstanceChangesRequests(reader, instances);
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

  const template = (name: string, labels: Record<string, string> = {}, message = 'v1') => ({ metadata: { name, labels }, objects: [], message });
  const createTemplate = (namespace: string, name: string, labels?: Record<string, string>) =>
    templateRequests.create(valid(CreateTemplateCommand, { namespace, template: template(name, labels) }));
  const updateTemplate = (namespace: string, name: string, message: string, labels?: Record<string, string>) =>
    templateRequests.update(valid(UpdateTemplateCommand, { namespace, name, template: template(name, labels, message) }));
  const templatesChanged = (query: Record<string, unknown>) => templateChanges.changes(valid(TemplateChangesQuery, query));
  const listTemplates = (query: Record<string, unknown>) => templateRequests.list(valid(ListTemplatesRequest, query));

  const createInstance = (namespace: string, name: string, labels: Record<string, string> = {}) =>
    instanceRequests.create(
      valid(CreateTemplateInstanceCommand, {
        namespace,
        templateInstance: { metadata: { name, labels }, spec: { template: { metadata: { name: 't' }, objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${name}-config` } }] } } },
      }),
    );
  const instancesChanged = (query: Record<string, unknown>) => instanceChanges.changes(valid(TemplateInstanceChangesQuery, query));
  const listInstances = (query: Record<string, unknown>) => instanceRequests.list(valid(ListTemplateInstancesRequest, query));

  const summary = (events: { type: string; object: { metadata: { name: string } } }[]) => events.map((event) => [event.type, event.object.metadata.name]);

  describe('templates: the changes after a resourceVersion', () => {
    const namespace = 'changes';
    let before: string;
    let middle: string;
    let deletedLast: Awaited<ReturnType<typeof createTemplate>>;

    beforeAll(async () => {
      before = await templates.listResourceVersion();
      await createTemplate(namespace, 'kept');
      await createTemplate(namespace, 'doomed');
      middle = await templates.listResourceVersion();
      await updateTemplate(namespace, 'kept', 'v2');
      deletedLast = await updateTemplate(namespace, 'doomed', 'last words');
      await updateTemplate(namespace, 'kept', 'v3');
      await createTemplate(namespace, 'late');
      await templateRequests.delete({ namespace, name: 'doomed' });
      await createTemplate(namespace, 'brief');
      await templateRequests.delete({ namespace, name: 'brief' });
    });

    it('folds each template into one event at its newest change: MODIFIED with the current state, ADDED when new since, DELETED with the last state', async () => {
      const changes = await templatesChanged({ namespace, sinceResourceVersion: middle });

      // `brief` was created and deleted within the window: the watcher never saw it, so it hears nothing.
      expect(summary(changes.events)).toEqual([
        ['MODIFIED', 'kept'],
        ['ADDED', 'late'],
        ['DELETED', 'doomed'],
      ]);
      expect(changes.events[0].object.message).toBe('v3');
      const deleted = changes.events[2].object;
      expect(deleted).toMatchObject({ kind: 'Template', message: 'last words', metadata: { name: 'doomed', namespace, uid: deletedLast.metadata.uid, creationTimestamp: deletedLast.metadata.creationTimestamp } });
      // Stamped with the deletion's own resourceVersion, the newest in the window.
      expect(BigInt(deleted.metadata.resourceVersion)).toBeGreaterThan(BigInt(deletedLast.metadata.resourceVersion));
      // Past the window's last entry (to the settled position), so the next read starts after it.
      expect(BigInt(changes.resourceVersion)).toBeGreaterThanOrEqual(BigInt((await log.settledSince('Template', middle, namespace)).entries.at(-1)?.resource_version ?? Infinity));
      expect((await templatesChanged({ namespace, sinceResourceVersion: changes.resourceVersion })).events).toEqual([]);
    });

    it('answers a template created within the window as ADDED even when it changed since, and ends where the log ends', async () => {
      const changes = await templatesChanged({ namespace, sinceResourceVersion: before });

      expect(summary(changes.events)).toEqual([
        ['ADDED', 'kept'],
        ['ADDED', 'late'],
      ]);
      const again = await templatesChanged({ namespace, sinceResourceVersion: changes.resourceVersion });
      expect(again).toEqual({ resourceVersion: changes.resourceVersion, events: [] });
    });

    it('reads one namespace, or every namespace without one', async () => {
      const from = await templates.listResourceVersion();
      await createTemplate('changes-a', 'web');
      await createTemplate('changes-b', 'web');

      expect((await templatesChanged({ namespace: 'changes-a', sinceResourceVersion: from })).events.map((event) => event.object.metadata.namespace)).toEqual(['changes-a']);
      expect((await templatesChanged({ sinceResourceVersion: from })).events.map((event) => event.object.metadata.namespace)).toEqual(['changes-a', 'changes-b']);
    });

    it('filters by label selector, a deleted template by its last labels', async () => {
      const from = await templates.listResourceVersion();
      await createTemplate('changes-labels', 'front', { app: 'web' });
      await createTemplate('changes-labels', 'db', { app: 'db' });
      await createTemplate('changes-labels', 'gone', { app: 'web' });
      const seen = await templates.listResourceVersion();
      await templateRequests.delete({ namespace: 'changes-labels', name: 'gone' });

      expect(summary((await templatesChanged({ namespace: 'changes-labels', sinceResourceVersion: from, labelSelector: 'app=web' })).events)).toEqual([['ADDED', 'front']]);
      expect(summary((await templatesChanged({ namespace: 'changes-labels', sinceResourceVersion: seen, labelSelector: 'app in (web)' })).events)).toEqual([['DELETED', 'gone']]);
      expect(summary((await templatesChanged({ namespace: 'changes-labels', sinceResourceVersion: seen, labelSelector: 'app=db' })).events)).toEqual([]);
    });

    it('refuses a resourceVersion that is not a number and a selector that does not parse with 400', async () => {
      expect(await statusOf(templatesChanged({ sinceResourceVersion: 'abc' }))).toMatchObject({ code: 400, reason: 'BadRequest', message: 'invalid resourceVersion "abc"' });
      expect(await statusOf(templatesChanged({ sinceResourceVersion: '0', labelSelector: 'app in (' }))).toMatchObject({ code: 400, reason: 'BadRequest', message: expect.stringMatching(/^unable to parse requirement: /) });
    });
  });

  describe('template instances: the changes after a resourceVersion', () => {
    it('answers an instance created since as one ADDED in its final state, and its deletion as DELETED', async () => {
      const from = await templates.listResourceVersion();
      const created = await createInstance('instances', 'app', { team: 'a' });
      await createInstance('instances', 'other', { team: 'b' });

      const added = await instancesChanged({ namespace: 'instances', sinceResourceVersion: from });
      expect(summary(added.events)).toEqual([
        ['ADDED', 'app'],
        ['ADDED', 'other'],
      ]);
      // Instantiation wrote the row twice (Instantiating, then Ready): the watcher hears the outcome.
      expect(added.events[0].object).toEqual(created.templateInstance);
      expect(added.events[0].object.status.conditions.map((condition) => [condition.type, condition.status])).toEqual([['Ready', 'True']]);
      // Templates and instances share the sequence, not the log.
      expect((await templatesChanged({ namespace: 'instances', sinceResourceVersion: from })).events).toEqual([]);

      await instanceRequests.delete({ namespace: 'instances', name: 'app' });
      const deleted = await instancesChanged({ namespace: 'instances', sinceResourceVersion: added.resourceVersion, labelSelector: 'team=a' });
      expect(summary(deleted.events)).toEqual([['DELETED', 'app']]);
      expect(deleted.events[0].object).toMatchObject({ kind: 'TemplateInstance', metadata: { uid: created.templateInstance.metadata.uid, labels: { team: 'a' } }, status: created.templateInstance.status });
    });
  });

  describe('lists with a label selector', () => {
    beforeAll(async () => {
      for (const [name, labels] of [
        ['a', { app: 'web', tier: 'front' }],
        ['b', { app: 'web', tier: 'back' }],
        ['c', { app: 'db' }],
        ['d', { app: 'web' }],
        ['e', {}],
      ] as const) {
        await createTemplate('selected', name, labels);
        await createInstance('selected', name, labels);
      }
    });

    it.each([
      ['app=web', ['a', 'b', 'd']],
      ['app=web,tier!=back', ['a', 'd']],
      ['app in (db, web), !tier', ['c', 'd']],
      ['tier', ['a', 'b']],
      ['app notin (web)', ['c', 'e']],
      ['', ['a', 'b', 'c', 'd', 'e']],
    ])('%j selects %j of templates and of instances', async (labelSelector, expected) => {
      expect((await listTemplates({ namespace: 'selected', labelSelector })).items.map((item) => item.metadata.name)).toEqual(expected);
      expect((await listInstances({ namespace: 'selected', labelSelector })).items.map((item) => item.metadata.name)).toEqual(expected);
    });

    it('selects before paging, so every page is full', async () => {
      const first = await listTemplates({ namespace: 'selected', labelSelector: 'app=web', limit: 2 });
      const second = await listTemplates({ namespace: 'selected', labelSelector: 'app=web', limit: 2, continue: first.metadata.continue });

      expect(first.items.map((item) => item.metadata.name)).toEqual(['a', 'b']);
      expect(second.items.map((item) => item.metadata.name)).toEqual(['d']);
      expect(second.metadata.continue).toBeUndefined();
    });

    it('refuses a selector that does not parse with 400', async () => {
      for (const work of [listTemplates({ labelSelector: 'app in (' }), listInstances({ labelSelector: '=web' })]) {
        expect(await statusOf(work)).toMatchObject({ code: 400, reason: 'BadRequest', message: expect.stringMatching(/^unable to parse requirement: /) });
      }
    });
  });

  describe('wake-ups', () => {
    it('wakes the namespace watchers of the kind that changed after each committed write, and not for a refused one', async () => {
      published.length = 0;
      await createTemplate('woken', 'web');
      await updateTemplate('woken', 'web', 'v2');
      await templateRequests.delete({ namespace: 'woken', name: 'web' });
      await createInstance('woken', 'app');
      await instanceRequests.delete({ namespace: 'woken', name: 'app' });
      expect(published).toEqual([
        { subject: wakeUpSubject(NotificationSubjects.templatesChanged, 'woken'), namespace: 'woken' },
        { subject: wakeUpSubject(NotificationSubjects.templatesChanged, 'woken'), namespace: 'woken' },
        { subject: wakeUpSubject(NotificationSubjects.templatesChanged, 'woken'), namespace: 'woken' },
        // The instance's row is written twice on create (Instantiating, then its outcome).
        { subject: wakeUpSubject(NotificationSubjects.templateInstancesChanged, 'woken'), namespace: 'woken' },
        { subject: wakeUpSubject(NotificationSubjects.templateInstancesChanged, 'woken'), namespace: 'woken' },
        { subject: wakeUpSubject(NotificationSubjects.templateInstancesChanged, 'woken'), namespace: 'woken' },
      ]);

      published.length = 0;
      expect(await statusOf(updateTemplate('woken', 'missing', 'v2'))).toMatchObject({ code: 404 });
      expect(await statusOf(createTemplate('woken-twice', 'web').then(() => createTemplate('woken-twice', 'web')))).toMatchObject({ code: 409 });
      expect(published).toEqual([{ subject: wakeUpSubject(NotificationSubjects.templatesChanged, 'woken-twice'), namespace: 'woken-twice' }]);
    });

    it('wakes watchers of a transactional write only once its change log entry is visible to them', async () => {
      const visibleAtWakeUp: Promise<number>[] = [];
      const connection = {
        isClosed: () => false,
        // Another pooled connection: it sees only what has committed.
        publish: () => visibleAtWakeUp.push(dataSource.query(`SELECT count(*)::int AS n FROM watch_log WHERE namespace = 'visible'`).then((rows: { n: number }[]) => rows[0].n)),
      };
      const repository = new TemplateRepository(dataSource, new ChangeNotifier(connection as unknown as NatsConnection));
      const handlers = new TemplatesRequests(repository);
      await handlers.create(valid(CreateTemplateCommand, { namespace: 'visible', template: template('web') }));
      await handlers.update(valid(UpdateTemplateCommand, { namespace: 'visible', name: 'web', template: template('web', {}, 'v2') }));

      expect(await Promise.all(visibleAtWakeUp)).toEqual([1, 2]);
    });
  });

  describe('retention', () => {
    it('answers a resourceVersion older than the pruned part of the log with 410 Expired, and a newer one with its changes', async () => {
      await createTemplate('retention', 'old');
      const pruned = await templates.listResourceVersion();
      await pruneWatchLog(dataSource, 0);
      await createTemplate('retention', 'new');

      expect(await statusOf(templatesChanged({ namespace: 'retention', sinceResourceVersion: String(BigInt(pruned) - 1n) }))).toMatchObject({
        code: 410,
        reason: 'Expired',
        message: `too old resource version: ${BigInt(pruned) - 1n}`,
      });
      expect(await statusOf(instancesChanged({ sinceResourceVersion: '0' }))).toMatchObject({ code: 410 });
      expect(summary((await templatesChanged({ namespace: 'retention', sinceResourceVersion: pruned })).events)).toEqual([['ADDED', 'new']]);
    });
  });

  describe('writes committing out of order', () => {
    it('holds a watcher below a write still in flight, then delivers it and the later write in order', async () => {
      const namespace = 'out-of-order';
      const slow = await createTemplate(namespace, 'slow');
      const since = await templates.listResourceVersion();

      const inFlight = dataSource.createQueryRunner();
      await inFlight.connect();
      await inFlight.startTransaction();
      try {
        // An update of `slow` has taken its resourceVersion and logged itself, but not committed...
        await inFlight.query(
          `WITH written AS (UPDATE templates SET resource_version = next_resource_version() WHERE uid = $1 RETURNING *)
           INSERT INTO watch_log (resource_version, kind, namespace, name, uid, type, labels) SELECT resource_version, 'Template', namespace, name, uid, 'MODIFIED', labels FROM written`,
          [slow.metadata.uid],
        );
        // ...when a later change commits.
        await createTemplate(namespace, 'fast');

        expect(await templatesChanged({ namespace, sinceResourceVersion: since })).toEqual({ resourceVersion: since, events: [] });
        await inFlight.commitTransaction();
      } finally {
        if (inFlight.isTransactionActive) await inFlight.rollbackTransaction();
        await inFlight.release();
      }

      const late = await templatesChanged({ namespace, sinceResourceVersion: since });
      expect(summary(late.events)).toEqual([
        ['MODIFIED', 'slow'],
        ['ADDED', 'fast'],
      ]);
      expect((await templatesChanged({ namespace, sinceResourceVersion: late.resourceVersion })).events).toEqual([]);
    });
  });
});
