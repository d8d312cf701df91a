import path from 'node:path';
import { startEmbeddedPostgres } from './embedded-postgres';
import { createDatabase, databaseNameOf, probePostgres, redactUrl, withDatabaseName } from './postgres-admin';

// Tests need these next to ensurePostgres; they live in postgres-admin with the other SQL.
export { createDatabase, dropDatabase } from './postgres-admin';

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/imagestreams';
const DEFAULT_DATABASE_NAME = 'imagestreams';

export interface EnsurePostgresOptions {
  /** Preferred server and database; defaults to DEFAULT_DATABASE_URL. */
  databaseUrl?: string;
  /** The embedded fallback keeps its cluster in `<dataDir>/postgres`. */
  dataDir: string;
  log: (message: string) => void;
  /** How long to try the preferred server before falling back (default 2 s). */
  probeTimeoutMs?: number;
}

export interface PostgresHandle {
  databaseUrl: string;
  /** True when we started an embedded server (and stop() stops it); false for an existing server. */
  embedded: boolean;
  stop(): Promise<void>;
}

/**
 * Gives the caller a Postgres database to use: the preferred server if it is reachable, else an
 * embedded server we start. Either way the target database exists when this resolves.
 */
export async function ensurePostgres(options: EnsurePostgresOptions): Promise<PostgresHandle> {
  const { dataDir, log } = options;
  const preferred = options.databaseUrl ?? DEFAULT_DATABASE_URL;
  const name = databaseNameOf(preferred) ?? DEFAULT_DATABASE_NAME;

  const probe = await probePostgres(preferred, options.probeTimeoutMs ?? 2_000);
  if (probe.ok) {
    const databaseUrl = withDatabaseName(preferred, name);
    if (await createDatabase(databaseUrl, name)) log(`created database "${name}"`);
    log(`using Postgres at ${redactUrl(databaseUrl)}`);
    return { databaseUrl, embedded: false, stop: async () => undefined };
  }

  log(`Postgres at ${redactUrl(preferred)} is not reachable (${probe.reason}); starting embedded Postgres`);
  const server = await startEmbeddedPostgres({ dir: path.join(path.resolve(dataDir), 'postgres'), log });
  try {
    const databaseUrl = withDatabaseName(server.serverUrl, name);
    await createDatabase(databaseUrl, name);
    return { databaseUrl, embedded: true, stop: server.stop };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
