import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { ensureNats } from './ensure-nats';
import { ensurePostgres } from './ensure-postgres';
import { freePort } from './free-port';
import { ServiceProcess, type LogSink } from './service-process';
import { SERVICE_NAMES, serviceDefinition, type ServiceName } from './services';

export interface StackOptions {
  /** Used as-is when given (nothing is probed, created or started); otherwise see ensurePostgres. */
  databaseUrl?: string;
  /** Used as-is when given; otherwise see ensureNats. */
  natsUrl?: string;
  /** Passed to the services as DATA_DIR; also holds a fallback Postgres cluster and NATS store. */
  dataDir: string;
  ports?: Partial<Record<ServiceName, number>>;
  /** Extra environment for every service; wins over the defaults below. */
  env?: Record<string, string>;
  /** Services log at warn and their output is not echoed (still kept for error reports). */
  quiet?: boolean;
  /** Where every service's output lines go instead of our stdout (e.g. a file kept for a failure report). */
  serviceOutput?: LogSink;
  log?: (message: string) => void;
  /** Which services to run (default: all five). */
  services?: ServiceName[];
  /**
   * Processes per service (default 1), for all services or per service. The first replica listens
   * on `ports[name]` (or the default port), the others on free ports; they share everything else.
   */
  replicas?: number | Partial<Record<ServiceName, number>>;
  /** Per-service readiness deadline (default 60 s). */
  readyTimeoutMs?: number;
  /**
   * Run the services from `dist/compiled` (`npm run build:compiled`), as the container image does;
   * default: `STACK_RUNTIME=compiled` in the environment, else the sources through ts-node.
   */
  compiled?: boolean;
  /** Aborting gives up a start-up in progress (e.g. Ctrl-C); whatever started is stopped again. */
  signal?: AbortSignal;
}

export interface Stack {
  readonly gatewayUrl: string;
  /** Every registry-gateway replica's URL (the first is `gatewayUrl`); there is no load balancer in front. */
  readonly gatewayUrls: readonly string[];
  readonly databaseUrl: string;
  readonly natsUrl: string;
  /** Every process, replicas included. */
  readonly services: readonly ServiceProcess[];
  /** The service's (first) process. */
  service(name: ServiceName): ServiceProcess;
  /** All processes of a service, first replica first. */
  replicas(name: ServiceName): readonly ServiceProcess[];
  /** Stops the services (in parallel, gracefully), then the NATS and Postgres it started. Idempotent. */
  stop(): Promise<void>;
}

interface Infrastructure {
  databaseUrl: string;
  natsUrl: string;
  stop(): Promise<void>;
}

/**
 * Brings up the whole system locally: Postgres and NATS (reusing running servers where possible),
 * then the services, and resolves once every service reports ready. On failure everything that
 * was started is stopped again before the error is rethrown (a ServiceStartError for a service).
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const log = options.log ?? ((message: string) => console.log(`[stack] ${message}`));
  const dataDir = path.resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });

  const names = options.services ?? [...SERVICE_NAMES];
  const ports = new Map(names.map((name) => [name, options.ports?.[name] ?? serviceDefinition(name).defaultPort]));
  assertDistinctPorts(ports);
  const replicaCount = (name: ServiceName) => (typeof options.replicas === 'number' ? options.replicas : (options.replicas?.[name] ?? 1));
  for (const name of names) {
    const count = replicaCount(name);
    if (!Number.isInteger(count) || count < 1) throw new Error(`${name}: replicas must be a positive integer, not ${count}`);
  }
  // Replicas after the first get free ports, distinct from every configured one.
  const extraPorts = new Map<ServiceName, number[]>();
  const taken = new Set(ports.values());
  for (const name of names) {
    const extra: number[] = [];
    while (extra.length < replicaCount(name) - 1) {
      const port = await freePort();
      if (taken.has(port)) continue;
      taken.add(port);
      extra.push(port);
    }
    extraPorts.set(name, extra);
  }

  // As a tool (not a service) the stack may read the environment directly.
  const compiled = options.compiled ?? process.env['STACK_RUNTIME'] === 'compiled';
  const infra = await startInfrastructure(options, dataDir, log);
  const env = {
    DATABASE_URL: infra.databaseUrl,
    NATS_URL: infra.natsUrl,
    HTTP_HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: options.quiet ? 'warn' : 'info',
    // A stack on one machine: its webhook receivers (tests, benches, the README's walk-through) are
    // local too. Deployments (deploy/, docker-compose) keep the SSRF guard's default of refusing them.
    WEBHOOK_ALLOW_LOOPBACK: 'true',
    ...options.env,
  };
  const processes = names.flatMap((name) =>
    [ports.get(name) ?? 0, ...(extraPorts.get(name) ?? [])].map(
      (port, index) =>
        new ServiceProcess({ name, port, env, quiet: options.quiet, sink: options.serviceOutput, readyTimeoutMs: options.readyTimeoutMs, compiled, replica: replicaCount(name) > 1 ? index + 1 : undefined }),
    ),
  );

  const stopAll = async () => {
    await Promise.allSettled(processes.map((service) => service.stop()));
    await infra.stop();
  };

  // All services start at once: on a two-core machine their ts-node start-up is CPU bound, so this
  // is not much faster than one after another, but it is never slower, and the readiness deadline
  // is sized for everyone booting together.
  log(`starting ${processes.map((service) => service.label).join(', ')}`);
  const results = await Promise.allSettled(
    processes.map((service) => (options.signal?.aborted ? Promise.reject(options.signal.reason) : service.start(options.signal))),
  );
  const failures = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
  if (failures.length > 0) {
    await stopAll();
    for (const extra of failures.slice(1)) log(extra instanceof Error ? extra.message : String(extra));
    throw failures[0];
  }

  let stopping: Promise<void> | undefined;
  const gatewayPort = options.ports?.['registry-gateway'] ?? serviceDefinition('registry-gateway').defaultPort;
  return {
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    gatewayUrls: processes.filter((service) => service.name === 'registry-gateway').map((service) => service.url),
    databaseUrl: infra.databaseUrl,
    natsUrl: infra.natsUrl,
    services: processes,
    service(name) {
      const found = processes.find((service) => service.name === name);
      if (!found) throw new Error(`${name} is not part of this stack (started: ${names.join(', ')})`);
      return found;
    },
    replicas(name) {
      const found = processes.filter((service) => service.name === name);
      if (found.length === 0) throw new Error(`${name} is not part of this stack (started: ${names.join(', ')})`);
      return found;
    },
    stop: () => (stopping ??= stopAll()),
  };
}

/** Postgres and NATS are independent, so they come up side by side; a half-started pair is undone. */
async function startInfrastructure(
  options: StackOptions,
  dataDir: string,
  log: (message: string) => void,
): Promise<Infrastructure> {
  const asIs = async (url: string) => ({ url, stop: async () => undefined });
  const [postgres, nats] = await Promise.allSettled([
    options.databaseUrl
      ? asIs(options.databaseUrl)
      : ensurePostgres({ dataDir, log }).then((handle) => ({ url: handle.databaseUrl, stop: handle.stop })),
    options.natsUrl
      ? asIs(options.natsUrl)
      : ensureNats({ dataDir, log }).then((handle) => ({ url: handle.natsUrl, stop: handle.stop })),
  ]);

  if (postgres.status === 'rejected' || nats.status === 'rejected' || options.signal?.aborted) {
    if (nats.status === 'fulfilled') await nats.value.stop();
    if (postgres.status === 'fulfilled') await postgres.value.stop();
    if (postgres.status === 'rejected') throw postgres.reason;
    if (nats.status === 'rejected') throw nats.reason;
    throw options.signal?.reason;
  }
  return {
    databaseUrl: postgres.value.url,
    natsUrl: nats.value.url,
    // Only called once the services are gone, so the two can stop side by side.
    stop: async () => {
      await Promise.allSettled([nats.value.stop(), postgres.value.stop()]);
    },
  };
}

function assertDistinctPorts(ports: Map<ServiceName, number>): void {
  const seen = new Map<number, ServiceName>();
  for (const [name, port] of ports) {
    const other = seen.get(port);
    if (other) throw new Error(`${name} and ${other} are both configured for HTTP port ${port}`);
    seen.set(port, name);
  }
}
