import { freePort, ServiceProcess } from '@imagestreams/stack';
import { api } from './support/api';
import { parseMetrics, scrape } from './support/metrics';

/**
 * The samples operator end to end: template-service keeps imagestreams' own catalog (image streams
 * through stream-service, templates in its own store) in the `openshift` namespace as the
 * `samples.operator.openshift.io/v1` Config says. The stack runs it with a 3-second reconcile
 * interval (global setup). The sandbox has no internet, so the sample streams' imports fail: that
 * is reported on the Config and breaks nothing. The suite changes the one Config and leaves it
 * Managed with an empty spec, as it found it.
 */
const CONFIG = '/apis/samples.operator.openshift.io/v1/configs/cluster';
const NAMESPACE = 'openshift';
const IMAGE = `/apis/image.openshift.io/v1/namespaces/${NAMESPACE}`;
const TEMPLATE = `/apis/template.openshift.io/v1/namespaces/${NAMESPACE}`;
const MANAGED = 'samples.operator.openshift.io/managed';
const VERSION = 'samples.operator.openshift.io/version';
const STREAMS = ['httpd', 'mysql', 'nodejs', 'postgresql', 'python', 'redis', 'ruby'];
const TEMPLATES = ['nodejs-postgresql-example', 'postgresql-ephemeral', 'postgresql-persistent', 'rails-pgsql-persistent', 'rails-postgresql-example'];
const SLOW = 120_000;

interface Meta {
  name: string;
  resourceVersion: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

interface Config {
  metadata: Meta;
  spec: { managementState: string; samplesRegistry?: string; skippedImagestreams: string[]; skippedTemplates: string[]; architectures: string[] };
  status: { managementState?: string; conditions: Condition[]; samplesRegistry?: string; skippedImagestreams?: string[]; version?: string };
}

interface Tag {
  name: string;
  from?: { kind: string; name: string };
  annotations?: Record<string, string> | null;
  referencePolicy?: { type: string };
  importPolicy?: { scheduled?: boolean };
}

interface ImageStream {
  metadata: Meta;
  spec: { tags?: Tag[] };
  status: { tags?: { tag: string; items: unknown[] | null; conditions?: Condition[] }[] };
}

interface Template {
  metadata: Meta;
  message?: string;
  objects: unknown[];
  parameters?: { name: string; value?: string }[];
}

interface List<T> {
  items: T[];
}

/** Polls `read` until `done` holds (or fails with the last value seen). */
async function eventually<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last seen: ${JSON.stringify(last).slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
    last = await read();
  }
  return last;
}

const config = async () => (await api<Config>('GET', CONFIG)).body;
const condition = (value: Config, type: string) => value.status.conditions.find((candidate) => candidate.type === type);
const streams = async () => (await api<List<ImageStream>>('GET', `${IMAGE}/imagestreams`)).body.items;
const managedStreams = async () => (await api<List<ImageStream>>('GET', `${IMAGE}/imagestreams?labelSelector=${encodeURIComponent(`${MANAGED}=true`)}`)).body.items;
const stream = (name: string) => api<ImageStream>('GET', `${IMAGE}/imagestreams/${name}`);
const templates = async () => (await api<List<Template>>('GET', `${TEMPLATE}/templates`)).body.items;
const template = (name: string) => api<Template>('GET', `${TEMPLATE}/templates/${name}`);
const names = (items: { metadata: Meta }[]) => items.map((item) => item.metadata.name).sort();
const tagFrom = (value: ImageStream, tag: string) => value.spec.tags?.find((candidate) => candidate.name === tag)?.from;

async function patchConfig(spec: Record<string, unknown>): Promise<Config> {
  const response = await api<Config>('PATCH', CONFIG, { spec }, { contentType: 'application/merge-patch+json' });
  expect(response.status).toBe(200);
  return response.body;
}

/** Every managed sample there and the Config saying so. */
async function allSamplesApplied(): Promise<void> {
  await eventually(
    'every sample to be applied',
    async () => ({ config: await config(), streams: names(await managedStreams()), templates: names((await templates()).filter((item) => item.metadata.labels?.[MANAGED] === 'true')) }),
    (state) =>
      state.config.status.managementState === 'Managed' &&
      condition(state.config, 'SamplesExist')?.status === 'True' &&
      JSON.stringify(state.streams) === JSON.stringify(STREAMS) &&
      JSON.stringify(state.templates) === JSON.stringify(TEMPLATES),
  );
}

/** Resolves once template-service has reconciled `count` more times (each reconcile counts, whatever its result). */
async function reconciles(count: number): Promise<void> {
  const total = async () => (await scrape('template-service')).value('imagestreams_samples_reconciles_total');
  const start = await total();
  await eventually(`${count} more reconciles`, total, (value) => value >= start + count, 30_000);
}

describe('the samples operator', () => {
  beforeAll(async () => {
    await allSamplesApplied();
  }, SLOW);

  afterAll(async () => {
    await api('PUT', CONFIG, { metadata: { name: 'cluster' }, spec: { managementState: 'Managed' } });
    await allSamplesApplied();
  }, SLOW);

  it('at start-up the openshift namespace holds the catalog: managed, versioned, the streams with latest aliases', async () => {
    const current = await config();
    const namespace = await api('GET', `/api/v1/namespaces/${NAMESPACE}`);
    const ruby = (await stream('ruby')).body;
    const rails = (await template('rails-postgresql-example')).body;

    expect(namespace.status).toBe(200);
    expect(current).toMatchObject({
      apiVersion: 'samples.operator.openshift.io/v1',
      kind: 'Config',
      metadata: { name: 'cluster' },
      spec: { managementState: 'Managed', skippedImagestreams: [], skippedTemplates: [] },
      status: { managementState: 'Managed', version: expect.stringMatching(/^\d+\.\d+\.\d+$/) },
    });
    expect(condition(current, 'ConfigurationValid')?.status).toBe('True');
    expect(ruby.metadata.labels).toEqual({ [MANAGED]: 'true' });
    expect(ruby.metadata.annotations).toMatchObject({ 'openshift.io/display-name': 'Ruby', [VERSION]: current.status.version });
    expect(tagFrom(ruby, 'latest')).toEqual({ kind: 'ImageStreamTag', name: '3.3-ubi9' });
    expect(tagFrom(ruby, '3.3-ubi9')).toEqual({ kind: 'DockerImage', name: 'registry.access.redhat.com/ubi9/ruby-33:latest' });
    for (const tag of ruby.spec.tags ?? []) {
      expect(tag.referencePolicy).toEqual({ type: 'Local' });
      expect(tag.importPolicy?.scheduled ?? false).toBe(false);
    }
    expect(rails.metadata.labels).toEqual({ [MANAGED]: 'true' });
    expect(rails.metadata.annotations?.[VERSION]).toBe(current.status.version);
    expect(rails.parameters?.find((parameter) => parameter.name === 'NAMESPACE')?.value).toBe(NAMESPACE);
    // ... and `oc process openshift//rails-postgresql-example` works on the stored sample.
    const processed = await api<{ objects: { kind: string }[] }>('POST', `${TEMPLATE}/processedtemplates`, rails);
    expect(processed.status).toBe(201);
    expect(processed.body.objects.map((object) => object.kind)).toEqual(['Secret', 'Service', 'Route', 'ImageStream', 'BuildConfig', 'Deployment', 'Service', 'Deployment']);
  });

  it(
    'reports failed imports (no internet here) in ImportImageErrorsExist, naming exactly the streams with a failed tag',
    async () => {
      const settled = await eventually(
        'every versioned tag to have an import outcome',
        managedStreams,
        (items) =>
          items.length === STREAMS.length &&
          items.every((item) =>
            (item.spec.tags ?? []).filter((tag) => tag.from?.kind === 'DockerImage').every((tag) => item.status.tags?.some((status) => status.tag === tag.name && (status.items?.length || status.conditions?.length))),
          ),
        60_000,
      );
      const failing = settled
        .filter((item) => item.status.tags?.some((status) => status.conditions?.some((entry) => entry.type === 'ImportSuccess' && entry.status === 'False')))
        .map((item) => item.metadata.name);
      const reported = await eventually(
        'the import errors on the Config',
        config,
        (value) => {
          const errors = condition(value, 'ImportImageErrorsExist');
          return failing.length === 0 ? errors?.status === 'False' : errors?.status === 'True' && failing.every((name) => errors.message?.includes(name));
        },
      );

      if (failing.length > 0) {
        const listed = /these imagestreams: ([^.]*)\./.exec(condition(reported, 'ImportImageErrorsExist')?.message ?? '')?.[1].split(',');
        expect(listed?.sort()).toEqual([...failing].sort());
        expect(condition(reported, 'ImportImageErrorsExist')?.reason).toBe('FailedImageImports');
      }
      // Failed imports change nothing else: the samples are all there.
      expect(condition(reported, 'SamplesExist')?.status).toBe('True');
    },
    SLOW,
  );

  it(
    'samplesRegistry rewrites the DockerImage sources of every stream (aliases and templates untouched); clearing it restores them',
    async () => {
      const templatesBefore = Object.fromEntries((await templates()).map((item) => [item.metadata.name, item.metadata.resourceVersion]));

      await patchConfig({ samplesRegistry: 'mirror.invalid:5000' });
      const ruby = await eventually('ruby to be rewritten', async () => (await stream('ruby')).body, (value) => tagFrom(value, '3.3-ubi9')?.name.startsWith('mirror.invalid:5000/') === true);
      const postgresql = (await stream('postgresql')).body;

      expect(tagFrom(ruby, '3.3-ubi9')).toEqual({ kind: 'DockerImage', name: 'mirror.invalid:5000/ubi9/ruby-33:latest' });
      expect(tagFrom(ruby, 'latest')).toEqual({ kind: 'ImageStreamTag', name: '3.3-ubi9' });
      await eventually('postgresql to be rewritten', async () => (await stream('postgresql')).body, (value) => tagFrom(value, '16-el9')?.name === 'mirror.invalid:5000/sclorg/postgresql-16-c9s:latest');
      expect(postgresql.metadata.labels?.[MANAGED]).toBe('true');
      await eventually('the applied registry on the status', config, (value) => value.status.samplesRegistry === 'mirror.invalid:5000');
      expect(Object.fromEntries((await templates()).map((item) => [item.metadata.name, item.metadata.resourceVersion]))).toEqual(templatesBefore);

      await patchConfig({ samplesRegistry: null });
      await eventually('ruby to be restored', async () => (await stream('ruby')).body, (value) => tagFrom(value, '3.3-ubi9')?.name === 'registry.access.redhat.com/ubi9/ruby-33:latest');
      expect((await config()).spec.samplesRegistry).toBeUndefined();
    },
    SLOW,
  );

  it(
    'restores a managed sample a user edited or deleted (keeping what the catalog does not set)',
    async () => {
      const original = (await template('postgresql-ephemeral')).body;
      const edited = await api<Template>('PUT', `${TEMPLATE}/templates/postgresql-ephemeral`, { ...original, message: 'mine now' });
      expect(edited.status).toBe(200);
      const ruby = (await stream('ruby')).body;
      const patched = await api(
        'PATCH',
        `${IMAGE}/imagestreams/ruby`,
        { metadata: { annotations: { team: 'a' } }, spec: { tags: [...(ruby.spec.tags ?? []).map((tag) => (tag.name === '3.1-ubi9' ? { ...tag, from: { kind: 'DockerImage', name: 'example.invalid/ruby:1' } } : tag))] } },
        { contentType: 'application/merge-patch+json' },
      );
      expect(patched.status).toBe(200);
      expect((await api('DELETE', `${IMAGE}/imagestreams/httpd`)).status).toBe(200);

      const restored = await eventually('the template to be restored', async () => (await template('postgresql-ephemeral')).body, (value) => value.message === original.message);
      expect(Number(restored.metadata.resourceVersion)).toBeGreaterThan(Number(edited.body.metadata.resourceVersion));
      const rubyRestored = await eventually('ruby to be restored', async () => (await stream('ruby')).body, (value) => tagFrom(value, '3.1-ubi9')?.name === 'registry.access.redhat.com/ubi9/ruby-31:latest');
      expect(rubyRestored.metadata.annotations?.['team']).toBe('a');
      const httpd = await eventually('httpd to be re-created', () => stream('httpd'), (response) => response.status === 200);
      expect(httpd.body.metadata.labels?.[MANAGED]).toBe('true');
    },
    SLOW,
  );

  it(
    'skipped samples are labelled managed "false" and then left alone; unskipped, they are managed again',
    async () => {
      await patchConfig({ skippedImagestreams: ['redis'], skippedTemplates: ['postgresql-persistent'] });
      await eventually('redis to be unmanaged', async () => (await stream('redis')).body, (value) => value.metadata.labels?.[MANAGED] === 'false');
      await eventually('the template to be unmanaged', async () => (await template('postgresql-persistent')).body, (value) => value.metadata.labels?.[MANAGED] === 'false');
      await eventually('the skip lists on the status', config, (value) => JSON.stringify(value.status.skippedImagestreams) === '["redis"]');

      expect((await api('DELETE', `${IMAGE}/imagestreams/redis`)).status).toBe(200);
      const persistent = (await template('postgresql-persistent')).body;
      expect((await api('PUT', `${TEMPLATE}/templates/postgresql-persistent`, { ...persistent, message: 'mine now' })).status).toBe(200);
      await reconciles(2);

      expect((await stream('redis')).status).toBe(404);
      expect((await template('postgresql-persistent')).body.message).toBe('mine now');

      await patchConfig({ skippedImagestreams: null, skippedTemplates: null });
      const redis = await eventually('redis to be re-created', () => stream('redis'), (response) => response.status === 200);
      expect(redis.body.metadata.labels?.[MANAGED]).toBe('true');
      const restored = await eventually('the template to be managed again', async () => (await template('postgresql-persistent')).body, (value) => value.metadata.labels?.[MANAGED] === 'true');
      expect(restored.message).not.toBe('mine now');
    },
    SLOW,
  );

  it(
    'Removed deletes the managed samples (skipped and users’ own stay); Managed brings them back',
    async () => {
      const own = await api('POST', `${IMAGE}/imagestreams`, { metadata: { name: `users-own-${Date.now()}` } });
      expect(own.status).toBe(201);
      await patchConfig({ skippedTemplates: ['postgresql-ephemeral'] });
      await eventually('the template to be unmanaged', async () => (await template('postgresql-ephemeral')).body, (value) => value.metadata.labels?.[MANAGED] === 'false');

      await patchConfig({ managementState: 'Removed' });
      const removed = await eventually('the samples to be removed', config, (value) => value.status.managementState === 'Removed');

      expect(condition(removed, 'SamplesExist')?.status).toBe('False');
      expect(condition(removed, 'RemovePending')?.status).toBe('False');
      expect(await managedStreams()).toEqual([]);
      expect(names(await templates())).toEqual(['postgresql-ephemeral']);
      expect(names(await streams())).toContain((own.body as { metadata: Meta }).metadata.name);

      await patchConfig({ managementState: 'Managed', skippedTemplates: null });
      await allSamplesApplied();
      expect((await template('postgresql-ephemeral')).body.metadata.labels?.[MANAGED]).toBe('true');
      expect((await api('DELETE', `${IMAGE}/imagestreams/${(own.body as { metadata: Meta }).metadata.name}`)).status).toBe(200);
    },
    SLOW,
  );

  it(
    'Unmanaged leaves the samples to the user; Managed again restores them',
    async () => {
      await patchConfig({ managementState: 'Unmanaged' });
      await eventually('Unmanaged to be applied', config, (value) => value.status.managementState === 'Unmanaged');
      expect((await api('DELETE', `${TEMPLATE}/templates/nodejs-postgresql-example`)).status).toBe(200);
      await reconciles(2);

      expect((await template('nodejs-postgresql-example')).status).toBe(404);

      await patchConfig({ managementState: 'Managed' });
      await eventually('the template to be re-created', () => template('nodejs-postgresql-example'), (response) => response.status === 200);
    },
    SLOW,
  );

  it('answers other names with 404, a bad spec with 422, a stale resourceVersion with 409', async () => {
    const current = await config();
    const other = await api('GET', '/apis/samples.operator.openshift.io/v1/configs/other');
    const bad = await api<{ reason: string; details: { causes: { field: string }[] } }>('PATCH', CONFIG, { spec: { managementState: 'Sometimes' } }, { contentType: 'application/merge-patch+json' });
    const stale = await api('PUT', CONFIG, { metadata: { name: 'cluster', resourceVersion: '1' }, spec: current.spec });
    const list = await api<List<Config>>('GET', '/apis/samples.operator.openshift.io/v1/configs');

    expect(other.status).toBe(404);
    expect(bad.status).toBe(422);
    expect(bad.body.details.causes.map((cause) => cause.field)).toEqual(['spec.managementState']);
    expect(stale.status).toBe(409);
    expect(names(list.body.items)).toEqual(['cluster']);
    expect((await config()).spec).toEqual(current.spec);
  });

  it(
    'a replica starting up (as after a restart) changes nothing: its reconciles find every sample as it should be',
    async () => {
      await allSamplesApplied();
      const snapshot = async () => ({
        config: (await config()).metadata.resourceVersion,
        streams: Object.fromEntries((await streams()).map((item) => [item.metadata.name, item.metadata.resourceVersion])),
        templates: Object.fromEntries((await templates()).map((item) => [item.metadata.name, item.metadata.resourceVersion])),
      });
      // Imports of re-created streams may still be landing: wait until two reconciles change nothing.
      let before = await snapshot();
      for (let settled = false; !settled; ) {
        await reconciles(2);
        const now = await snapshot();
        settled = JSON.stringify(now) === JSON.stringify(before);
        before = now;
      }

      // Another template-service on the same database and NATS: its start-up reconcile is a restarted
      // one's, and it runs next to the stack's (the advisory lock takes turns). Stopping the stack's
      // own template-service instead would fail the template suites running alongside.
      const replica = new ServiceProcess({
        name: 'template-service',
        port: await freePort(),
        replica: 2,
        quiet: true,
        env: {
          DATABASE_URL: process.env['E2E_DATABASE_URL'] ?? '',
          NATS_URL: process.env['E2E_NATS_URL'] ?? '',
          HTTP_HOST: '127.0.0.1',
          LOG_LEVEL: 'warn',
          SHUTDOWN_TIMEOUT_MS: '5000',
          SAMPLES_RECONCILE_INTERVAL_SECONDS: '3',
        },
        readyTimeoutMs: 90_000,
        // As the stack runs its own services (sources through ts-node, or dist/compiled).
        compiled: process.env['STACK_RUNTIME'] === 'compiled',
      });
      await replica.start();
      try {
        const replicaReconciles = async () => {
          const text = await (await fetch(`${replica.url}/metrics`)).text();
          return parseMetrics(text)
            .filter((sample) => sample.name === 'imagestreams_samples_reconciles_total' && sample.labels['result'] === 'success')
            .reduce((sum, sample) => sum + sample.value, 0);
        };
        await eventually('two reconciles of the new replica', replicaReconciles, (value) => value >= 2, 30_000);
        await reconciles(1);

        expect(await snapshot()).toEqual(before);
      } finally {
        await replica.stop();
      }
    },
    SLOW,
  );
});
