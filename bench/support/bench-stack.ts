import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDatabase, dropDatabase, freePort, startPrivateNats, startStack, SERVICE_NAMES } from '@imagestreams/stack';

const POSTGRES_SERVER_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432';

/**
 * Runs a benchmark against GATEWAY_URL if set, otherwise against a private stack (its own NATS
 * server and a fresh database, services on free ports) that is torn down afterwards.
 */
export async function withBenchStack(run: (gatewayUrl: string) => Promise<void>): Promise<void> {
  const existing = process.env['GATEWAY_URL'];
  if (existing) return run(existing);
  const dataDir = await mkdtemp(path.join(tmpdir(), 'imagestreams-bench-'));
  const databaseName = `imagestreams_bench_${Date.now()}`;
  await createDatabase(`${POSTGRES_SERVER_URL}/postgres`, databaseName);
  const nats = await startPrivateNats({ dataDir });
  try {
    const ports = Object.fromEntries(await Promise.all(SERVICE_NAMES.map(async (name) => [name, await freePort()])));
    const stack = await startStack({ databaseUrl: `${POSTGRES_SERVER_URL}/${databaseName}`, natsUrl: nats.natsUrl, dataDir, ports, quiet: true, log: () => undefined, readyTimeoutMs: 120_000 });
    try {
      await run(stack.gatewayUrl);
    } finally {
      await stack.stop();
    }
  } finally {
    await nats.stop();
    await dropDatabase(`${POSTGRES_SERVER_URL}/postgres`, databaseName);
  }
}

export function runBench(main: () => Promise<void>): void {
  main().catch((error: Error) => {
    process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  });
}
