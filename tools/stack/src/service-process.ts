import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import {
  abortWhenExited,
  describeExit,
  exitOf,
  isRunning,
  killOnParentExit,
  spawnOptions,
  stopChild,
  type ExitInfo,
} from './child-lifecycle';
import { isPortFree } from './free-port';
import { forEachLine, LogTail } from './log-tail';
import { REPO_ROOT } from './repo-root';
import { serviceDefinition, type ServiceName } from './services';
import { waitForHttpOk } from './wait-for';

/** `label` is the process's name in logs: the service, and `#<n>` for a replica. */
export type LogSink = (line: string, stream: 'stdout' | 'stderr', label: string) => void;

export interface ServiceProcessOptions {
  name: ServiceName;
  port: number;
  /** Extra environment on top of the parent's; HTTP_PORT is always set from `port`. */
  env?: Record<string, string>;
  /** Do not echo output; it is still kept in the log tail for error reports. */
  quiet?: boolean;
  /** Where output lines go; overrides the default `[name] ` prefixed echo to our stdout. */
  sink?: LogSink;
  /** Run the JavaScript `npm run build:compiled` wrote (as the container image does) instead of the sources through ts-node. */
  compiled?: boolean;
  /** How long start() waits for /readyz (default 60 s: five ts-node services on two cores are CPU bound). */
  readyTimeoutMs?: number;
  repoRoot?: string;
  /** Which replica this is (1, 2, ...) when a service runs more than once; shown in its log prefix. */
  replica?: number;
}

/** Raised when a service does not become ready; carries what it printed for the report. */
export class ServiceStartError extends Error {
  constructor(
    readonly service: ServiceName,
    reason: string,
    readonly logTail: string[],
  ) {
    super(`${service} failed to start: ${reason}`);
    this.name = 'ServiceStartError';
  }
}

const TAIL_LINES = 200;
const NOT_STARTED: Promise<ExitInfo> = Promise.resolve({ code: null, signal: null });

/**
 * One service as a child process, run from TypeScript sources through ts-node (transpile-only,
 * so start-up does not pay for type checking) with tsconfig-paths resolving `@imagestreams/*`.
 */
export class ServiceProcess {
  readonly name: ServiceName;
  readonly port: number;
  readonly url: string;
  /** Which replica this is, when the service runs more than once. */
  readonly replica: number | undefined;
  /** The name, with the replica number when there is one (`trigger-dispatcher#2`). */
  readonly label: string;
  private readonly options: ServiceProcessOptions;
  private readonly tail = new LogTail(TAIL_LINES);
  private child?: ChildProcess;
  private exitPromise: Promise<ExitInfo> = NOT_STARTED;

  constructor(options: ServiceProcessOptions) {
    this.options = options;
    this.name = options.name;
    this.port = options.port;
    this.url = `http://127.0.0.1:${options.port}`;
    this.replica = options.replica;
    this.label = options.replica === undefined ? options.name : `${options.name}#${options.replica}`;
  }

  get pid(): number | undefined {
    return isRunning(this.child) ? this.child.pid : undefined;
  }

  get running(): boolean {
    return isRunning(this.child);
  }

  /** Settles when the current process exits (immediately if it was never started). */
  get exited(): Promise<ExitInfo> {
    return this.exitPromise;
  }

  /** The last lines the service printed (kept even in quiet mode). */
  logTail(): string[] {
    return this.tail.lines();
  }

  /**
   * Spawns the service and resolves once GET /readyz answers 200. Rejects early, with the log
   * tail, if the process exits first; on a timeout or abort the process is killed so a failed
   * start leaves nothing running.
   */
  async start(signal?: AbortSignal): Promise<void> {
    if (this.running) throw new Error(`${this.name} is already running (pid ${this.pid})`);
    if (!(await isPortFree(this.port))) {
      throw new ServiceStartError(this.name, `port ${this.port} is already in use by another process`, []);
    }
    const root = this.options.repoRoot ?? REPO_ROOT;
    this.tail.clear();

    const { entry, nodeArgs } = serviceDefinition(this.name);
    const child = spawn(
      process.execPath,
      [
        ...nodeArgs,
        // e.g. STACK_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile every service of a benchmark (NODE_OPTIONS refuses --cpu-prof).
        ...(process.env['STACK_NODE_ARGS'] ?? '').split(' ').filter(Boolean),
        ...(this.options.compiled
        ? ['-r', path.join(root, 'tools', 'register-compiled-paths.js'), path.join(root, 'dist', 'compiled', entry.replace(/\.ts$/, '.js'))]
        : ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', entry]),
      ],
      {
        ...spawnOptions(),
        cwd: root,
        env: {
          ...process.env,
          ...this.options.env,
          HTTP_PORT: String(this.port),
          // Both ts-node and tsconfig-paths read this to find compiler options and path aliases.
          TS_NODE_PROJECT: path.join(root, 'tools', 'tsconfig.json'),
        },
      },
    );
    this.child = child;
    this.exitPromise = exitOf(child);
    killOnParentExit(child);
    forEachLine(child.stdout, (line) => this.onLine(line, 'stdout'));
    forEachLine(child.stderr, (line) => this.onLine(line, 'stderr'));

    const exitedEarly = abortWhenExited(this.exitPromise, 'the process');
    try {
      await waitForHttpOk(`${this.url}/readyz`, this.options.readyTimeoutMs ?? 60_000, {
        signal: signal ? AbortSignal.any([exitedEarly, signal]) : exitedEarly,
      });
    } catch (error) {
      await this.kill();
      throw new ServiceStartError(this.name, error instanceof Error ? error.message : String(error), this.logTail());
    }
    // Someone else may have bound the port after our check; then their /readyz answered, not ours.
    if (!this.running) {
      throw new ServiceStartError(this.name, `the process exited (${describeExit(await this.exitPromise)})`, this.logTail());
    }
  }

  /** Asks the service to shut down gracefully; SIGKILL if it has not exited after `timeoutMs`. */
  stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<ExitInfo> {
    return this.child ? stopChild(this.child, this.exitPromise, signal, timeoutMs) : this.exitPromise;
  }

  /** Hard kill, e.g. to test crash recovery. */
  kill(): Promise<ExitInfo> {
    return this.stop('SIGKILL');
  }

  async restart(signal?: AbortSignal): Promise<void> {
    await this.stop();
    await this.start(signal);
  }

  private onLine(line: string, stream: 'stdout' | 'stderr'): void {
    this.tail.push(line);
    if (this.options.sink) this.options.sink(line, stream, this.label);
    else if (!this.options.quiet) process.stdout.write(`[${this.label}] ${line}\n`);
  }
}
