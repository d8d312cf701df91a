import { randomUUID } from 'node:crypto';
import {
  CreateTemplateInstanceCommand,
  Statuses,
  StatusError,
  TEMPLATE_INSTANCE_OWNER_LABEL,
  validatePayload,
  type Status,
  type TemplateInstanceObjectList,
} from '@imagestreams/contracts';
import { openServiceDataSource } from '@imagestreams/platform-persistence';
import type { RawJson } from '@imagestreams/platform-messaging';
import { testDatabaseUrl } from '@imagestreams/testing';
import type { DataSource } from 'typeorm';
import { TEMPLATE_MIGRATIONS } from '../migrations';
import { recordingNotifier } from '../watch/wake-ups.fixture';
import type { PlannedObject } from './instance-objects';
import type { OwnerObjects, RemoteObject, RemoteObjectKey } from './owner-objects';
import { TemplateInstanceRepository } from './template-instance.repository';
import { TemplateInstancesRequests } from './template-instances.requests';

/** The other services' objects, in memory: what OwnerObjects would create, read and delete over NATS. */
class FakeOwners {
  readonly objects = new Map<string, RemoteObject>();
  readonly deleted: string[] = [];
  failCreate = new Set<string>();
  failDelete = new Set<string>();
  createDelayMs = 0;

  static key(object: RemoteObjectKey): string {
    return `${object.kind}/${object.namespace}/${object.name}`;
  }

  async create(object: PlannedObject): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, this.createDelayMs));
    const key = FakeOwners.key(object);
    if (this.failCreate.has(object.name) || this.objects.has(key)) throw new StatusError(Statuses.alreadyExists({ resource: 'things', group: '', kind: object.kind }, object.name));
    const uid = randomUUID();
    this.objects.set(key, { ...(object.object as Record<string, unknown>), metadata: { ...(object.object['metadata'] as object), uid } });
    return uid;
  }

  async delete(object: RemoteObjectKey): Promise<void> {
    if (this.failDelete.has(object.name)) throw new StatusError(Statuses.serviceUnavailable('owner down'));
    this.deleted.push(object.name);
    this.objects.delete(FakeOwners.key(object));
  }

  async deleteIfCreated(object: PlannedObject): Promise<void> {
    const found = this.objects.get(FakeOwners.key(object));
    const owner = (object.object['metadata'] as { labels: Record<string, string> }).labels[TEMPLATE_INSTANCE_OWNER_LABEL];
    if (found?.metadata.labels?.[TEMPLATE_INSTANCE_OWNER_LABEL] === owner) await this.delete(object);
  }

  async read(object: RemoteObjectKey): Promise<RemoteObject | null> {
    return this.objects.get(FakeOwners.key(object)) ?? null;
  }
}

/**
 * The TemplateInstance handlers against real Postgres (a fresh schema, the service's migrations),
 * with the other services' objects faked: creation, rollback, idempotent repeats racing, and
 * deletion of an instance whose instantiation stopped half-way.
 */
describe('TemplateInstancesRequests (Postgres)', () => {
  const schema = `template_inst_int_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let dataSource: DataSource;
  let repository: TemplateInstanceRepository;
  let owners: FakeOwners;
  let handlers: TemplateInstancesRequests;

  beforeAll(async () => {
    dataSource = await openServiceDataSource({
      url: testDatabaseUrl(),
      schema,
      entities: [],
      migrations: TEMPLATE_MIGRATIONS,
      poolSize: 8,
    });
    repository = new TemplateInstanceRepository(dataSource, recordingNotifier().notifier);
  });

  beforeEach(() => {
    owners = new FakeOwners();
    handlers = new TemplateInstancesRequests(repository, owners as unknown as OwnerObjects);
  });

  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  async function statusOf(work: Promise<unknown>): Promise<Status> {
    try {
      await work;
    } catch (error) {
      if (error instanceof StatusError) return error.status;
      throw error;
    }
    throw new Error('expected a StatusError');
  }

  function create(namespace: string, name: string, objects: Record<string, unknown>[], parameters?: Record<string, string>) {
    const payload = { namespace, templateInstance: { metadata: { name }, spec: { template: { metadata: { name: 't' }, objects, parameters: [{ name: 'N', value: 'n' }] }, ...(parameters ? { parameters } : {}) } } };
    const checked = validatePayload(CreateTemplateInstanceCommand, payload);
    if (!checked.ok) throw new Error(JSON.stringify(checked.causes));
    return handlers.create(checked.value);
  }

  const objects = (namespace: string, name: string) => handlers.listObjects({ namespace, name }).then((raw: RawJson) => JSON.parse(raw.bytes.toString()) as TemplateInstanceObjectList);
  const stream = (name: string) => ({ apiVersion: 'image.openshift.io/v1', kind: 'ImageStream', metadata: { name } });
  const config = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { big: '${{N}}' } });
  const bc = (name: string) => ({ apiVersion: 'build.openshift.io/v1', kind: 'BuildConfig', metadata: { name } });

  it('creates every object, stores its own in full (big integers exact), and records the uids', async () => {
    const answer = await create('ok', 'app', [config('cm'), stream('is'), bc('bc')], { N: '123456789012345678901' });

    expect(answer.created).toBe(true);
    expect(answer.templateInstance.status.conditions.map((condition) => [condition.type, condition.status])).toEqual([['Ready', 'True']]);
    const listed = await objects('ok', 'app');
    expect(listed.items.map((item) => [item.kind, item.owner, item.uid])).toEqual(answer.templateInstance.status.objects.map(({ ref }, index) => [ref.kind, ['template-service', 'stream-service', 'trigger-dispatcher'][index], ref.uid]));
    const raw = (await handlers.getObject({ namespace: 'ok', name: 'app', kind: 'ConfigMap', objectName: 'cm' })).bytes.toString();
    expect(raw).toContain('"big":123456789012345678901');
    expect(JSON.parse(raw)).toMatchObject({ metadata: { name: 'cm', namespace: 'ok', labels: { [TEMPLATE_INSTANCE_OWNER_LABEL]: answer.templateInstance.metadata.uid } } });
  });

  it('rolls back on failure and keeps the instance with InstantiateFailure and no object rows', async () => {
    owners.failCreate.add('bc');
    const answer = await create('fail', 'app', [config('cm'), stream('is'), bc('bc')]);

    const failure = answer.templateInstance.status.conditions.find((condition) => condition.type === 'InstantiateFailure');
    expect(failure?.message).toBe('BuildConfig "bc": things "bc" already exists');
    expect(owners.objects.size).toBe(0);
    expect((await objects('fail', 'app')).items).toEqual([]);
    expect(await dataSource.query(`SELECT count(*)::int AS n FROM "${schema}".template_instance_objects o JOIN "${schema}".template_instances i ON i.uid = o.instance_uid WHERE i.namespace = 'fail'`)).toEqual([{ n: 0 }]);
    // The stored ConfigMap was rolled back: another instance can have it.
    owners.failCreate.clear();
    expect((await create('fail', 'other', [config('cm')])).templateInstance.status.conditions[0]).toMatchObject({ type: 'Ready', status: 'True' });
  });

  it('answers concurrent identical creates with one instance, one instantiation', async () => {
    owners.createDelayMs = 30;
    const [a, b] = await Promise.all([create('race', 'app', [stream('is')]), create('race', 'app', [stream('is')])]);

    expect([a.created, b.created].sort()).toEqual([false, true]);
    expect(a.templateInstance.metadata.uid).toBe(b.templateInstance.metadata.uid);
    expect(owners.objects.size).toBe(1);
    expect((await statusOf(create('race', 'app', [stream('other')]))).reason).toBe('AlreadyExists');
  });

  it('deletes a created instance’s objects, and leaves an object someone else made since with the same name', async () => {
    const answer = await create('del', 'app', [stream('mine'), stream('replaced'), config('cm')]);
    const replaced = [...owners.objects.entries()].find(([key]) => key.endsWith('/replaced')) as [string, RemoteObject];
    owners.objects.set(replaced[0], { ...replaced[1], metadata: { ...replaced[1].metadata, uid: randomUUID() } });

    const status = await handlers.delete({ namespace: 'del', name: 'app' });
    expect(status).toMatchObject({ status: 'Success', details: { name: 'app', uid: answer.templateInstance.metadata.uid } });
    expect(owners.deleted).toEqual(['mine']);
    expect([...owners.objects.keys()]).toEqual(['ImageStream/del/replaced']);
    expect((await statusOf(handlers.get({ namespace: 'del', name: 'app' }))).code).toBe(404);
  });

  it('keeps the instance when an owner fails to delete, and finishes on the next delete', async () => {
    await create('retry', 'app', [stream('a'), stream('b')]);
    owners.failDelete.add('b');

    const failed = await statusOf(handlers.delete({ namespace: 'retry', name: 'app' }));
    expect(failed).toMatchObject({ code: 503, message: 'deleting ImageStream "b" of TemplateInstance "app" failed: owner down' });
    expect((await handlers.get({ namespace: 'retry', name: 'app' })).metadata.name).toBe('app');

    owners.failDelete.clear();
    expect((await handlers.delete({ namespace: 'retry', name: 'app' })).status).toBe('Success');
    expect(owners.objects.size).toBe(0);
  });

  it('deletes the objects of an instantiation that stopped half-way only when they carry its owner label', async () => {
    const uid = randomUUID();
    const planned = (name: string, position: number) => ({ position, owner: 'stream-service' as const, apiVersion: 'image.openshift.io/v1', apiGroup: 'image.openshift.io', kind: 'ImageStream', namespace: 'crash', name });
    await repository.insertPlanned(
      { uid, namespace: 'crash', name: 'app', labels: {}, body: JSON.stringify({ metadata: { name: 'app' }, spec: { template: {} } }), specDigest: 'x', status: { conditions: [], objects: [] } },
      [planned('made', 0), planned('foreign', 1), planned('never', 2)],
    );
    owners.objects.set('ImageStream/crash/made', { metadata: { uid: randomUUID(), labels: { [TEMPLATE_INSTANCE_OWNER_LABEL]: uid } } });
    owners.objects.set('ImageStream/crash/foreign', { metadata: { uid: randomUUID(), labels: {} } });

    await handlers.delete({ namespace: 'crash', name: 'app' });
    expect(owners.deleted).toEqual(['made']);
    expect([...owners.objects.keys()]).toEqual(['ImageStream/crash/foreign']);
  });
});
