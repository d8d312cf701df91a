import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { createDatabase, dropDatabase, ensurePostgres } from './ensure-postgres';

// Runs against the real Postgres on 127.0.0.1:5432 (the developer machine / CI service); it does
// not fall back to anything, so a missing server fails the test rather than skipping it.
const SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

function uniqueName(): string {
  return `stack_it_${Date.now()}_${randomBytes(3).toString('hex')}`;
}

async function databaseExists(name: string): Promise<boolean> {
  const client = new Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    return ((await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount ?? 0) > 0;
  } finally {
    await client.end();
  }
}

describe('createDatabase / dropDatabase (real Postgres)', () => {
  const name = uniqueName();

  afterAll(async () => {
    await dropDatabase(SERVER_URL, name);
  });

  it('creates a missing database, is a no-op when it exists, and drops it despite open sessions', async () => {
    expect(await createDatabase(SERVER_URL, name)).toBe(true);
    expect(await databaseExists(name)).toBe(true);
    expect(await createDatabase(SERVER_URL, name)).toBe(false);

    // A session left open on the database, as a crashed service's pool would leave it.
    const session = new Client({ connectionString: SERVER_URL.replace(/\/postgres$/, `/${name}`) });
    session.on('error', () => undefined);
    await session.connect();
    try {
      await dropDatabase(SERVER_URL, name);
    } finally {
      await session.end().catch(() => undefined);
    }

    expect(await databaseExists(name)).toBe(false);
    await expect(dropDatabase(SERVER_URL, name)).resolves.toBeUndefined();
  });

  it('tolerates concurrent creators racing for the same name', async () => {
    const racers = await Promise.all([1, 2, 3].map(() => createDatabase(SERVER_URL, name)));

    expect(racers.filter(Boolean)).toHaveLength(1);
    expect(await databaseExists(name)).toBe(true);
  });
});

describe('ensurePostgres with a reachable server', () => {
  const name = uniqueName();
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'stack-it-'));
  });

  afterAll(async () => {
    await dropDatabase(SERVER_URL, name);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('uses that server and creates the target database', async () => {
    const handle = await ensurePostgres({
      databaseUrl: `postgres://postgres@127.0.0.1:5432/${name}`,
      dataDir,
      log: () => undefined,
    });

    expect(handle.embedded).toBe(false);
    expect(handle.databaseUrl).toBe(`postgres://postgres@127.0.0.1:5432/${name}`);
    expect(await databaseExists(name)).toBe(true);
    await handle.stop();
  });
});
