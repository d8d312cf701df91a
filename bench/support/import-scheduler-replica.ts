/**
 * One importer replica for bench/import-schedule.bench.ts, in a process of its own so that what
 * the bench measures (RSS, CPU) is the importer's and not the bench's.
 *
 * The production wiring (SchedulerReplicaModule: PersistenceModule with the importer's schema and
 * migrations, ImportsModule with a real RegistryClient, so a real ImportScheduler) created with
 * NestFactory.createApplicationContext, with ImporterConfig's defaults except
 * IMPORT_MAX_PER_MINUTE = 0 (unlimited), IMPORT_SCHEDULER_BATCH = REPLICA_BATCH and loopback
 * allowed. stream-service's OwnerClient is a recorder. No logging, metrics or tracing modules.
 *
 * Spawned by the bench with an IPC channel and REPLICA_DATABASE_URL, REPLICA_SCHEMA,
 * REPLICA_APPLICATION_NAME and REPLICA_BATCH in its environment. It sends `{ type: 'ready' }` once
 * the application context is up, then answers the bench's messages (ReplicaRequest → ReplicaReply):
 * `begin` starts the measurement of a pass (event loop utilization, the heap/external breakdown of
 * its own RSS samples, the undici request count), `end` reports it (after a full GC when run with
 * --expose-gc), `stop` closes the application context and exits. It exits as well when the bench
 * goes away (IPC disconnect).
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { subscribe } from 'node:diagnostics_channel';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { NestFactory } from '@nestjs/core';
import { SecretKeyRing } from '@imagestreams/platform-secrets';
import { importsOptions } from '../../apps/importer/src/imports/imports-options';
import { ImporterConfig } from '../../apps/importer/src/importer.config';
import { RecordingOwnerClient, SchedulerReplicaModule } from '../../apps/importer/src/schedules/scheduler-replica.fixture';

export type ReplicaRequest = { type: 'begin' } | { type: 'end' } | { type: 'stop' };

/** MB = MiB, from process.memoryUsage(). */
export interface MemoryBreakdown {
  rssMB: number;
  heapTotalMB: number;
  heapUsedMB: number;
  externalMB: number;
  arrayBuffersMB: number;
}

export type ReplicaReply =
  | { type: 'ready'; pid: number }
  | { type: 'begun'; ownerCalls: number }
  | {
      type: 'ended';
      /** Calls to stream-service's OwnerClient since the process started (the recorder's count). */
      ownerCalls: number;
      /** Requests undici created since `begin` (RegistryClient's agent included). */
      clientRequests: number;
      eventLoopUtilization: number;
      /** The largest of this process's own process.memoryUsage() samples since `begin` (every SAMPLE_INTERVAL_MS), to tell the V8 heap from the rest. */
      atMax: MemoryBreakdown;
      /** heapUsed after a full GC at `end` (null unless run with --expose-gc). */
      heapUsedAfterFullGcMB: number | null;
    }
  | { type: 'stopped'; ownerCalls: number };

const SAMPLE_INTERVAL_MS = 100;
const MIB = 1024 * 1024;
const round = (value: number) => Number(value.toFixed(1));

function breakdown(usage: NodeJS.MemoryUsage): MemoryBreakdown {
  return {
    rssMB: round(usage.rss / MIB),
    heapTotalMB: round(usage.heapTotal / MIB),
    heapUsedMB: round(usage.heapUsed / MIB),
    externalMB: round(usage.external / MIB),
    arrayBuffersMB: round(usage.arrayBuffers / MIB),
  };
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (this process is started by bench/import-schedule.bench.ts)`);
  return value;
}

async function main(): Promise<void> {
  const send = (reply: ReplicaReply) => new Promise<void>((resolve) => (process.send ? process.send(reply, undefined, undefined, () => resolve()) : resolve()));
  const config = new ImporterConfig();
  config.IMPORT_MAX_PER_MINUTE = 0;
  config.IMPORT_SCHEDULER_BATCH = Number(required('REPLICA_BATCH'));
  config.IMPORT_ALLOW_LOOPBACK = true;
  const { settings, client } = importsOptions(config);
  const sealer = SecretKeyRing.fromConfig(randomBytes(32).toString('base64'), '', '');
  const owner = new RecordingOwnerClient();
  const module = SchedulerReplicaModule.register({
    databaseUrl: required('REPLICA_DATABASE_URL'),
    schema: required('REPLICA_SCHEMA'),
    applicationName: required('REPLICA_APPLICATION_NAME'),
    settings,
    client,
    sealer,
    owner,
  });
  const app = await NestFactory.createApplicationContext(module, { logger: ['error', 'warn'] });

  let clientRequests = 0;
  subscribe('undici:request:create', () => {
    clientRequests++;
  });
  let elu: EventLoopUtilization | undefined;
  let max = process.memoryUsage();
  let sampler: NodeJS.Timeout | undefined;
  const sample = () => {
    const usage = process.memoryUsage();
    if (usage.rss > max.rss) max = usage;
  };

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      clearInterval(sampler);
      await app.close();
      await send({ type: 'stopped', ownerCalls: owner.calls.length });
      if (process.connected) process.disconnect();
      // Normally nothing is left to keep the process alive; if something is, do not make the bench wait for its SIGKILL.
      setTimeout(() => process.exit(0), 5000).unref();
    })();
    return stopping;
  };

  process.on('message', (request: ReplicaRequest) => {
    if (request.type === 'begin') {
      clientRequests = 0;
      elu = performance.eventLoopUtilization();
      max = process.memoryUsage();
      clearInterval(sampler);
      sampler = setInterval(sample, SAMPLE_INTERVAL_MS);
      void send({ type: 'begun', ownerCalls: owner.calls.length });
    } else if (request.type === 'end') {
      clearInterval(sampler);
      sample();
      const eventLoopUtilization = Number(performance.eventLoopUtilization(elu).utilization.toFixed(3));
      const gc = (globalThis as { gc?: () => void }).gc;
      gc?.();
      void send({
        type: 'ended',
        ownerCalls: owner.calls.length,
        clientRequests,
        eventLoopUtilization,
        atMax: breakdown(max),
        heapUsedAfterFullGcMB: gc ? round(process.memoryUsage().heapUsed / MIB) : null,
      });
    } else if (request.type === 'stop') {
      void stop();
    }
  });
  process.once('disconnect', () => void stop());
  await send({ type: 'ready', pid: process.pid });
}

if (process.send) {
  main().catch((error: Error) => {
    process.stderr.write(`import-scheduler-replica failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  });
}
