import { randomBytes, randomUUID } from 'node:crypto';
import { CreateSecretCommand, createCloudEvent, NamespaceDeleted, validatePayload, type CloudEvent, type NamespaceDeletedV1 } from '@imagestreams/contracts';
import type { OwnerClient } from '@imagestreams/platform-messaging';
import { CLOCK_TIMESTAMP_RFC3339, openServiceDataSource } from '@imagestreams/platform-persistence';
import { SecretKeyRing } from '@imagestreams/platform-secrets';
import { testDatabaseUrl } from '@imagestreams/testing';
import type { DataSource } from 'typeorm';
import { IMPORTER_MIGRATIONS } from '../schedules/scheduler-replica.fixture';
import { ScheduledTagsRepository, type ScheduledTagSpec } from '../schedules/scheduled-tags.repository';
import { RegistrySecrets } from '../secrets/registry-secrets';
import { RegistrySecretsRepository } from '../secrets/registry-secrets.repository';
import { DeleteNamespaceContents } from './delete-namespace-contents';
import { NamespaceDeletionsListener } from './namespace-deletions.listener';

/** What stream-service stamps a deletion with: Postgres' clock, in microseconds. */
const NOW_SQL = `SELECT ${CLOCK_TIMESTAMP_RFC3339} AS now`;

/**
 * `namespace.deleted` in the importer against real Postgres (a fresh schema, the service's
 * migrations), through its listener: registry credentials, scheduled tags and applied import specs
 * of the namespace go; other namespaces and a namespace re-created after the deletion keep theirs;
 * the streams' own `imagestream.deleted` before or after changes nothing; a repeat deletes nothing.
 */
describe('namespace.deleted in the importer (Postgres)', () => {
  const schema = `importer_nsdel_int_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  // Secrets are created only in namespaces that exist; stream-service is not here to say so.
  const owners = { request: async () => ({}) } as unknown as OwnerClient;
  let dataSource: DataSource;
  let secrets: RegistrySecrets;
  let schedules: ScheduledTagsRepository;
  let listener: NamespaceDeletionsListener;
  /** Stream resourceVersions, from one sequence as in stream-service. */
  let resourceVersion = 100;
  const nextResourceVersion = () => String(++resourceVersion);

  beforeAll(async () => {
    dataSource = await openServiceDataSource({ url: testDatabaseUrl(), schema, entities: [], migrations: IMPORTER_MIGRATIONS, poolSize: 4 });
    const repository = new RegistrySecretsRepository(dataSource);
    secrets = new RegistrySecrets(repository, owners, SecretKeyRing.fromConfig(randomBytes(32).toString('base64'), '', ''));
    schedules = new ScheduledTagsRepository(dataSource);
    listener = new NamespaceDeletionsListener(new DeleteNamespaceContents(repository, schedules));
  });

  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  const scheduled = (tag: string): ScheduledTagSpec => ({ tag, source: `quay.io/example/app:${tag}`, insecure: false, importMode: 'Legacy', firstCheckAt: new Date(Date.now() + 3_600_000) });

  /** A pull secret, and two streams with scheduled tags (as their importspec.changed events leave them). */
  async function contents(namespace: string): Promise<void> {
    const command = validatePayload(CreateSecretCommand, {
      namespace,
      secret: { metadata: { name: 'pull' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from('{"auths":{"quay.io":{"auth":"dTpw"}}}').toString('base64') } },
    });
    if (!command.ok) throw new Error(JSON.stringify(command.causes));
    await secrets.create(command.value);
    expect(await schedules.replaceStream(namespace, 'web', nextResourceVersion(), [scheduled('latest'), scheduled('v1')])).toBe(true);
    expect(await schedules.replaceStream(namespace, 'api', nextResourceVersion(), [scheduled('latest')])).toBe(true);
  }

  async function counts(namespace: string): Promise<Record<string, number>> {
    const [row] = await dataSource.query<Record<string, number>[]>(
      `SELECT (SELECT count(*)::int FROM registry_secrets WHERE namespace = $1) AS secrets,
              (SELECT count(*)::int FROM scheduled_tags WHERE namespace = $1) AS tags,
              (SELECT count(*)::int FROM import_spec_versions WHERE namespace = $1) AS specs`,
      [namespace],
    );
    return row;
  }

  const everything = { secrets: 1, tags: 3, specs: 2 };
  const nothing = { secrets: 0, tags: 0, specs: 0 };

  /** The event stream-service writes when it deletes the namespace now. */
  async function deletion(namespace: string): Promise<CloudEvent<NamespaceDeletedV1>> {
    const [{ now }] = await dataSource.query<{ now: string }[]>(NOW_SQL);
    return { ...createCloudEvent({ type: NamespaceDeleted.type, source: '/test', subject: `namespaces/${namespace}`, data: { namespace, actor: 'alice', resourceVersion: nextResourceVersion() } }), time: now };
  }

  it('deletes the namespace’s registry secrets, scheduled tags and applied import specs, and nothing elsewhere', async () => {
    await contents('doomed');
    await contents('bystander');
    expect(await counts('doomed')).toEqual(everything);

    await listener.onNamespaceDeleted(await deletion('doomed'));

    expect(await counts('doomed')).toEqual(nothing);
    expect(await counts('bystander')).toEqual(everything);
    expect((await secrets.loginsFor('doomed')).size).toBe(0);
  });

  it('ends the same whether the streams’ imagestream.deleted comes before or after', async () => {
    await contents('streams-first');
    await contents('namespace-first');
    const streamsFirst = await deletion('streams-first');
    const namespaceFirst = await deletion('namespace-first');

    await schedules.dropStream('streams-first', 'web');
    await schedules.dropStream('streams-first', 'api');
    await listener.onNamespaceDeleted(streamsFirst);
    await listener.onNamespaceDeleted(namespaceFirst);
    await schedules.dropStream('namespace-first', 'web');
    await schedules.dropStream('namespace-first', 'api');

    expect(await counts('streams-first')).toEqual(nothing);
    expect(await counts('namespace-first')).toEqual(nothing);
  });

  it('spares what a namespace re-created under the same name holds, when the event comes again late', async () => {
    await contents('reborn');
    const event = await deletion('reborn');
    await listener.onNamespaceDeleted(event);
    await contents('reborn');

    await listener.onNamespaceDeleted(event);

    expect(await counts('reborn')).toEqual(everything);
  });
});
