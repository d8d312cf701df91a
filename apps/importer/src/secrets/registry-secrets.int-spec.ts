import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import { CreateSecretCommand, validatePayload, type Secret } from '@imagestreams/contracts';
import type { OwnerClient } from '@imagestreams/platform-messaging';
import { openServiceDataSource } from '@imagestreams/platform-persistence';
import { SecretKeyRing, SecretResealer } from '@imagestreams/platform-secrets';
import { testDatabaseUrl } from '@imagestreams/testing';
import type { DataSource } from 'typeorm';
import { IMPORTER_MIGRATIONS } from '../schedules/scheduler-replica.fixture';
import { RegistrySecrets } from './registry-secrets';
import { REGISTRY_SECRETS_TABLE, RegistrySecretsRepository } from './registry-secrets.repository';

const newKey = () => randomBytes(32).toString('base64');

/** The importer's sealing before the key ring (iv || tag || ciphertext): what existing rows hold. */
function legacySeal(base64Key: string, plaintext: Buffer): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(base64Key, 'base64'), iv);
  const sealed = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]);
}

/** Registry credentials at rest against real Postgres: sealed rows, the upgrade of older rows, and a key rotation. */
describe('registry credentials at rest (Postgres)', () => {
  const schema = `importer_int_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  // Secrets are created only in namespaces that exist; stream-service is not here to say so.
  const owners = { request: async () => ({}) } as unknown as OwnerClient;
  const login = { username: 'puller', password: `pw-${randomUUID()}` };
  const dockerConfig = () => Buffer.from(JSON.stringify({ auths: { 'quay.io': { auth: Buffer.from(`${login.username}:${login.password}`).toString('base64') } } })).toString('base64');
  let dataSource: DataSource;

  beforeAll(async () => {
    dataSource = await openServiceDataSource({ url: testDatabaseUrl(), schema, entities: [], migrations: IMPORTER_MIGRATIONS, poolSize: 4 });
  });

  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  const secretsWith = (ring: SecretKeyRing) => new RegistrySecrets(new RegistrySecretsRepository(dataSource), owners, ring);
  const sealedData = async (namespace: string): Promise<Buffer> => ((await dataSource.query('SELECT sealed_data FROM registry_secrets WHERE namespace = $1', [namespace])) as { sealed_data: Buffer }[])[0].sealed_data;

  async function create(ring: SecretKeyRing, namespace: string): Promise<Secret> {
    const command = validatePayload(CreateSecretCommand, { namespace, secret: { metadata: { name: 'pull' }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': dockerConfig() } } });
    if (!command.ok) throw new Error(JSON.stringify(command.causes));
    return secretsWith(ring).create(command.value);
  }

  async function startWith(ring: SecretKeyRing): Promise<void> {
    const resealer = new SecretResealer(dataSource, ring, [REGISTRY_SECRETS_TABLE]);
    await resealer.onApplicationBootstrap();
    await resealer.beforeApplicationShutdown();
  }

  it('stores credentials sealed under the current key and opens them for imports', async () => {
    const ring = SecretKeyRing.fromConfig(newKey(), '', '');
    await create(ring, 'sealed');

    const sealed = await sealedData('sealed');
    expect(ring.keyIdOf(sealed)).toBe(ring.currentKeyId);
    for (const plain of [login.password, dockerConfig(), Buffer.from(`${login.username}:${login.password}`).toString('base64')]) expect(sealed.includes(Buffer.from(plain))).toBe(false);
    expect((await secretsWith(ring).loginsFor('sealed')).get('quay.io')).toEqual(login);
  });

  it('re-seals rows of the previous release (no header) at start; imports still get the login', async () => {
    const key = newKey();
    const data = { '.dockerconfigjson': dockerConfig() };
    await dataSource.query(
      `INSERT INTO registry_secrets (namespace, name, uid, type, sealed_data, resource_version) VALUES ('legacy', 'pull', $1, 'kubernetes.io/dockerconfigjson', $2, nextval('registry_secret_version_seq'))`,
      [randomUUID(), legacySeal(key, Buffer.from(JSON.stringify(data)))],
    );
    const ring = SecretKeyRing.fromConfig(key, '', '');
    expect((await secretsWith(ring).loginsFor('legacy')).get('quay.io')).toEqual(login);

    await startWith(ring);

    expect(ring.needsReseal(await sealedData('legacy'))).toBe(false);
    expect((await secretsWith(ring).loginsFor('legacy')).get('quay.io')).toEqual(login);
  });

  it('rotates the key: a start with the new key and the old one as previous re-seals, and then the new key alone opens them', async () => {
    const oldKey = newKey();
    const newRingKey = newKey();
    await create(SecretKeyRing.fromConfig(oldKey, '', ''), 'rotation');

    const ring = SecretKeyRing.fromConfig(newRingKey, oldKey, '');
    await startWith(ring);

    expect(ring.keyIdOf(await sealedData('rotation'))).toBe(ring.currentKeyId);
    expect((await secretsWith(SecretKeyRing.fromConfig(newRingKey, '', '')).loginsFor('rotation')).get('quay.io')).toEqual(login);
  });

  it('never answers stored credentials back: create, get and list name the data keys with empty values', async () => {
    const ring = SecretKeyRing.fromConfig(newKey(), '', '');
    const created = await create(ring, 'unreadable');
    const read = await secretsWith(ring).get('unreadable', 'pull');
    const listed = await secretsWith(ring).list('unreadable');

    for (const answer of [created, read, listed.items[0]]) expect(answer.data).toEqual({ '.dockerconfigjson': '' });
    expect(JSON.stringify([created, read, listed])).not.toContain(login.password);
  });
});
