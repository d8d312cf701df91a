import { randomUUID } from 'node:crypto';
import {
  PatchSamplesConfigCommand,
  SAMPLES_MANAGED_LABEL,
  SAMPLES_VERSION_ANNOTATION,
  StatusError,
  UpdateSamplesConfigCommand,
  validatePayload,
  type ClassType,
  type SamplesConfig,
  type Status,
} from '@imagestreams/contracts';
import { openServiceDataSource } from '@imagestreams/platform-persistence';
import { testDatabaseUrl } from '@imagestreams/testing';
import type { NatsConnection } from 'nats';
import type { DataSource } from 'typeorm';
import { TEMPLATE_MIGRATIONS } from '../migrations';
import { storedTemplate } from '../templates/template-body';
import { TemplateRepository } from '../templates/template.repository';
import { recordingNotifier } from '../watch/wake-ups.fixture';
import { SAMPLES_CATALOG } from './catalog';
import type { SampleImageStreams } from './sample-image-streams';
import { SampleTemplates } from './sample-templates';
import { SamplesConfigRepository } from './samples-config.repository';
import { SamplesConfigsRequests } from './samples-config.requests';
import type { DesiredImageStream, ExistingImageStream } from './samples-plan';
import type { SamplesSettings } from './samples-settings';
import { SamplesReconciler } from './samples.reconciler';

const SETTINGS: SamplesSettings = { enabled: true, namespace: 'openshift', intervalMs: 600_000, defaultArchitecture: 'x86_64' };
const STREAM_NAMES = SAMPLES_CATALOG.imageStreams.map((stream) => stream.metadata.name);
const TEMPLATE_NAMES = SAMPLES_CATALOG.templates.map((template) => template.metadata.name);

/** stream-service as the reconciler sees it: streams stored with its defaults, a resourceVersion per write. */
class FakeImageStreams implements SampleImageStreams {
  namespaces = new Set<string>();
  streams = new Map<string, ExistingImageStream & { resourceVersion: number }>();
  writes = 0;
  private version = 0;

  async namespaceExists(namespace: string): Promise<boolean> {
    return this.namespaces.has(namespace);
  }
  async ensureNamespace(namespace: string): Promise<void> {
    this.namespaces.add(namespace);
  }
  async list(): Promise<ExistingImageStream[]> {
    return [...this.streams.values()].map((stream) => JSON.parse(JSON.stringify(stream)) as ExistingImageStream);
  }
  private store(body: DesiredImageStream): void {
    this.writes++;
    this.streams.set(body.metadata.name, {
      name: body.metadata.name,
      labels: { ...body.metadata.labels },
      annotations: { ...body.metadata.annotations },
      spec: {
        ...body.spec,
        tags: body.spec.tags.map((tag) => ({ ...tag, generation: tag.generation ?? 1, importPolicy: { importMode: 'Legacy', ...tag.importPolicy } })),
      },
      resourceVersion: ++this.version,
    });
  }
  async create(_namespace: string, body: DesiredImageStream): Promise<boolean> {
    if (this.streams.has(body.metadata.name)) return false;
    this.store(body);
    return true;
  }
  async update(_namespace: string, body: DesiredImageStream): Promise<boolean> {
    if (!this.streams.has(body.metadata.name)) return false;
    this.store(body);
    return true;
  }
  async unmanage(_namespace: string, name: string): Promise<void> {
    const stream = this.streams.get(name);
    if (!stream) return;
    this.writes++;
    stream.labels[SAMPLES_MANAGED_LABEL] = 'false';
    stream.resourceVersion = ++this.version;
  }
  async delete(_namespace: string, name: string): Promise<void> {
    this.writes++;
    this.streams.delete(name);
  }
  versions(): Record<string, number> {
    return Object.fromEntries([...this.streams.values()].map((stream) => [stream.name, stream.resourceVersion]));
  }
}

interface Replica {
  dataSource: DataSource;
  reconciler: SamplesReconciler;
  configs: SamplesConfigRepository;
  templates: TemplateRepository;
}

/**
 * The samples operator against real Postgres (a fresh schema per case, the service's migrations)
 * and an in-memory stream-service.
 */
describe('SamplesReconciler (Postgres)', () => {
  const opened: { dataSource: DataSource; schema: string }[] = [];

  async function replica(schema: string, imageStreams: SampleImageStreams): Promise<Replica> {
    const dataSource = await openServiceDataSource({
      url: testDatabaseUrl(),
      schema,
      entities: [],
      migrations: TEMPLATE_MIGRATIONS,
      poolSize: 4,
    });
    opened.push({ dataSource, schema });
    const configs = new SamplesConfigRepository(dataSource);
    const templates = new TemplateRepository(dataSource, recordingNotifier().notifier);
    const reconciler = new SamplesReconciler(configs, imageStreams, new SampleTemplates(templates), SETTINGS, {} as NatsConnection);
    return { dataSource, reconciler, configs, templates };
  }

  function freshSchema(): string {
    return `samples_int_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  }

  afterAll(async () => {
    for (const { dataSource, schema } of opened.reverse()) {
      if (!dataSource.isInitialized) continue;
      await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await dataSource.destroy();
    }
  });

  async function templateVersions(templates: TemplateRepository): Promise<Record<string, string>> {
    return Object.fromEntries((await templates.list({ namespace: 'openshift' })).map((row) => [row.name, String(row.resource_version)]));
  }

  async function setSpec(configs: SamplesConfigRepository, spec: Record<string, unknown>): Promise<void> {
    await configs.transaction(async (manager) => {
      const row = await configs.lock(manager, 'cluster');
      await configs.update(manager, 'cluster', { labels: {}, annotations: {}, spec: { ...(row?.spec ?? {}), ...spec } as never, generation: Number(row?.generation ?? 1) + 1 });
    });
  }

  it('creates the Config, the namespace and every sample; a second reconcile writes nothing at all', async () => {
    const streams = new FakeImageStreams();
    const { reconciler, configs, templates } = await replica(freshSchema(), streams);

    const first = await reconciler.reconcile();

    expect(first.failures).toEqual([]);
    expect(streams.namespaces).toEqual(new Set(['openshift']));
    expect([...streams.streams.keys()]).toEqual(STREAM_NAMES);
    expect((await templates.list({ namespace: 'openshift' })).map((row) => row.name).sort()).toEqual([...TEMPLATE_NAMES].sort());
    for (const stream of streams.streams.values()) {
      expect(stream.labels).toEqual({ [SAMPLES_MANAGED_LABEL]: 'true' });
      expect(stream.annotations[SAMPLES_VERSION_ANNOTATION]).toBe(SAMPLES_CATALOG.version);
    }
    for (const row of await templates.list({ namespace: 'openshift' })) expect(row.labels[SAMPLES_MANAGED_LABEL]).toBe('true');
    const config = await configs.find('cluster');
    expect(config?.spec).toEqual({ managementState: 'Managed', architectures: ['x86_64'], skippedImagestreams: [], skippedTemplates: [] });
    expect(config?.status).toMatchObject({ managementState: 'Managed', version: SAMPLES_CATALOG.version, architectures: ['x86_64'] });
    expect(config?.status.conditions.find((condition) => condition.type === 'SamplesExist')?.status).toBe('True');

    const before = { config: config?.resource_version, templates: await templateVersions(templates), streams: streams.versions(), writes: streams.writes };
    const second = await reconciler.reconcile();

    expect(second).toEqual({ actions: [], failures: [] });
    expect({ config: (await configs.find('cluster'))?.resource_version, templates: await templateVersions(templates), streams: streams.versions(), writes: streams.writes }).toEqual(before);
  });

  it('two replicas reconciling at once write the catalog once, without a failure', async () => {
    const schema = freshSchema();
    const streams = new FakeImageStreams();
    const [a, b] = [await replica(schema, streams), await replica(schema, streams)];

    const results = await Promise.all([a.reconciler.reconcile(), b.reconciler.reconcile(), a.reconciler.reconcile()]);

    expect(results.flatMap((result) => result.failures)).toEqual([]);
    expect(results.flatMap((result) => result.actions)).toHaveLength(STREAM_NAMES.length + TEMPLATE_NAMES.length);
    expect(streams.writes).toBe(STREAM_NAMES.length);
    expect(await a.templates.list({ namespace: 'openshift' })).toHaveLength(TEMPLATE_NAMES.length);
  });

  it('restores an edited or deleted sample; Unmanaged leaves them be; Removed deletes the managed ones (skipped ones stay); Managed brings them back', async () => {
    const streams = new FakeImageStreams();
    const { reconciler, configs, templates } = await replica(freshSchema(), streams);
    await reconciler.reconcile();

    // A user edits a template and deletes a stream.
    await templates.transaction(async (manager) => {
      const row = await templates.lock(manager, 'openshift', 'postgresql-ephemeral');
      const body = JSON.parse(row?.body ?? '{}') as Record<string, unknown>;
      await templates.update(manager, row?.uid ?? '', storedTemplate({ ...body, message: 'mine now' }));
    });
    await streams.delete('openshift', 'redis');
    expect((await reconciler.reconcile()).actions.map((action) => `${action.action} ${action.name}`)).toEqual(['create redis', 'update postgresql-ephemeral']);
    expect(JSON.parse((await templates.find('openshift', 'postgresql-ephemeral'))?.body ?? '{}').message).not.toBe('mine now');

    await setSpec(configs, { managementState: 'Unmanaged' });
    await templates.delete('openshift', 'rails-postgresql-example');
    expect((await reconciler.reconcile()).actions).toEqual([]);
    expect((await configs.find('cluster'))?.status.managementState).toBe('Unmanaged');
    expect(await templates.find('openshift', 'rails-postgresql-example')).toBeUndefined();

    await setSpec(configs, { managementState: 'Managed', skippedImagestreams: ['mysql'], skippedTemplates: ['postgresql-persistent'] });
    await reconciler.reconcile();
    expect(streams.streams.get('mysql')?.labels[SAMPLES_MANAGED_LABEL]).toBe('false');
    expect((await templates.find('openshift', 'postgresql-persistent'))?.labels[SAMPLES_MANAGED_LABEL]).toBe('false');
    expect(await templates.find('openshift', 'rails-postgresql-example')).toBeDefined();

    await setSpec(configs, { managementState: 'Removed' });
    await reconciler.reconcile();
    expect([...streams.streams.keys()]).toEqual(['mysql']);
    expect((await templates.list({ namespace: 'openshift' })).map((row) => row.name)).toEqual(['postgresql-persistent']);
    const removed = await configs.find('cluster');
    expect(removed?.status.managementState).toBe('Removed');
    expect(removed?.status.conditions.map((condition) => [condition.type, condition.status])).toEqual([
      ['ConfigurationValid', 'True'],
      ['SamplesExist', 'False'],
      ['ImportImageErrorsExist', 'False'],
      ['RemovePending', 'False'],
    ]);
    // Removed and nothing left to remove: nothing is written.
    const removedVersion = removed?.resource_version;
    await reconciler.reconcile();
    expect((await configs.find('cluster'))?.resource_version).toBe(removedVersion);

    await setSpec(configs, { managementState: 'Managed', skippedImagestreams: [], skippedTemplates: [] });
    await reconciler.reconcile();
    expect([...streams.streams.keys()].sort()).toEqual([...STREAM_NAMES].sort());
    expect(streams.streams.get('mysql')?.labels[SAMPLES_MANAGED_LABEL]).toBe('true');
    expect(await templates.list({ namespace: 'openshift' })).toHaveLength(TEMPLATE_NAMES.length);
  });

  it('surfaces import failures of managed streams in ImportImageErrorsExist', async () => {
    const streams = new FakeImageStreams();
    const { reconciler, configs } = await replica(freshSchema(), streams);
    await reconciler.reconcile();
    const ruby = streams.streams.get('ruby');
    if (!ruby) throw new Error('no ruby');
    ruby.status = { tags: [{ tag: '3.3-ubi9', conditions: [{ type: 'ImportSuccess', status: 'False', message: 'lookup registry.access.redhat.com: no such host', generation: 1 }] }] };

    await reconciler.reconcile();

    expect((await configs.find('cluster'))?.status.conditions.find((condition) => condition.type === 'ImportImageErrorsExist')).toMatchObject({
      status: 'True',
      reason: 'FailedImageImports',
      message: expect.stringContaining('for these imagestreams: ruby.'),
    });
  });

  it('refuses an architecture change once samples exist (ConfigurationValid False), changing no sample', async () => {
    const streams = new FakeImageStreams();
    const { reconciler, configs } = await replica(freshSchema(), streams);
    await reconciler.reconcile();
    await setSpec(configs, { architectures: ['arm64'], samplesRegistry: 'mirror.example.com' });
    const writes = streams.writes;

    expect((await reconciler.reconcile()).actions).toEqual([]);
    expect(streams.writes).toBe(writes);
    expect((await configs.find('cluster'))?.status.conditions.find((condition) => condition.type === 'ConfigurationValid')).toMatchObject({
      status: 'False',
      message: 'cannot change architectures from x86_64 to arm64',
    });
  });

  describe('the Config requests', () => {
    let handlers: SamplesConfigsRequests;
    let kicks: number;

    beforeAll(async () => {
      const { configs, reconciler } = await replica(freshSchema(), new FakeImageStreams());
      kicks = 0;
      reconciler.kick = () => void kicks++;
      handlers = new SamplesConfigsRequests(configs, reconciler, SETTINGS);
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

    const put = (config: unknown, name = 'cluster') => handlers.update(valid(UpdateSamplesConfigCommand, { name, config }));
    const patch = (body: Record<string, unknown>, name = 'cluster') => handlers.patch(valid(PatchSamplesConfigCommand, { name, patch: body }));

    it('serves only cluster, made on first use', async () => {
      const config = await handlers.get({ name: 'cluster' });

      expect(config).toMatchObject({ apiVersion: 'samples.operator.openshift.io/v1', kind: 'Config', metadata: { name: 'cluster', generation: 1 }, spec: { managementState: 'Managed' }, status: { conditions: [] } });
      expect((await statusOf(handlers.get({ name: 'other' }))).code).toBe(404);
      expect((await statusOf(put({ metadata: { name: 'other' } }, 'other'))).code).toBe(404);
      expect((await statusOf(patch({}, 'other'))).code).toBe(404);
      expect((await handlers.list({})).items.map((item) => item.metadata.name)).toEqual(['cluster']);
    });

    it('PUT replaces the spec (generation + 1 when it changed), checks the preconditions and reconciles', async () => {
      const current = await handlers.get({ name: 'cluster' });
      const before = kicks;

      const updated: SamplesConfig = await put({ metadata: { name: 'cluster', resourceVersion: current.metadata.resourceVersion }, spec: { managementState: 'Removed', skippedTemplates: ['a'] }, status: { junk: true } });

      expect(updated.spec).toEqual({ managementState: 'Removed', architectures: [], skippedImagestreams: [], skippedTemplates: ['a'] });
      expect(updated.metadata.generation).toBe((current.metadata.generation ?? 0) + 1);
      expect(updated.status).toEqual(current.status);
      expect(kicks).toBe(before + 1);
      expect((await put({ metadata: { name: 'cluster' }, spec: updated.spec })).metadata.generation).toBe(updated.metadata.generation);
      expect(await statusOf(put({ metadata: { name: 'cluster', resourceVersion: current.metadata.resourceVersion }, spec: {} }))).toMatchObject({ code: 409, reason: 'Conflict' });
      expect(await statusOf(put({ metadata: { name: 'cluster', uid: 'x' }, spec: {} }))).toMatchObject({ code: 409 });
      expect(await statusOf(put({ metadata: { name: 'other' }, spec: {} }))).toMatchObject({ code: 400 });
    });

    it('PATCH merges into the Config and validates the result (422 with causes)', async () => {
      const patched = await patch({ spec: { managementState: 'Managed', samplesRegistry: 'mirror.example.com:5000/x', skippedTemplates: null } });

      expect(patched.spec).toEqual({ managementState: 'Managed', samplesRegistry: 'mirror.example.com:5000/x', architectures: [], skippedImagestreams: [], skippedTemplates: [] });
      expect(await statusOf(patch({ spec: { managementState: 'Bogus', architectures: ['sparc'], samplesRegistry: 'http://x' } }))).toMatchObject({
        code: 422,
        reason: 'Invalid',
        details: {
          name: 'cluster',
          group: 'samples.operator.openshift.io',
          kind: 'Config',
          causes: expect.arrayContaining([
            { reason: 'FieldValueNotSupported', field: 'spec.managementState', message: 'Unsupported value: "Bogus": supported values: "Managed", "Unmanaged", "Force", "Removed"' },
            expect.objectContaining({ field: 'spec.architectures' }),
            expect.objectContaining({ field: 'spec.samplesRegistry' }),
          ]),
        },
      });
      expect(await statusOf(patch({ metadata: { name: 'renamed' } }))).toMatchObject({ code: 400 });
      expect((await handlers.get({ name: 'cluster' })).spec.samplesRegistry).toBe('mirror.example.com:5000/x');
    });
  });
});
