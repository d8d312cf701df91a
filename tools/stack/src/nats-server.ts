import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { connect } from 'nats';
import { abortWhenExited, exitOf, killOnParentExit, spawnOptions, stopChild } from './child-lifecycle';
import { freePort } from './free-port';
import { forEachLine, LogTail } from './log-tail';
import { waitFor } from './wait-for';

export interface NatsHandle {
  natsUrl: string;
  stop(): Promise<void>;
}

// Debian installs the server in /usr/sbin, which is not on a normal user's PATH.
const EXTRA_LOCATIONS = ['/usr/sbin/nats-server'];

export function findNatsServerBinary(): string | undefined {
  const onPath = (process.env['PATH'] ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, 'nats-server'));
  return [...onPath, ...EXTRA_LOCATIONS].find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Connects and disconnects once; used both to detect an existing server and to wait for ours. */
export async function canConnectToNats(natsUrl: string, timeoutMs = 1_000): Promise<boolean> {
  try {
    const connection = await connect({ servers: natsUrl, timeout: timeoutMs, reconnect: false });
    await connection.close();
    return true;
  } catch {
    return false;
  }
}

/** 8 MiB: the largest image stream replies fit without compression. */
export const MAX_PAYLOAD_BYTES = 8 * 1024 * 1024;

export interface SpawnNatsServerOptions {
  /** JetStream store directory (`-sd`). */
  storeDir: string;
  log?: (message: string) => void;
  readyTimeoutMs?: number;
}

/** Runs `nats-server` with JetStream on a free loopback port and waits until it accepts clients. */
export async function spawnNatsServer(options: SpawnNatsServerOptions): Promise<NatsHandle> {
  const binary = findNatsServerBinary();
  if (!binary) {
    throw new Error(
      'nats-server not found on PATH or in /usr/sbin: install it (apt-get install nats-server) or set NATS_URL to a running server',
    );
  }
  await mkdir(options.storeDir, { recursive: true });
  const port = await freePort();
  const natsUrl = `nats://127.0.0.1:${port}`;
  const output = new LogTail(50);

  // Big image streams answer with more than NATS's 1 MiB default payload; owners deflate replies
  // that would not fit, but a larger limit saves that work (nats-server takes it from a file only).
  const configFile = path.join(options.storeDir, 'nats-server.conf');
  await writeFile(configFile, `max_payload: ${MAX_PAYLOAD_BYTES}\n`);
  const child = spawn(binary, ['-c', configFile, '-js', '-a', '127.0.0.1', '-p', String(port), '-sd', options.storeDir], spawnOptions());
  const exited = exitOf(child);
  killOnParentExit(child);
  forEachLine(child.stdout, (line) => output.push(line));
  forEachLine(child.stderr, (line) => output.push(line));

  try {
    await waitFor(() => canConnectToNats(natsUrl, 500), {
      timeoutMs: options.readyTimeoutMs ?? 15_000,
      intervalMs: 100,
      description: `nats-server on ${natsUrl} to accept connections`,
      signal: abortWhenExited(exited, 'nats-server'),
    });
  } catch (error) {
    await stopChild(child, exited, 'SIGKILL');
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error([reason, ...output.lines()].join('\n'));
  }
  options.log?.(`nats-server (pid ${child.pid}) listening on ${natsUrl}, JetStream store ${options.storeDir}`);

  let stopping: Promise<void> | undefined;
  return {
    natsUrl,
    stop: () => (stopping ??= stopChild(child, exited, 'SIGTERM', 10_000).then(() => undefined)),
  };
}
