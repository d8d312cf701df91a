import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConsumerNames, StreamNames } from '@imagestreams/contracts';
import { connect } from 'nats';
import { createDatabase, dropDatabase, freePort, startPrivateNats, startStack, SERVICE_NAMES, type Stack } from '@imagestreams/stack';
import { bearerHeaders, generateAccessToken } from '@imagestreams/testing';

const POSTGRES_SERVER_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432';

/** Set by withBenchStack: one benchmark process measures one gateway. */
let token: string | undefined;

/**
 * The access token the benchmark presents: the private stack's bootstrap admin (generated and
 * given to it as BOOTSTRAP_ADMIN_TOKEN), or GATEWAY_TOKEN with GATEWAY_URL (unset: no credentials,
 * for a gateway running with AUTHORIZATION=disabled).
 */
export function gatewayToken(): string | undefined {
  return token;
}

/** `Authorization: Bearer <gatewayToken()>`, or nothing when there is no token. */
export function gatewayAuthHeaders(): Record<string, string> {
  return bearerHeaders(token);
}

/**
 * Runs a benchmark against GATEWAY_URL if set (with GATEWAY_TOKEN), otherwise against a private stack
 * (its own NATS server and a fresh database, services on free ports, access control on) that is torn
 * down afterwards, data directory included. `stack` (its service processes, e.g. for a PID) is only
 * given for a private stack; `env` adds settings to the private stack's services.
 */
export async function withBenchStack(run: (gatewayUrl: string, natsUrl?: string, stack?: Stack) => Promise<void>, options: { env?: Record<string, string> } = {}): Promise<void> {
  const existing = process.env['GATEWAY_URL'];
  if (existing) {
    token = process.env['GATEWAY_TOKEN'] || undefined;
    return run(existing, process.env['NATS_URL']);
  }
  const adminToken = generateAccessToken();
  token = adminToken;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'imagestreams-bench-'));
  const databaseName = `imagestreams_bench_${Date.now()}`;
  await createDatabase(`${POSTGRES_SERVER_URL}/postgres`, databaseName);
  const nats = await startPrivateNats({ dataDir });
  try {
    const ports = Object.fromEntries(await Promise.all(SERVICE_NAMES.map(async (name) => [name, await freePort()])));
    const stack = await startStack({
      databaseUrl: `${POSTGRES_SERVER_URL}/${databaseName}`,
      natsUrl: nats.natsUrl,
      dataDir,
      ports,
      quiet: true,
      log: () => undefined,
      readyTimeoutMs: 120_000,
      env: { ...options.env, BOOTSTRAP_ADMIN_TOKEN: adminToken },
    });
    try {
      await run(stack.gatewayUrl, nats.natsUrl, stack);
    } finally {
      await stack.stop();
    }
  } finally {
    try {
      await nats.stop();
      await dropDatabase(`${POSTGRES_SERVER_URL}/postgres`, databaseName);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }
}

export function runBench(main: () => Promise<void>): void {
  main().catch((error: Error) => {
    process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  });
}

/**
 * Waits until the trigger-dispatcher has taken every published event, so a phase that follows a
 * burst of writes measures itself, not the tail of that burst. Gives up after the deadline.
 */
export async function waitForEventsDrained(natsUrl: string | undefined, timeoutMs = 60_000): Promise<void> {
  if (!natsUrl) return;
  const connection = await connect({ servers: natsUrl });
  try {
    const jsm = await connection.jetstreamManager();
    const deadline = Date.now() + timeoutMs;
    // Drained = nothing pending for the consumer AND no new events published (the outbox relay may
    // still be catching up) across one full second of checks.
    let quietSince: number | undefined;
    let lastSequence = -1;
    while (Date.now() < deadline) {
      const consumer = await jsm.consumers.info(StreamNames.imageEvents, ConsumerNames.triggerDispatcherImageEvents);
      const sequence = (await jsm.streams.info(StreamNames.imageEvents)).state.last_seq;
      const quiet = consumer.num_pending === 0 && consumer.num_ack_pending === 0 && sequence === lastSequence;
      lastSequence = sequence;
      quietSince = quiet ? (quietSince ?? Date.now()) : undefined;
      if (quietSince !== undefined && Date.now() - quietSince >= 1_000) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await connection.close();
  }
}
