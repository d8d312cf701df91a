/**
 * Three importer replicas share one schedule: 1,000 scheduled tags, three check intervals, real
 * Postgres (a fresh schema, the importer's own migrations) and a real HTTP server standing in for
 * the upstream registry. Each replica is the production wiring (SchedulerReplicaModule:
 * PersistenceModule + ImportsModule, so a real ImportScheduler, ScheduledTagsRepository,
 * ImageImporter and RegistryClient); only stream-service's OwnerClient is a recorder, because DI
 * needs one and nothing may call it: every upstream digest equals the row's last_digest, so a
 * check is one HEAD and nothing is imported. A warm-up batch of other tags (removed, with its
 * log, before the run) gets the JIT and the connection pools going.
 *
 * The upstream server logs every HEAD (which tag, which replica by User-Agent, when). Replica 3 is
 * killed in the first re-check pass: from its first request after KILL_AFTER_CHECKS checks on, the
 * server never answers it, so its claimed batch is stuck in flight and its loop never runs again
 * (a frozen or crashed process, as far as Postgres can tell). Its leased rows are read from the
 * database at that moment.
 *
 * From the log, per tag (the run lasts until every tag has four checks, or the latest time the
 * bounds allow):
 * - the first check falls in the first interval;
 * - consecutive checks are at least INTERVAL × (1 − JITTER) apart (never twice in an interval) and
 *   at most INTERVAL × (1 + JITTER) + LATENESS_MS apart (none missed): at least four checks (the
 *   initial one and one in each of three intervals), the last one recent;
 * - a tag the dead replica held is checked again by a live replica once its lease ran out (not
 *   before), within LATENESS_MS of it: the dead replica's own check and that rescue are the only
 *   pair allowed closer than an interval, and the gap before the rescue counts up to the dead
 *   replica's claim.
 * Then the live replicas stop gracefully (their passes in flight finish without reporting
 * anything), and the dead one wakes up after being asked to stop: its stale pass writes nothing,
 * because its leases went to others. Through all of it stream-service is never called and nothing
 * is logged as a warning or error.
 */
import type { LoggerService } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { openServiceDataSource } from '@imagestreams/platform-persistence';
import type { RegistryClientOptions } from '@imagestreams/platform-registry-client';
import { SecretKeyRing } from '@imagestreams/platform-secrets';
import { testDatabaseUrl } from '@imagestreams/testing';
import type { DataSource } from 'typeorm';
import type { ImportSettings } from '../imports/import-settings';
import { IMPORTER_MIGRATIONS, RecordingOwnerClient, SchedulerReplicaModule } from './scheduler-replica.fixture';

const TAGS = 1000;
const WARMUP_TAGS = 300;
const REPLICAS = 3;
const DEAD_REPLICA = 3;
const INTERVALS = 3;
/**
 * 1,000 checks per interval cost this process about 1.5 ms of CPU each (both ends of every HEAD
 * live here, and the registry client opens a connection per HEAD): 6 s keeps the demand near 0.25
 * of a core, so a busy machine does not turn slowness into "missed" checks.
 */
const INTERVAL_MS = 6000;
const JITTER = 0.1;
const TICK_MS = 100;
const BATCH = 100;
const LEASE_MS = 2000;
/** Timestamps come from Date.now() (server, scheduler) and Postgres' clock (leases): same clock, ms rounding. */
const CLOCK_TOLERANCE_MS = 50;
/**
 * How long after it is due a check may reach the registry: a tick, plus waiting behind other
 * batches, plus what a loaded two-core CI machine adds (three replicas, the registry and this
 * process share it; 1.5 s was exceeded by 30-600 ms there). Correctness (nothing missed, nothing
 * twice, rescue only after the lease) does not depend on it.
 */
const LATENESS_MS = 3000;
const MIN_GAP_MS = INTERVAL_MS * (1 - JITTER) - CLOCK_TOLERANCE_MS;
const MAX_GAP_MS = INTERVAL_MS * (1 + JITTER) + LATENESS_MS;
/** Every tag's first check falls in the first interval (all 1,000 are due at once: one burst). */
const INITIAL_PASS_MS = INTERVAL_MS;
/** Replica 3 dies on its first request after this many checks: a quarter into the first re-check pass. */
const KILL_AFTER_CHECKS = TAGS + TAGS / 4;
/** The latest the bounds above allow the third re-check of a rescued tag. */
const RUN_DEADLINE_MS = INITIAL_PASS_MS + INTERVALS * MAX_GAP_MS + LEASE_MS;

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

interface UpstreamCheck {
  /** `repository:tag`, the row's source without the registry. */
  reference: string;
  replica: number;
  at: number;
  held: boolean;
}

const digestOf = (reference: string) => `sha256:${createHash('sha256').update(reference).digest('hex')}`;

/**
 * The upstream registry: HEAD /v2/<repo>/manifests/<tag> answers 200 with the reference's fixed
 * digest. Anything else is recorded as unexpected (an import would GET). Once `kill` is armed, the
 * first request of that replica after `afterChecks` checks, and every later one, is never answered.
 */
class FakeUpstream {
  readonly checks: UpstreamCheck[] = [];
  readonly unexpected: string[] = [];
  kill?: { replica: number; afterChecks: number };
  diedAt?: number;
  private revived = false;
  authority = '';
  private readonly sockets = new Set<Socket>();
  private readonly held: { reference: string; response: ServerResponse }[] = [];
  private server?: Server;

  async start(): Promise<void> {
    const server = createServer((request, response) => {
      const at = Date.now();
      const replica = Number(/replica-(\d+)/.exec(request.headers['user-agent'] ?? '')?.[1] ?? 0);
      const match = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(request.url ?? '');
      if (request.method !== 'HEAD' || !match) {
        this.unexpected.push(`${request.method} ${request.url} from replica ${replica}`);
        response.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"UNSUPPORTED"}]}');
        return;
      }
      const reference = `${match[1]}:${match[2]}`;
      const dying =
        this.kill !== undefined && !this.revived && replica === this.kill.replica && (this.diedAt !== undefined || this.checks.length >= this.kill.afterChecks);
      if (dying) this.diedAt ??= at;
      this.checks.push({ reference, replica, at, held: dying });
      if (dying) this.held.push({ reference, response });
      else this.answer(reference, response);
    });
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('upstream has no port');
    this.authority = `127.0.0.1:${address.port}`;
    this.server = server;
  }

  /** Forgets the checks so far (the warm-up's); unexpected requests stay. */
  clearLog(): void {
    this.checks.length = 0;
  }

  get heldCount(): number {
    return this.held.length;
  }

  /** Answers the held requests, and from now on every request: the frozen replica wakes up. */
  revive(): void {
    this.revived = true;
    for (const { reference, response } of this.held.splice(0)) this.answer(reference, response);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private answer(reference: string, response: ServerResponse): void {
    response.writeHead(200, { 'docker-content-digest': digestOf(reference), 'content-type': OCI_MANIFEST, 'content-length': '428', 'docker-distribution-api-version': 'registry/2.0' });
    response.end();
  }
}

/** Nest's static Logger is shared by the replicas in this process: warnings and errors are kept, not printed. */
class CollectingLogger implements LoggerService {
  readonly problems: string[] = [];
  log(): void {
    // not kept
  }
  debug(): void {
    // not kept
  }
  verbose(): void {
    // not kept
  }
  warn(message: unknown, context?: unknown): void {
    this.problems.push(`warn [${String(context)}] ${String(message)}`);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.problems.push(`error ${String(message)} ${rest.map(String).join(' ')}`);
  }
}

interface Replica {
  index: number;
  app: TestingModule;
  owner: RecordingOwnerClient;
  closed: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` every 25 ms until it holds (true) or the clock passes `deadline` (false). */
async function until(condition: () => boolean | Promise<boolean>, deadline: number): Promise<boolean> {
  for (;;) {
    if (await condition()) return true;
    if (Date.now() > deadline) return false;
    await sleep(25);
  }
}

describe('ImportScheduler with three replicas (real Postgres, real registry client)', () => {
  const databaseUrl = testDatabaseUrl();
  const schema = `importer_replicas_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const upstream = new FakeUpstream();
  const logger = new CollectingLogger();
  const sealer = SecretKeyRing.fromConfig(randomBytes(32).toString('base64'), '', '');
  const replicas: Replica[] = [];
  let admin: DataSource;

  const settings: ImportSettings = {
    defaultArch: 'amd64',
    defaultOs: 'linux',
    defaultMode: 'Legacy',
    bulkLimit: 50,
    registryConcurrency: 8,
    notificationEndpoints: new Map(),
    schedule: { disabled: false, intervalMs: INTERVAL_MS, minimumIntervalMs: INTERVAL_MS, jitter: JITTER, maxPerMinute: 0, leaseMs: LEASE_MS, tickMs: TICK_MS, batch: BATCH },
  };

  /** As AppModule builds it, with loopback allowed and the replica in the User-Agent. */
  const clientOptions = (index: number): RegistryClientOptions => ({
    timeoutMs: 30_000,
    maxManifestBytes: 4 * 1024 * 1024,
    maxConfigBytes: 8 * 1024 * 1024,
    retries: 3,
    retryBaseMs: 200,
    retryMaxMs: 5000,
    addressPolicy: { allowLoopback: true, allowPrivate: false, allowedCidrs: [] },
    userAgent: `imagestreams-importer replica-${index}`,
  });

  async function startReplica(index: number): Promise<Replica> {
    const owner = new RecordingOwnerClient();
    const app = await Test.createTestingModule({
      imports: [SchedulerReplicaModule.register({ databaseUrl, schema, poolSize: 10, applicationName: `importer-replica-${index}`, settings, client: clientOptions(index), sealer, owner })],
    })
      .setLogger(logger)
      .compile();
    // onApplicationBootstrap: the scheduler's loop starts ticking.
    await app.init();
    return { index, app, owner, closed: false };
  }

  async function stop(replica: Replica): Promise<void> {
    if (replica.closed) return;
    replica.closed = true;
    await replica.app.close();
  }

  beforeAll(async () => {
    await upstream.start();
    // Creates the schema and runs the importer's migrations; the replicas then find nothing pending.
    admin = await openServiceDataSource({ url: databaseUrl, schema, entities: [], migrations: IMPORTER_MIGRATIONS, poolSize: 2 });
  }, 30_000);

  afterAll(async () => {
    // A replica still frozen (the test failed before waking it) could not finish its pass otherwise.
    upstream.revive();
    for (const replica of replicas) await stop(replica);
    await upstream.close();
    if (admin?.isInitialized) {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.destroy();
    }
  }, 30_000);

  it('checks every tag once per interval, none twice, and loses nothing when a replica dies mid-pass', async () => {
    for (let index = 1; index <= REPLICAS; index++) replicas.push(await startReplica(index));

    const tagRows = (count: number, namespaceOf: (i: number) => string, referenceOf: (i: number) => string) =>
      Array.from({ length: count }, (_, i) => {
        const reference = referenceOf(i);
        return { namespace: namespaceOf(i), stream: `stream-${i % 100}`, tag: `t${i}`, source: `${upstream.authority}/${reference}`, last_digest: digestOf(reference) };
      });
    const insertDueNow = (rows: ReturnType<typeof tagRows>) =>
      admin.query(
        `INSERT INTO scheduled_tags (namespace, stream, tag, source, insecure, import_mode, next_check_at, last_digest)
         SELECT namespace, stream, tag, source, true, 'Legacy', clock_timestamp(), last_digest
         FROM jsonb_to_recordset($1::jsonb) AS r(namespace text, stream text, tag text, source text, last_digest text)`,
        [JSON.stringify(rows)],
      );

    // Warm-up (JIT, connection pools): WARMUP_TAGS tags of their own, checked once, then gone with their log.
    await insertDueNow(tagRows(WARMUP_TAGS, () => 'warm-up', (i) => `warm-up/app:w${i}`));
    const warmedUp = async () => ((await admin.query(`SELECT count(*)::int AS n FROM scheduled_tags WHERE namespace = 'warm-up' AND last_checked_at IS NULL`)) as { n: number }[])[0].n === 0;
    expect(await until(warmedUp, Date.now() + 5_000)).toBe(true);
    await admin.query(`DELETE FROM scheduled_tags WHERE namespace = 'warm-up'`);
    upstream.clearLog();

    const rows = tagRows(TAGS, (i) => `ns-${i % 10}`, (i) => `lib-${i % 50}/app:v${i}`);
    upstream.kill = { replica: DEAD_REPLICA, afterChecks: KILL_AFTER_CHECKS };
    const startedAt = Date.now();
    await insertDueNow(rows);

    // The kill: replica 3's first request a quarter into the first re-check pass is never answered.
    const died = await until(() => upstream.heldCount > 0, startedAt + INITIAL_PASS_MS + 2 * MAX_GAP_MS);
    expect(died).toBe(true);
    const firstHeld = upstream.checks.find((check) => check.held);
    const [{ lease_owner: deadOwner }] = (await admin.query('SELECT lease_owner FROM scheduled_tags WHERE source = $1', [`${upstream.authority}/${firstHeld?.reference}`])) as { lease_owner: string | null }[];
    expect(deadOwner).toEqual(expect.any(String));
    // Everything the dead replica holds now is the batch it was checking: its loop is sequential.
    const orphanRows = (await admin.query('SELECT source, lease_until FROM scheduled_tags WHERE lease_owner = $1', [deadOwner])) as { source: string; lease_until: Date }[];
    const orphans = new Map(orphanRows.map((row) => [row.source.slice(upstream.authority.length + 1), row.lease_until.getTime()]));
    expect(orphans.size).toBeGreaterThan(0);
    expect(orphans.size).toBeLessThanOrEqual(BATCH);

    // Three intervals: until every tag has its initial check and three re-checks (the dead
    // replica's last checks not counted), or the latest time the bounds allow.
    const deadCheck = (check: UpstreamCheck) => {
      const leaseUntil = orphans.get(check.reference);
      return check.replica === DEAD_REPLICA && leaseUntil !== undefined && check.at >= leaseUntil - LEASE_MS - CLOCK_TOLERANCE_MS;
    };
    const counted = new Map<string, number>();
    let seen = 0;
    const countNew = () => {
      for (; seen < upstream.checks.length; seen++) {
        const check = upstream.checks[seen];
        if (!deadCheck(check)) counted.set(check.reference, (counted.get(check.reference) ?? 0) + 1);
      }
    };
    const done = () => {
      countNew();
      return Date.now() >= startedAt + INTERVALS * INTERVAL_MS && counted.size === TAGS && [...counted.values()].every((n) => n >= 1 + INTERVALS);
    };
    await until(done, startedAt + RUN_DEADLINE_MS);
    const endedAt = Date.now();

    // What the database says before anyone stops: nothing left with the dead replica, nothing overdue.
    const [state] = (await admin.query(
      `SELECT count(*) FILTER (WHERE lease_owner = $1)::int AS dead_leases,
              count(*) FILTER (WHERE next_check_at < clock_timestamp() - $2 * interval '1 millisecond')::int AS overdue
       FROM scheduled_tags`,
      [deadOwner, LATENESS_MS],
    )) as { dead_leases: number; overdue: number }[];

    const log = upstream.checks.filter((check) => check.at <= endedAt).sort((a, b) => a.at - b.at);
    const byReference = new Map<string, UpstreamCheck[]>();
    for (const check of log) byReference.set(check.reference, [...(byReference.get(check.reference) ?? []), check]);

    // Violations by kind, with a few examples each.
    const problems = new Map<string, { count: number; examples: string[] }>();
    const problem = (kind: string, example: string) => {
      const entry = problems.get(kind) ?? { count: 0, examples: [] };
      entry.count++;
      if (entry.examples.length < 5) entry.examples.push(example);
      problems.set(kind, entry);
    };
    let rescued = 0;
    let maxRescueLatenessMs = 0;
    let minGapSeen = Infinity;
    let maxGapSeen = 0;
    for (const { source } of rows) {
      const reference = source.slice(upstream.authority.length + 1);
      const checks = byReference.get(reference) ?? [];
      const leaseUntil = orphans.get(reference);
      const live = checks.filter((check) => !deadCheck(check));
      if (live.length < 1 + INTERVALS) problem('too few checks', `${reference}: ${live.length}, expected at least ${1 + INTERVALS}`);
      if (live.length === 0) continue;
      if (live[0].at - startedAt > INITIAL_PASS_MS) problem('initial pass too slow', `${reference}: first checked ${live[0].at - startedAt} ms after it was due`);
      if (checks.some((check) => check.held && leaseUntil === undefined)) problem('held but not leased by the dead replica', reference);
      const claimedAt = leaseUntil === undefined ? undefined : leaseUntil - LEASE_MS;
      for (let i = 1; i < live.length; i++) {
        const previous = live[i - 1];
        const current = live[i];
        // A rescued tag: the dead replica claimed it when it was due; a live one took it once the lease ran out.
        const rescue = leaseUntil !== undefined && claimedAt !== undefined && previous.at < claimedAt && current.at >= claimedAt;
        const gap = (rescue ? claimedAt : current.at) - previous.at;
        minGapSeen = Math.min(minGapSeen, gap);
        maxGapSeen = Math.max(maxGapSeen, gap);
        if (gap < MIN_GAP_MS) problem('checked twice in an interval', `${reference}: ${gap} ms apart, at +${previous.at - startedAt} ms by replica ${previous.replica} and +${current.at - startedAt} ms by replica ${current.replica}`);
        if (gap > MAX_GAP_MS) problem('missed (too long without a check)', `${reference}: ${gap} ms from +${previous.at - startedAt} ms`);
        if (rescue) {
          rescued++;
          maxRescueLatenessMs = Math.max(maxRescueLatenessMs, current.at - leaseUntil);
          if (current.replica === DEAD_REPLICA) problem('rescued by the dead replica', reference);
          if (current.at < leaseUntil - CLOCK_TOLERANCE_MS) problem('taken before the lease ran out', `${reference}: ${leaseUntil - current.at} ms early`);
          if (current.at > leaseUntil + LATENESS_MS) problem('rescued late', `${reference}: ${current.at - leaseUntil} ms after the lease ran out`);
        }
      }
      const last = live[live.length - 1];
      if (endedAt - last.at > MAX_GAP_MS) problem('silent at the end', `${reference}: last checked ${endedAt - last.at} ms before the end`);
    }

    const perReplica = Object.fromEntries(Array.from({ length: REPLICAS }, (_, i) => [`replica-${i + 1}`, log.filter((check) => check.replica === i + 1).length]));
    const diedAt = upstream.diedAt ?? NaN;
    // In arrival order (timestamps are ms): the first request the dead replica never got an answer to.
    const deathIndex = log.findIndex((check) => check.held);
    const fromDead = (checks: UpstreamCheck[]) => checks.filter((check) => check.replica === DEAD_REPLICA);
    const summary = {
      seconds: (endedAt - startedAt) / 1000,
      checks: log.length,
      perReplica,
      diedAfterMs: diedAt - startedAt,
      orphaned: orphans.size,
      heldRequests: log.filter((check) => check.held).length,
      rescued,
      minGapMs: minGapSeen,
      maxGapMs: maxGapSeen,
      maxRescueLatenessMs,
    };
    // The summary rides along so that a failure shows the whole picture.
    expect({ summary, problems: Object.fromEntries(problems) }).toEqual({ summary, problems: {} });
    expect(rescued).toBe(orphans.size);
    // The dead replica worked before it died and sent nothing but frozen requests after.
    expect(fromDead(log.slice(0, deathIndex)).length).toBeGreaterThan(0);
    expect(fromDead(log.slice(deathIndex)).filter((check) => !check.held)).toEqual([]);
    expect(perReplica['replica-1']).toBeGreaterThan(0);
    expect(perReplica['replica-2']).toBeGreaterThan(0);
    expect(state).toEqual({ dead_leases: 0, overdue: 0 });

    // Graceful stop of the live replicas: their passes in flight finish, nothing is reported.
    for (const replica of replicas) if (replica.index !== DEAD_REPLICA) await stop(replica);

    // The frozen replica wakes up after its leases went to others (a paused VM, a long GC): asked
    // to stop first, it finishes its stale pass, and that pass writes nothing.
    const orphanState = () =>
      admin.query('SELECT source, next_check_at, last_checked_at, lease_owner, last_digest FROM scheduled_tags WHERE source = ANY($1) ORDER BY source', [
        [...orphans.keys()].map((reference) => `${upstream.authority}/${reference}`),
      ]) as Promise<unknown[]>;
    const before = await orphanState();
    // Asked to stop first: close() gets to the scheduler's shutdown hook in microtasks, before the
    // answers can arrive (a later I/O phase), so the replica does not start another pass.
    const stopping = stop(replicas[DEAD_REPLICA - 1]);
    upstream.revive();
    // Resolves once the stale pass is over (the scheduler's shutdown hook waits for it).
    await stopping;
    expect(await orphanState()).toEqual(before);

    // One HEAD per check: nothing was imported, stream-service was never asked, nothing failed.
    expect(upstream.unexpected).toEqual([]);
    expect(replicas.map((replica) => replica.owner.calls)).toEqual([[], [], []]);
    expect(logger.problems).toEqual([]);
  }, 45_000);
});
