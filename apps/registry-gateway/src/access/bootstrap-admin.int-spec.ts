import { Logger } from '@nestjs/common';
import { hashAccessToken } from '@imagestreams/domain-access';
import { openServiceDataSource } from '@imagestreams/platform-persistence';
import { generateAccessToken, testDatabaseUrl } from '@imagestreams/testing';
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { CreateIdentities1764800000000 } from '../migrations/1764800000000-create-identities';
import { AccessTokensRepository } from './access-tokens.repository';
import { BootstrapAdmin } from './bootstrap-admin';
import { UsersRepository } from './users.repository';

/** The first credentials of an installation, against real Postgres (a fresh schema with the identity tables). */
describe('BootstrapAdmin (Postgres)', () => {
  const schema = `bootstrap_int_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let dataSource: DataSource;
  let warnings: string[];

  beforeAll(async () => {
    dataSource = await openServiceDataSource({ url: testDatabaseUrl(), schema, entities: [], migrations: [CreateIdentities1764800000000], poolSize: 4 });
  });

  beforeEach(() => {
    warnings = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => {
      warnings.push(String(message));
    });
  });

  afterEach(() => jest.restoreAllMocks());

  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  const start = (bootstrapAdminToken: string) =>
    new BootstrapAdmin({ enabled: true, bootstrapAdminToken }, dataSource, new UsersRepository(dataSource), new AccessTokensRepository(dataSource)).onModuleInit();

  async function bootstrapTokens(): Promise<{ token_hash: string; subject_name: string }[]> {
    return dataSource.query('SELECT token_hash, subject_name FROM access_tokens WHERE bootstrap');
  }

  it('generates a token for user admin on an empty database and logs it once', async () => {
    await start('');

    expect(warnings).toHaveLength(1);
    const [, token] = /^bootstrap admin token: (ist_[A-Za-z0-9_-]{43})$/.exec(warnings[0]) ?? [];
    expect(token).toBeDefined();
    expect(await bootstrapTokens()).toEqual([{ token_hash: hashAccessToken(token), subject_name: 'admin' }]);

    warnings = [];
    await start('');
    expect(warnings).toEqual([]);
  });

  it('makes BOOTSTRAP_ADMIN_TOKEN the bootstrap token, replacing the earlier one, without logging it', async () => {
    const configured = generateAccessToken();
    await start(configured);
    await start(configured);

    expect(await bootstrapTokens()).toEqual([{ token_hash: hashAccessToken(configured), subject_name: 'admin' }]);
    expect(warnings).toEqual([]);
  });

  it('refuses a BOOTSTRAP_ADMIN_TOKEN that is no access token, without quoting it', async () => {
    const failure = start('hunter2-but-longer');

    await expect(failure).rejects.toThrow(/BOOTSTRAP_ADMIN_TOKEN must be an access token/);
    await expect(failure).rejects.not.toThrow(/hunter2/);
  });
});
