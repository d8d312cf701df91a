import { randomUUID } from 'node:crypto';
import {
  CreateTemplateCommand,
  CreateTemplateInstanceCommand,
  createCloudEvent,
  ListTemplatesRequest,
  NamespaceDeleted,
  NotificationSubjects,
  validatePayload,
  wakeUpSubject,
  type ClassType,
  type CloudEvent,
  type NamespaceDeletedV1,
} from '@imagestreams/contracts';
import { CLOCK_TIMESTAMP_RFC3339, openServiceDataSource } from '@imagestreams/platform-persistence';
import { testDatabaseUrl } from '@imagestreams/testing';
import type { DataSource } from 'typeorm';
import { TEMPLATE_MIGRATIONS } from '../migrations';
import type { SamplesReconciler } from '../samples/samples.reconciler';
import type { PlannedObject } from '../template-instances/instance-objects';
import type { OwnerObjects } from '../template-instances/owner-objects';
import { TemplateInstanceRepository } from '../template-instances/template-instance.repository';
import { TemplateInstancesRequests } from '../template-instances/template-instances.requests';
import { TemplateRepository } from '../templates/template.repository';
import { TemplatesRequests } from '../templates/templates.requests';
import { recordingNotifier } from '../watch/wake-ups.fixture';
import { WatchLogRepository } from '../watch/watch-log.repository';
import { DeleteNamespaceContents } from './delete-namespace-contents';
import { NamespaceDeletionsListener } from './namespace-deletions.listener';

/** What stream-service stamps a deletion with: Postgres' clock, in microseconds. */
const NOW_SQL = `SELECT ${CLOCK_TIMESTAMP_RFC3339} AS now`;

function valid<T extends object>(cls: ClassType<T>, payload: unknown): T {
  const result = validatePayload(cls, payload);
  if (!result.ok) throw new Error(JSON.stringify(result.causes));
  return result.value;
}

/**
 * `namespace.deleted` in template-service against real Postgres (a fresh schema, the service's
 * migrations), through its listener: templates, instances and their stored objects go, each
 * announced to watchers as DELETED; objects owned by other services are left to them (they hear of
 * the deletion themselves); other namespaces and a namespace re-created after the deletion keep
 * theirs; a deleted samples namespace is reconciled at once.
 */
describe('namespace.deleted in template-service (Postgres)', () => {
  const schema = `template_nsdel_int_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let dataSource: DataSource;
  let recording: ReturnType<typeof recordingNotifier>;
  let templates: TemplatesRequests;
  let instances: TemplateInstancesRequests;
  let watchLog: WatchLogRepository;
  let listener: NamespaceDeletionsListener;
  const ownerCalls: string[] = [];
  const reconciledAfterDeletionOf: string[] = [];

  /** Other services' objects: created (a uid), never deleted from here. */
  const owners = {
    create: async (object: PlannedObject) => (ownerCalls.push(`create ${object.kind}/${object.name}`), randomUUID()),
    delete: async (object: PlannedObject) => void ownerCalls.push(`delete ${object.kind}/${object.name}`),
    deleteIfCreated: async (object: PlannedObject) => void ownerCalls.push(`delete ${object.kind}/${object.name}`),
  } as unknown as OwnerObjects;

  beforeAll(async () => {
    dataSource = await openServiceDataSource({
      url: testDatabaseUrl(),
      schema,
      entities: [],
      migrations: TEMPLATE_MIGRATIONS,
      poolSize: 4,
    });
    recording = recordingNotifier();
    const templateRepository = new TemplateRepository(dataSource, recording.notifier);
    const instanceRepository = new TemplateInstanceRepository(dataSource, recording.notifier);
    templates = new TemplatesRequests(templateRepository);
    instances = new TemplateInstancesRequests(instanceRepository, owners);
    watchLog = new WatchLogRepository(dataSource);
    const samples = { namespaceDeleted: (namespace: string) => reconciledAfterDeletionOf.push(namespace) } as unknown as SamplesReconciler;
    listener = new NamespaceDeletionsListener(new DeleteNamespaceContents(templateRepository, instanceRepository, samples));
  });

  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  /** Two templates, and an instance with a stored Service and an ImageStream owned by stream-service. */
  async function contents(namespace: string): Promise<void> {
    for (const name of ['web', 'db']) {
      await templates.create(valid(CreateTemplateCommand, { namespace, template: { apiVersion: 'template.openshift.io/v1', kind: 'Template', metadata: { name }, objects: [] } }));
    }
    const objects = [
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'svc' }, spec: { ports: [{ port: 80 }] } },
      { apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', metadata: { name: 'is' } },
    ];
    const created = await instances.create(valid(CreateTemplateInstanceCommand, { namespace, templateInstance: { metadata: { name: 'app' }, spec: { template: { metadata: { name: 't' }, objects } } } }));
    expect(created.templateInstance.status.conditions[0]).toMatchObject({ type: 'Ready', status: 'True' });
  }

  async function counts(namespace: string): Promise<Record<string, number>> {
    const [row] = await dataSource.query<Record<string, number>[]>(
      `SELECT (SELECT count(*)::int FROM templates WHERE namespace = $1) AS templates,
              (SELECT count(*)::int FROM template_instances WHERE namespace = $1) AS instances,
              (SELECT count(*)::int FROM template_instance_objects WHERE namespace = $1) AS objects`,
      [namespace],
    );
    return row;
  }

  const everything = { templates: 2, instances: 1, objects: 2 };
  const nothing = { templates: 0, instances: 0, objects: 0 };

  async function deletion(namespace: string): Promise<CloudEvent<NamespaceDeletedV1>> {
    const [{ now }] = await dataSource.query<{ now: string }[]>(NOW_SQL);
    return { ...createCloudEvent({ type: NamespaceDeleted.type, source: '/test', subject: `namespaces/${namespace}`, data: { namespace, actor: 'alice', resourceVersion: '1' } }), time: now };
  }

  it('deletes templates, instances and stored objects, tells watchers (DELETED with the last state), and asks no other owner', async () => {
    await contents('doomed');
    await contents('bystander');
    const before = await templates.list(valid(ListTemplatesRequest, { namespace: 'doomed' }));
    ownerCalls.length = 0;
    recording.published.length = 0;

    await listener.onNamespaceDeleted(await deletion('doomed'));

    expect(await counts('doomed')).toEqual(nothing);
    expect(await counts('bystander')).toEqual(everything);
    expect(ownerCalls).toEqual([]);
    const since = before.metadata.resourceVersion as string;
    const { entries: templateEntries } = await watchLog.settledSince('Template', since, 'doomed');
    expect(templateEntries.map((entry) => [entry.type, entry.name]).sort()).toEqual([
      ['DELETED', 'db'],
      ['DELETED', 'web'],
    ]);
    expect(templateEntries.every((entry) => entry.last_row !== null)).toBe(true);
    expect((await watchLog.settledSince('TemplateInstance', since, 'doomed')).entries.map((entry) => [entry.type, entry.name])).toEqual([['DELETED', 'app']]);
    expect(recording.published).toEqual(
      expect.arrayContaining([
        { subject: wakeUpSubject(NotificationSubjects.templatesChanged, 'doomed'), namespace: 'doomed' },
        { subject: wakeUpSubject(NotificationSubjects.templateInstancesChanged, 'doomed'), namespace: 'doomed' },
      ]),
    );
  });

  it('is harmless when it comes again, also after the namespace was re-created and filled', async () => {
    await contents('reborn');
    const event = await deletion('reborn');
    await listener.onNamespaceDeleted(event);
    await listener.onNamespaceDeleted(event);
    expect(await counts('reborn')).toEqual(nothing);

    await contents('reborn');
    await listener.onNamespaceDeleted(event);

    expect(await counts('reborn')).toEqual(everything);
  });

  it('has the samples reconciler told of every deleted namespace (it acts on its own)', async () => {
    reconciledAfterDeletionOf.length = 0;
    await listener.onNamespaceDeleted(await deletion('openshift'));
    await listener.onNamespaceDeleted(await deletion('team-a'));
    expect(reconciledAfterDeletionOf).toEqual(['openshift', 'team-a']);
  });
});
