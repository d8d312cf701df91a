import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { abortWhenExited, exitOf, isRunning, killOnParentExit, spawnOptions, stopChild, type ExitInfo } from './child-lifecycle';
import { freePort } from './free-port';
import { forEachLine, LogTail } from './log-tail';
import { canConnectToNats, findNatsServerBinary, MAX_PAYLOAD_BYTES } from './nats-server';
import { waitFor } from './wait-for';

/** What a node's monitoring endpoint `/jsz` says about the JetStream meta group (nats-server 2.9+). */
export interface MetaClusterInfo {
  name?: string;
  /** server_name of the meta leader; absent while there is none. */
  leader?: string;
  cluster_size?: number;
}

/** One nats-server of a cluster; keeps its ports and store across kill/start, like a restarted pod. */
export interface NatsClusterNode {
  /** The node's `server_name` (n1, n2, ...): what JetStream reports as leader or replica. */
  readonly name: string;
  readonly clientUrl: string;
  /** HTTP monitoring (`/varz`, `/jsz`, `/healthz`). */
  readonly monitorUrl: string;
  readonly pid: number | undefined;
  readonly running: boolean;
  /** SIGKILL: no lame-duck mode, no goodbye to routes or clients. */
  kill(): Promise<ExitInfo>;
  /** SIGTERM, SIGKILL after 10 s. */
  stop(): Promise<ExitInfo>;
  /** (Re)starts the node on the same ports and store; resolves once it is back in the cluster and JetStream-healthy. */
  start(): Promise<void>;
  /** GET `/jsz` on this node. */
  jsz(): Promise<{ meta_cluster?: MetaClusterInfo } & Record<string, unknown>>;
  /** GET any monitoring endpoint (`/connz`, `/routez`, `/jsz?streams=true`, ...), parsed; throws unless 200. */
  monitor<T = Record<string, unknown>>(endpoint: string): Promise<T>;
  logTail(): string[];
}

export interface NatsCluster {
  /** Every node's client URL, comma-separated: what services take as NATS_URL. */
  readonly natsUrl: string;
  readonly nodes: readonly NatsClusterNode[];
  node(name: string): NatsClusterNode;
  /** The JetStream meta leader as the running nodes agree on it, or undefined while there is none. */
  metaLeader(): Promise<string | undefined>;
  /** Stops every node, then removes the stores. Idempotent. */
  stop(): Promise<void>;
}

export interface StartNatsClusterOptions {
  /** Number of servers (default 3; JetStream needs a majority of them up). */
  nodes?: number;
  /** Parent of the throw-away directory holding each node's config and JetStream store. */
  dataDir: string;
  log?: (message: string) => void;
  /** Deadline for the cluster (or a restarted node) to be ready (default 30 s). */
  readyTimeoutMs?: number;
}

interface NodePorts {
  client: number;
  cluster: number;
  monitor: number;
}

/**
 * Starts `nodes` nats-server processes on loopback as one JetStream cluster: each with its own
 * client, route and monitoring port and its own store, every node routing to every other. Resolves
 * once every node accepts clients and agrees on a JetStream meta leader of the full cluster size.
 * stop() kills them and removes the stores.
 */
export async function startNatsCluster(options: StartNatsClusterOptions): Promise<NatsCluster> {
  const binary = findNatsServerBinary();
  if (!binary) throw new Error('nats-server not found on PATH or in /usr/sbin: install it (apt-get install nats-server)');
  const size = options.nodes ?? 3;
  if (!Number.isInteger(size) || size < 1) throw new Error(`a NATS cluster needs at least one node, not ${size}`);
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  await mkdir(options.dataDir, { recursive: true });
  const root = await mkdtemp(path.join(path.resolve(options.dataDir), 'nats-cluster-'));
  const clusterName = `imagestreams-${randomBytes(3).toString('hex')}`;

  const ports: NodePorts[] = [];
  const taken = new Set<number>();
  // freePort releases the port before returning it, so ask until we have distinct ones.
  const distinctPort = async (): Promise<number> => {
    for (;;) {
      const port = await freePort();
      if (!taken.has(port)) {
        taken.add(port);
        return port;
      }
    }
  };
  for (let index = 0; index < size; index++) ports.push({ client: await distinctPort(), cluster: await distinctPort(), monitor: await distinctPort() });
  const routes = ports.map((port) => `nats://127.0.0.1:${port.cluster}`);

  const nodes = await Promise.all(
    ports.map(async (port, index) => {
      const name = `n${index + 1}`;
      const storeDir = path.join(root, name);
      await mkdir(storeDir, { recursive: true });
      const configFile = path.join(root, `${name}.conf`);
      await writeFile(configFile, nodeConfig({ name, clusterName, port, storeDir, routes: routes.filter((_, other) => other !== index) }));
      return new ClusterNode(binary, name, configFile, port, readyTimeoutMs, options.log);
    }),
  );

  const cluster: NatsCluster = {
    natsUrl: nodes.map((node) => node.clientUrl).join(','),
    nodes,
    node(name) {
      const found = nodes.find((node) => node.name === name);
      if (!found) throw new Error(`no NATS node ${name} (nodes: ${nodes.map((node) => node.name).join(', ')})`);
      return found;
    },
    async metaLeader() {
      const leaders = await Promise.all(nodes.filter((node) => node.running).map((node) => node.jsz().then((jsz) => jsz.meta_cluster?.leader, () => undefined)));
      const known = leaders.filter((leader): leader is string => Boolean(leader));
      return known.length > 0 && known.every((leader) => leader === known[0]) ? known[0] : undefined;
    },
    stop: (() => {
      let stopping: Promise<void> | undefined;
      return () =>
        (stopping ??= (async () => {
          await Promise.allSettled(nodes.map((node) => node.stop()));
          await rm(root, { recursive: true, force: true });
        })());
    })(),
  };

  try {
    // Routes retry by themselves, so the nodes may come up in any order; all at once is fastest.
    await Promise.all(nodes.map((node) => node.spawn()));
    await waitFor(
      async () => {
        const metas = await Promise.all(nodes.map((node) => node.jsz().then((jsz) => jsz.meta_cluster)));
        const leader = metas[0]?.leader;
        return Boolean(leader) && metas.every((meta) => meta?.leader === leader && meta?.cluster_size === size);
      },
      { timeoutMs: readyTimeoutMs, intervalMs: 200, description: `a ${size}-node JetStream cluster to elect a meta leader` },
    );
    // The meta leader being known is not enough for stream creation: every node must be current.
    await Promise.all(nodes.map((node) => node.waitHealthy()));
  } catch (error) {
    await cluster.stop();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error([reason, ...nodes.flatMap((node) => node.logTail().slice(-10).map((line) => `[${node.name}] ${line}`))].join('\n'));
  }
  options.log?.(`NATS cluster ${clusterName}: ${nodes.map((node) => `${node.name} ${node.clientUrl} (pid ${node.pid})`).join(', ')}`);
  return cluster;
}

function nodeConfig(settings: { name: string; clusterName: string; port: NodePorts; storeDir: string; routes: string[] }): string {
  return [
    `server_name: ${JSON.stringify(settings.name)}`,
    `listen: "127.0.0.1:${settings.port.client}"`,
    `http: "127.0.0.1:${settings.port.monitor}"`,
    // Same limit as the single private server: big image stream replies fit without compression.
    `max_payload: ${MAX_PAYLOAD_BYTES}`,
    `jetstream { store_dir: ${JSON.stringify(settings.storeDir)} }`,
    'cluster {',
    `  name: ${JSON.stringify(settings.clusterName)}`,
    `  listen: "127.0.0.1:${settings.port.cluster}"`,
    `  routes: [${settings.routes.map((route) => JSON.stringify(route)).join(', ')}]`,
    '}',
    '',
  ].join('\n');
}

class ClusterNode implements NatsClusterNode {
  readonly clientUrl: string;
  readonly monitorUrl: string;
  private readonly output = new LogTail(100);
  private child: ChildProcess | undefined;
  private exited: Promise<ExitInfo> = Promise.resolve({ code: null, signal: null });

  constructor(
    private readonly binary: string,
    readonly name: string,
    private readonly configFile: string,
    port: NodePorts,
    private readonly readyTimeoutMs: number,
    private readonly log?: (message: string) => void,
  ) {
    this.clientUrl = `nats://127.0.0.1:${port.client}`;
    this.monitorUrl = `http://127.0.0.1:${port.monitor}`;
  }

  get pid(): number | undefined {
    return isRunning(this.child) ? this.child.pid : undefined;
  }

  get running(): boolean {
    return isRunning(this.child);
  }

  logTail(): string[] {
    return this.output.lines();
  }

  /** Spawns the process and waits until it accepts clients (not yet until JetStream is current). */
  async spawn(): Promise<void> {
    if (this.running) throw new Error(`NATS node ${this.name} is already running (pid ${this.pid})`);
    const child = spawn(this.binary, ['-c', this.configFile], spawnOptions());
    this.child = child;
    this.exited = exitOf(child);
    killOnParentExit(child);
    forEachLine(child.stdout, (line) => this.output.push(line));
    forEachLine(child.stderr, (line) => this.output.push(line));
    await waitFor(() => canConnectToNats(this.clientUrl, 500), {
      timeoutMs: this.readyTimeoutMs,
      intervalMs: 100,
      description: `NATS node ${this.name} on ${this.clientUrl} to accept connections`,
      signal: abortWhenExited(this.exited, `NATS node ${this.name}`),
    });
  }

  /** `/healthz` answers 200 only once the node's JetStream is current with the meta leader and its assets. */
  waitHealthy(): Promise<void> {
    return waitFor(async () => (await getJson(`${this.monitorUrl}/healthz`)).status === 200, {
      timeoutMs: this.readyTimeoutMs,
      intervalMs: 200,
      description: `NATS node ${this.name} to report JetStream healthy (${this.monitorUrl}/healthz)`,
      signal: abortWhenExited(this.exited, `NATS node ${this.name}`),
    });
  }

  async start(): Promise<void> {
    try {
      await this.spawn();
      await this.waitHealthy();
    } catch (error) {
      await this.kill();
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error([reason, ...this.logTail().slice(-20)].join('\n'));
    }
    this.log?.(`NATS node ${this.name} (pid ${this.pid}) is back on ${this.clientUrl}`);
  }

  kill(): Promise<ExitInfo> {
    return this.child ? stopChild(this.child, this.exited, 'SIGKILL') : this.exited;
  }

  stop(): Promise<ExitInfo> {
    return this.child ? stopChild(this.child, this.exited, 'SIGTERM', 10_000) : this.exited;
  }

  jsz(): Promise<{ meta_cluster?: MetaClusterInfo } & Record<string, unknown>> {
    return this.monitor('/jsz');
  }

  async monitor<T = Record<string, unknown>>(endpoint: string): Promise<T> {
    const { status, body } = await getJson(`${this.monitorUrl}${endpoint}`);
    if (status !== 200) throw new Error(`GET ${this.monitorUrl}${endpoint} answered ${status}`);
    return body as T;
  }
}

/** One GET without keep-alive (no pooled socket outlives the call), body parsed as JSON when it is. */
function getJson(url: string, timeoutMs = 2_000): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false, timeout: timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // not JSON (e.g. an error page): keep the text
        }
        resolve({ status: response.statusCode ?? 0, body });
      });
      response.on('error', reject);
    });
    request.once('timeout', () => request.destroy(new Error(`no response within ${timeoutMs} ms`)));
    request.once('error', reject);
  });
}
