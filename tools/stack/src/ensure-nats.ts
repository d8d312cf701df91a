import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { canConnectToNats, spawnNatsServer, type NatsHandle } from './nats-server';

export type { NatsHandle } from './nats-server';

export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

export interface EnsureNatsOptions {
  /** Preferred server; defaults to DEFAULT_NATS_URL. */
  natsUrl?: string;
  /** A spawned server keeps its JetStream store in `<dataDir>/nats`, so streams survive restarts. */
  dataDir: string;
  log: (message: string) => void;
}

/** Uses the preferred NATS server if one answers, else spawns a local nats-server with JetStream. */
export async function ensureNats(options: EnsureNatsOptions): Promise<NatsHandle> {
  const preferred = options.natsUrl ?? DEFAULT_NATS_URL;
  if (await canConnectToNats(preferred, 1_000)) {
    options.log(`using NATS at ${preferred}`);
    return { natsUrl: preferred, stop: async () => undefined };
  }
  options.log(`NATS at ${preferred} is not reachable; starting nats-server`);
  return spawnNatsServer({ storeDir: path.join(path.resolve(options.dataDir), 'nats'), log: options.log });
}

export interface StartPrivateNatsOptions {
  /** Parent of the throw-away JetStream store directory. */
  dataDir: string;
  log?: (message: string) => void;
}

/**
 * Always spawns a fresh nats-server with an empty JetStream store, so a test sees no streams,
 * consumers or messages from any other test or from a developer's running stack. stop() removes
 * the store again.
 */
export async function startPrivateNats(options: StartPrivateNatsOptions): Promise<NatsHandle> {
  await mkdir(options.dataDir, { recursive: true });
  const storeDir = await mkdtemp(path.join(path.resolve(options.dataDir), 'nats-private-'));
  const removeStore = () => rm(storeDir, { recursive: true, force: true });
  let server: NatsHandle;
  try {
    server = await spawnNatsServer({ storeDir, log: options.log });
  } catch (error) {
    await removeStore();
    throw error;
  }
  let stopping: Promise<void> | undefined;
  return {
    natsUrl: server.natsUrl,
    stop: () => (stopping ??= server.stop().then(removeStore)),
  };
}
