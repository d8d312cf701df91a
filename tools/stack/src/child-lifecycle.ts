import type { ChildProcess } from 'node:child_process';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be spawned at all (e.g. ENOENT). */
  error?: Error;
}

/** Resolves once the child has exited, or failed to spawn (which emits 'error' and no 'exit'). */
export function exitOf(child: ChildProcess): Promise<ExitInfo> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => {
      if (child.pid === undefined) resolve({ code: null, signal: null, error });
    });
  });
}

export function describeExit(info: ExitInfo): string {
  if (info.error) return `failed to spawn: ${info.error.message}`;
  return info.signal ? `killed by ${info.signal}` : `exit code ${info.code}`;
}

export function isRunning(child: ChildProcess | undefined): child is ChildProcess {
  return child !== undefined && child.pid !== undefined && child.exitCode === null && child.signalCode === null;
}

/** An AbortSignal that fires when the child exits, so a readiness wait fails fast instead of at its deadline. */
export function abortWhenExited(exited: Promise<ExitInfo>, what: string): AbortSignal {
  const controller = new AbortController();
  void exited.then((info) => controller.abort(new Error(`${what} exited before it was ready (${describeExit(info)})`)));
  return controller.signal;
}

/**
 * Sends `signal`, waits for the exit, and escalates to SIGKILL after `timeoutMs`.
 *
 * Children are spawned `detached` (their own process group, see `spawnOptions`), so we signal the
 * group: anything the child started itself goes down with it.
 */
export async function stopChild(
  child: ChildProcess,
  exited: Promise<ExitInfo>,
  signal: NodeJS.Signals = 'SIGTERM',
  timeoutMs = 15_000,
): Promise<ExitInfo> {
  if (!isRunning(child)) return exited;
  signalGroup(child, signal);
  if (signal === 'SIGKILL') return exited;
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), timeoutMs);
  try {
    return await exited;
  } finally {
    clearTimeout(timer);
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone, or the child was not spawned detached: fall back to the pid.
    child.kill(signal);
  }
}

const owned = new Set<ChildProcess>();

/**
 * Children we spawn detached do not receive the terminal's Ctrl-C (that is the point: the launcher
 * decides the shutdown order), which also means nothing kills them if the launcher exits without
 * stopping them. This last-resort hook SIGKILLs whatever is still running when this process exits
 * normally or via process.exit(); it cannot help against a SIGKILL of the launcher itself.
 */
export function killOnParentExit(child: ChildProcess): void {
  if (owned.size === 0) process.on('exit', killOwnedChildren);
  owned.add(child);
  child.once('exit', () => {
    owned.delete(child);
    if (owned.size === 0) process.removeListener('exit', killOwnedChildren);
  });
}

function killOwnedChildren(): void {
  for (const child of owned) if (isRunning(child)) signalGroup(child, 'SIGKILL');
}

/**
 * Spawn options shared by every child we manage: own process group (see stopChild and
 * killOnParentExit), output piped so it can be prefixed and tailed.
 */
export function spawnOptions(): { detached: boolean; stdio: ['ignore', 'pipe', 'pipe'] } {
  return { detached: true, stdio: ['ignore', 'pipe', 'pipe'] };
}
