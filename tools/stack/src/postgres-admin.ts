import { Client } from 'pg';

/** Postgres error codes we handle on purpose. */
const DUPLICATE_DATABASE = '42P04';
const UNIQUE_VIOLATION = '23505';

/** The same server, but the `postgres` maintenance database, which exists on every cluster. */
export function maintenanceUrl(url: string): string {
  const parsed = new URL(url);
  parsed.pathname = '/postgres';
  return parsed.toString();
}

export function databaseNameOf(url: string): string | undefined {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  return name === '' ? undefined : name;
}

export function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(name)}`;
  return parsed.toString();
}

/** For log lines: never print a password. */
export function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

export type ProbeResult = { ok: true } | { ok: false; reason: string };

/**
 * Can we connect and authenticate to the server behind `url`? We try the maintenance database,
 * because the target database may legitimately not exist yet.
 */
export async function probePostgres(url: string, timeoutMs = 2_000): Promise<ProbeResult> {
  try {
    await withClient(maintenanceUrl(url), (client) => client.query('SELECT 1'), timeoutMs);
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Creates database `name` on the server behind `serverUrl` unless it exists; resolves true if it
 * created it. Checking first means no CREATEDB privilege is needed when the database is already
 * there; the "already exists" error still has to be tolerated because another process (a parallel
 * test, a second launcher) can create it between our check and our CREATE.
 */
export async function createDatabase(serverUrl: string, name: string): Promise<boolean> {
  return withClient(maintenanceUrl(serverUrl), async (client) => {
    const existing = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (existing.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
      return true;
    } catch (error) {
      if (isAlreadyExists(error)) return false;
      throw error;
    }
  });
}

/**
 * Drops database `name` if it exists. `WITH (FORCE)` (Postgres 13+) terminates the other sessions
 * on it as part of the drop, so a pool that reconnects in between cannot make the drop fail.
 */
export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await withClient(maintenanceUrl(serverUrl), (client) =>
    client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`),
  );
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>, timeoutMs = 5_000): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  // Without a listener, a server-side disconnect while we hold the client would crash the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function isAlreadyExists(error: unknown): boolean {
  const { code, constraint } = (error ?? {}) as { code?: string; constraint?: string };
  // Two concurrent CREATE DATABASE can also collide on the catalog's unique index instead of
  // reporting 42P04, depending on timing.
  return code === DUPLICATE_DATABASE || (code === UNIQUE_VIOLATION && constraint === 'pg_database_datname_index');
}
