import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { adminToken, gatewayUrl } from './api';
import { startTlsTerminator, type TlsTerminator } from './tls-terminator';

/**
 * kubectl (Debian's kubernetes-client, or whatever KUBECTL names) against the gateway, through a
 * TLS terminator of its own (kubectl sends credentials over TLS only). No user configuration is
 * read: HOME is a throwaway directory holding the only kubeconfig (whose user carries the access
 * token, the admin's by default) and the discovery cache, so every run asks the gateway afresh.
 */

const execFileAsync = promisify(execFile);
export const KUBECTL = process.env['KUBECTL'] ?? 'kubectl';

export class KubectlError extends Error {
  constructor(
    readonly args: string[],
    readonly exitCode: number | string | undefined,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`kubectl ${args.join(' ')} failed (exit ${exitCode}):\n${stderr.trim() || stdout.trim()}`);
    this.name = 'KubectlError';
  }
}

export class Kubectl {
  private constructor(
    private readonly home: string,
    private readonly tls: TlsTerminator,
  ) {}

  /** As the admin, as the owner of `token`, or anonymous for `null`. */
  static async create(options: { token?: string | null } = {}): Promise<Kubectl> {
    const home = await mkdtemp(path.join(tmpdir(), 'imagestreams-kubectl-'));
    const tls = await startTlsTerminator(gatewayUrl());
    const token = options.token === null ? undefined : (options.token ?? adminToken());
    // kubectl reads JSON kubeconfigs as well as YAML ones.
    const kubeconfig = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'imagestreams', cluster: { server: tls.url, 'certificate-authority-data': Buffer.from(tls.certificatePem).toString('base64') } }],
      users: [{ name: 'e2e', user: token === undefined ? {} : { token } }],
      contexts: [{ name: 'e2e', context: { cluster: 'imagestreams', user: 'e2e' } }],
      'current-context': 'e2e',
    };
    await writeFile(path.join(home, 'kubeconfig'), JSON.stringify(kubeconfig), { mode: 0o600 });
    return new Kubectl(home, tls);
  }

  async dispose(): Promise<void> {
    await this.tls.close();
    await rm(this.home, { recursive: true, force: true });
  }

  private env(): NodeJS.ProcessEnv {
    return { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: this.home, KUBECONFIG: path.join(this.home, 'kubeconfig') };
  }

  private argv(args: string[]): string[] {
    return [`--cache-dir=${path.join(this.home, 'cache')}`, '--request-timeout=20s', ...args];
  }

  /** Runs `kubectl <args>`; throws a KubectlError carrying stderr when it exits non-zero. */
  async run(args: string[], timeoutMs = 30_000): Promise<{ stdout: string; stderr: string }> {
    const argv = this.argv(args);
    try {
      return await execFileAsync(KUBECTL, argv, { env: this.env(), timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' });
    } catch (error) {
      const failed = error as { code?: number | string; stdout?: string; stderr?: string; message: string };
      throw new KubectlError(argv, failed.code, failed.stdout ?? '', failed.stderr ?? failed.message);
    }
  }

  /** `kubectl <args> -o json`, parsed. */
  async json<T>(args: string[]): Promise<T> {
    const { stdout } = await this.run([...args, '-o', 'json']);
    return JSON.parse(stdout) as T;
  }

  /** Starts a long-running kubectl (e.g. `get -w`); the caller waits on its output and kills it. */
  spawn(args: string[]): RunningKubectl {
    return new RunningKubectl(spawn(KUBECTL, this.argv(args), { env: this.env() }));
  }
}

export class RunningKubectl {
  stdout = '';
  stderr = '';
  private exited = false;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => this.append('stdout', chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => this.append('stderr', chunk));
    child.on('exit', () => {
      this.exited = true;
      this.notify();
    });
  }

  private append(stream: 'stdout' | 'stderr', chunk: string): void {
    this[stream] += chunk;
    this.notify();
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }

  /** Resolves once stdout satisfies the predicate; rejects at the deadline or when kubectl exits first. */
  waitForOutput(predicate: (stdout: string) => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (predicate(this.stdout)) finish();
        else if (this.exited) finish(new Error(`kubectl exited before printing ${what}\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`));
      };
      const timer = setTimeout(() => finish(new Error(`kubectl did not print ${what} within ${timeoutMs} ms\nstdout:\n${this.stdout}\nstderr:\n${this.stderr}`)), timeoutMs);
      const finish = (error?: Error) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        if (error) reject(error);
        else resolve();
      };
      this.listeners.add(check);
      check();
    });
  }

  /** Stops kubectl and waits for it to be gone. */
  async kill(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    await gone;
  }
}
