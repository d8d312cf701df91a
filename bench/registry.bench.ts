/**
 * Registry push and pull with skopeo: our OCI Distribution API (the gateway's `/v2`) against
 * Debian's docker-registry (CNCF distribution 2.8) on the same machine, plus the gateway's memory
 * while a very large layer is pushed.
 *
 *   npm run bench:registry                    # starts its own stack (private NATS, fresh database)
 *   BENCH_REPEATS=8 BENCH_BIG_LAYER_MIB=2048 npm run bench:registry
 *   GATEWAY_URL=http://127.0.0.1:8080 GATEWAY_TOKEN=<access token> GATEWAY_PID=<pid> npm run bench:registry   # against a running stack
 *
 * The comparison registry is started by the bench itself: `docker-registry serve` (DOCKER_REGISTRY,
 * default /usr/bin/docker-registry) on a free 127.0.0.1 port with a temporary config (filesystem
 * storage in a temp dir, deletes enabled, log level error, access log off), and stopped afterwards.
 * Both registries speak plain HTTP; every skopeo call (SKOPEO, default /usr/bin/skopeo) is
 * `skopeo --insecure-policy copy --quiet --retry-times 0 --src-tls-verify=false --dest-tls-verify=false`,
 * plus `--src-creds`/`--dest-creds admin:<token>` for ours (the private stack's bootstrap admin, or
 * GATEWAY_TOKEN with GATEWAY_URL), so its side includes the registry token round trip a real client
 * makes; docker-registry runs without auth.
 *
 * Images are OCI image layouts written to a temp dir and pushed from `oci:<dir>:latest`: each
 * layer is a gzip'ed ustar archive (header written by hand) holding one file of random bytes,
 * gzip level 0 (stored: incompressible anyway, and fast to write), streamed to disk and flushed
 * (fdatasync) before any push; a small image config (amd64/linux, rootfs diff_ids), the OCI
 * manifest, index.json and oci-layout.
 *
 * Rows (each run BENCH_REPEATS (6) times, rounded up to an even number; the median and every run are
 * reported, in seconds; single runs of a row move by 10-20 % on the 2-core machine, so a median of
 * three was often one outlier away from another verdict):
 *   push-3x64MiB / pull-3x64MiB           one image, 3 layers of BENCH_LAYER_MIB (64) MiB
 *   push-50-sequential / pull-…           BENCH_SMALL_IMAGES (50) small images (2 × 32 KiB layers), one skopeo at a time
 *   push-50-parallel8 / pull-…            the same kind of images, BENCH_PARALLEL (8) skopeo processes at a time
 * BENCH_WORKLOADS=par (comma-separated keys: large, seq, par, through, floor) runs only those rows and BENCH_RSS=0
 * leaves out the RSS phase, e.g. to profile one workload.
 * Before the rows, a warm-up (reported as `warmup`, not compared; BENCH_WARMUP=0 skips it) pushes
 * and pulls one 3 × 8 MiB image and 2 × BENCH_PARALLEL small images to each registry.
 * A row's time runs from the first skopeo start to the last skopeo exit (process start-up and
 * skopeo's HTTPS-then-HTTP probe included, equally for both registries). Every run generates new
 * images and pushes them to new repositories (`<run namespace>/img-<i>`), so no blob is in the
 * registry beforehand and skopeo's blob-info cache has no location to mount from. Within a run
 * both registries get the same images, the order alternating between runs, each registry first in
 * exactly half of them: in some sets the big pull of whichever registry went first was slower by up
 * to a tenth (ours / docker-registry 1.07-1.11 in the runs ours went first, 0.88-0.96 in the others;
 * the cause is not pinned down: a sync after writing the images did not remove it), and with an odd
 * count one registry would meet that once more than the other. A pull copies the
 * just-pushed tag to `dir:<fresh dir>` and is checked (every config and layer file present with
 * its size); pulled dirs are deleted after each run. `ratio` = our median / docker-registry's median
 * (what `target` and `met` judge). `pairedRatio` is the same comparison run by run: ours / docker-registry
 * within each run (the two back to back, on the same images and the same machine state), their median,
 * and in how many runs ours was faster, with a 95 % interval of that median (`interval95`, from order
 * statistics: nothing assumed about how runs scatter; with 6 runs it is the smallest to the largest
 * ratio) and what it shows (`shown`: `ours faster` when the whole interval is below 1,
 * `docker-registry faster` when above, otherwise `no difference shown`). Slow spells of the machine
 * (disk writeback, a busy neighbour) span both halves of a run, so the paired numbers tell parity
 * from a lead better than two medians of runs that met different spells.
 *
 * With its own stack, each row also reports `serverCpuMsPerImage`: the CPU time (/proc) the
 * registry's server side spent during the timed part of a run, divided by the images (median of
 * the runs), and ours by process (`oursByProcess`). Ours counts every service process of the stack, all Postgres and all nats-server
 * processes (the tag moves and events a push makes included); docker-registry its one process.
 * skopeo's own CPU is in neither.
 *
 * Pull-through (after the rows; BENCH_PULL_THROUGH=0 or a BENCH_WORKLOADS without `through` leaves
 * it out): each run pushes a fresh 3 × BENCH_LAYER_MIB image to docker-registry, imports it into a
 * stream of ours, and times three pulls of it: from docker-registry directly, through ours the first
 * time (fetched from docker-registry and kept), and through ours again (served from our store).
 * Reported as `direct`, `through`, `kept` and their ratios to `direct`; no target.
 *
 * Pull floor (after pull-through; BENCH_PULL_FLOOR=0 or a BENCH_WORKLOADS without `floor` leaves it
 * out): the big pull once more, from docker-registry, from ours and from a bare Node registry that
 * sends the same image's bytes with the gateway's own send path and does nothing else
 * (support/floor-registry.ts), the order rotating. The paired ratios (`oursVsDockerRegistry`,
 * `floorVsDockerRegistry`, `oursVsFloor`) tell what the gateway adds to a pull from what any Node
 * server sending those bytes would take; no target.
 *
 * RSS: one image with a single layer of BENCH_BIG_LAYER_MIB (1024) MiB is pushed to each registry
 * while `/proc/<pid>/status` VmRSS of the registry process is sampled every 100 ms (MB here are
 * MiB: VmRSS kB / 1024); reported with the RSS just before that push (`idleRssMB`, after all
 * rows), `growthMB` = max − idle, and the RSS before the warm-up (`startRssMB`). The services run
 * under ts-node, so the gateway's baseline includes the TypeScript compiler. The gateway's PID comes
 * from the private stack (or GATEWAY_PID). If the temp dir's file system has less than 4 GiB
 * free, the layer shrinks to 256 MiB with a note.
 *
 * Targets are printed next to the numbers (`target`, `met`) and never asserted: ours at least as
 * fast as docker-registry on every row (ratio ≤ 1.0); gateway max RSS during the big push < 200 MB.
 * A row or phase that cannot run (a skopeo failure, a registry that does not start, a bad pull)
 * reports `error` and the process exits 1 after printing. Prints one JSON document. All temp
 * dirs are removed at the end, also on failure.
 */
import 'reflect-metadata';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomFillSync, type Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, rename, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { createGzip } from 'node:zlib';
import { freePort, waitForHttpOk, type Stack } from '@imagestreams/stack';
import { gatewayAuthHeaders, gatewayToken, runBench, withBenchStack } from './support/bench-stack';
import { cpuByProcess, cpuSpent, readProc } from './support/process-cpu';
import { startFloorRegistry } from './support/floor-registry';
import { medianInterval95 } from './support/median-interval';

/** Even, so that each registry goes first in as many runs as the other (see the header). */
const REPEATS = Math.ceil(Number(process.env['BENCH_REPEATS'] ?? 6) / 2) * 2;
const LAYER_MIB = Number(process.env['BENCH_LAYER_MIB'] ?? 64);
const SMALL_IMAGES = Number(process.env['BENCH_SMALL_IMAGES'] ?? 50);
const PARALLEL = Number(process.env['BENCH_PARALLEL'] ?? 8);
const BIG_LAYER_MIB = Number(process.env['BENCH_BIG_LAYER_MIB'] ?? 1024);
const WARMUP = process.env['BENCH_WARMUP'] !== '0';
/** Which workloads run (keys `large`, `seq`, `par`; default all), e.g. to profile one of them. */
const ONLY_WORKLOADS = process.env['BENCH_WORKLOADS']?.split(',').map((key) => key.trim());
const RSS_PHASE = process.env['BENCH_RSS'] !== '0';
const PULL_THROUGH_PHASE = process.env['BENCH_PULL_THROUGH'] !== '0';
const PULL_FLOOR_PHASE = process.env['BENCH_PULL_FLOOR'] !== '0';
const SKOPEO = process.env['SKOPEO'] ?? '/usr/bin/skopeo';
const DOCKER_REGISTRY = process.env['DOCKER_REGISTRY'] ?? '/usr/bin/docker-registry';

const LARGE_LAYERS = 3;
const SMALL_LAYERS = 2;
const SMALL_LAYER_BYTES = 32 * 1024;
const MIB = 1024 * 1024;
const MIN_FREE_BYTES = 4 * 1024 * MIB;
const FALLBACK_BIG_LAYER_MIB = 256;
const RSS_INTERVAL_MS = 100;
const TAG = 'latest';
/** Stored deflate blocks: random content does not compress, and level 1 would cost ~10× the time. */
const GZIP_LEVEL = 0;
const RANDOM_CHUNK = MIB;

const TARGET_RATIO = 1.0;
const TARGET_MAX_RSS_MB = 200;

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';

const execFileAsync = promisify(execFile);

// ------------------------------------------------------------------------------------ images

interface Blob {
  digest: string;
  size: number;
}

interface LayoutImage {
  /** `oci:<dir>:latest`, skopeo's name for it. */
  reference: string;
  /** Config and layers: what a pull must bring back. */
  blobs: Blob[];
  /** Sum of the config and layer sizes (the manifest is not counted). */
  bytes: number;
}

function sha256(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

function hexOf(digest: string): string {
  return digest.slice(digest.indexOf(':') + 1);
}

/** Numeric ustar fields: zero-padded octal and a NUL. */
function octal(value: number, length: number): string {
  return `${value.toString(8).padStart(length - 1, '0')}\0`;
}

/** A POSIX ustar header for one regular file of `size` bytes. */
function ustarHeader(name: string, size: number): Buffer {
  const header = Buffer.alloc(512, 0);
  const field = (offset: number, length: number, value: string) => header.write(value, offset, Math.min(length, Buffer.byteLength(value)), 'ascii');
  field(0, 100, name);
  field(100, 8, octal(0o644, 8));
  field(108, 8, octal(0, 8));
  field(116, 8, octal(0, 8));
  field(124, 12, octal(size, 12));
  field(136, 12, octal(1_700_000_000, 12));
  header.fill(0x20, 148, 156); // the checksum is computed with its own field as spaces
  field(156, 1, '0');
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  field(265, 32, 'root');
  field(297, 32, 'root');
  let checksum = 0;
  for (const byte of header) checksum += byte;
  field(148, 8, `${checksum.toString(8).padStart(6, '0')}\0 `);
  return header;
}

/** The tar archive as chunks (header, random content 1 MiB at a time, padding and end blocks), hashed on the way. */
function* tarChunks(size: number, diffHash: Hash): Generator<Buffer> {
  const hashed = (chunk: Buffer) => {
    diffHash.update(chunk);
    return chunk;
  };
  yield hashed(ustarHeader(`data/${randomBytes(8).toString('hex')}.bin`, size));
  for (let left = size; left > 0; left -= RANDOM_CHUNK) yield hashed(randomFillSync(Buffer.allocUnsafe(Math.min(RANDOM_CHUNK, left))));
  yield hashed(Buffer.alloc(((512 - (size % 512)) % 512) + 1024, 0));
}

/** Streams one gzip'ed tar layer into `blobsDir` (never held in memory); returns its descriptor and diff_id. */
async function writeLayer(blobsDir: string, contentBytes: number): Promise<Blob & { diffId: string }> {
  const diffHash = createHash('sha256');
  const blobHash = createHash('sha256');
  let size = 0;
  const temp = path.join(blobsDir, `.partial-${randomBytes(8).toString('hex')}`);
  await pipeline(
    Readable.from(tarChunks(contentBytes, diffHash), { objectMode: false }),
    createGzip({ level: GZIP_LEVEL }),
    new Transform({
      transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
        blobHash.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    }),
    createWriteStream(temp),
  );
  // On disk before any push starts, so whichever registry goes first does not pay for our writeback.
  const written = await open(temp, 'r+');
  try {
    await written.datasync();
  } finally {
    await written.close();
  }
  const hex = blobHash.digest('hex');
  await rename(temp, path.join(blobsDir, hex));
  return { digest: `sha256:${hex}`, size, diffId: `sha256:${diffHash.digest('hex')}` };
}

/** One image as an OCI image layout in `dir`, tagged `latest`, with one layer per entry of `layerSizes`. */
async function writeImageLayout(dir: string, layerSizes: number[]): Promise<LayoutImage> {
  const blobsDir = path.join(dir, 'blobs', 'sha256');
  await mkdir(blobsDir, { recursive: true });
  const layers = [];
  for (const size of layerSizes) layers.push(await writeLayer(blobsDir, size));
  const created = '2024-05-01T12:00:00Z';
  const config = {
    created,
    architecture: 'amd64',
    os: 'linux',
    config: { Labels: { 'bench.nonce': randomBytes(8).toString('hex') }, Cmd: ['/bin/app'] },
    rootfs: { type: 'layers', diff_ids: layers.map((layer) => layer.diffId) },
    history: layers.map(() => ({ created, created_by: 'registry.bench' })),
  };
  const configBytes = Buffer.from(JSON.stringify(config));
  const configBlob = { digest: sha256(configBytes), size: configBytes.length };
  const manifestBytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, ...configBlob },
      layers: layers.map((layer) => ({ mediaType: OCI_LAYER, digest: layer.digest, size: layer.size })),
    }),
  );
  const manifestDigest = sha256(manifestBytes);
  await writeFile(path.join(blobsDir, hexOf(configBlob.digest)), configBytes);
  await writeFile(path.join(blobsDir, hexOf(manifestDigest)), manifestBytes);
  const top = { mediaType: OCI_MANIFEST, digest: manifestDigest, size: manifestBytes.length, annotations: { 'org.opencontainers.image.ref.name': TAG } };
  await writeFile(path.join(dir, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [top] }));
  await writeFile(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const blobs = [configBlob, ...layers.map(({ digest, size }) => ({ digest, size }))];
  return { reference: `oci:${dir}:${TAG}`, blobs, bytes: blobs.reduce((sum, blob) => sum + blob.size, 0) };
}

/** Every config and layer of the image is in the `dir:` copy, with its size. */
async function checkPulled(dir: string, image: LayoutImage): Promise<void> {
  for (const blob of image.blobs) {
    const stats = await stat(path.join(dir, hexOf(blob.digest))).catch(() => undefined);
    if (stats?.size !== blob.size) throw new Error(`pull into ${dir} lacks ${blob.digest} (${blob.size} bytes; found ${stats?.size ?? 'nothing'})`);
  }
}

// ------------------------------------------------------------------------------------ skopeo

/** `from`/`to`: the registry of a `docker://` source/destination, whose credentials (if any) are sent. */
async function skopeoCopy(source: string, destination: string, registries: { from?: Pick<Registry, 'creds'>; to?: Pick<Registry, 'creds'> } = {}, timeoutMs = 600_000): Promise<void> {
  const credentials = [...(registries.from?.creds ? ['--src-creds', registries.from.creds] : []), ...(registries.to?.creds ? ['--dest-creds', registries.to.creds] : [])];
  const args = ['--insecure-policy', 'copy', '--quiet', '--retry-times', '0', '--src-tls-verify=false', '--dest-tls-verify=false', ...credentials, source, destination];
  try {
    await execFileAsync(SKOPEO, args, { timeout: timeoutMs, maxBuffer: 16 * MIB, encoding: 'utf8' });
  } catch (error) {
    const failed = error as { code?: number | string; stderr?: string; message: string };
    throw new Error(`skopeo copy ${source} ${destination} failed (exit ${failed.code}): ${(failed.stderr || failed.message).trim().slice(0, 500)}`);
  }
}

/** Runs `task` for every item, at most `limit` at a time; the first failure rejects once all have settled. */
async function forEachLimited<T>(items: T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const failures: unknown[] = [];
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length && failures.length === 0) {
        const index = next++;
        await task(items[index], index).catch((error: unknown) => failures.push(error));
      }
    }),
  );
  if (failures.length > 0) throw failures[0];
}

// ------------------------------------------------------------------------------------ registries

interface Registry {
  key: 'ours' | 'dockerRegistry';
  /** `host:port` as written in `docker://` references. */
  host: string;
  pid?: number;
  /** `user:password` for skopeo's `--creds` flags; undefined for a registry without auth. */
  creds?: string;
  /** CPU time (ms) so far of every process that serves this registry, by process, when they are known. */
  serverCpu?: () => Map<string, number>;
}

interface DockerRegistry extends Registry {
  version: string;
  stop(): Promise<void>;
}

async function startDockerRegistry(workDir: string): Promise<DockerRegistry> {
  const port = await freePort();
  const rootDir = path.join(workDir, 'docker-registry');
  await mkdir(rootDir, { recursive: true });
  const configPath = path.join(workDir, 'docker-registry.yml');
  await writeFile(
    configPath,
    [
      'version: 0.1',
      'log:',
      '  level: error',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${rootDir}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '',
    ].join('\n'),
  );
  const version = (await execFileAsync(DOCKER_REGISTRY, ['--version'], { encoding: 'utf8' })).stdout.trim();
  const child: ChildProcess = spawn(DOCKER_REGISTRY, ['serve', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(...chunk.toString().split('\n').filter(Boolean));
    output.splice(0, Math.max(0, output.length - 50));
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const gone = new AbortController();
    void exited.then(() => gone.abort(new Error(`docker-registry exited: ${output.join(' | ')}`)));
    await waitForHttpOk(`http://127.0.0.1:${port}/v2/`, 30_000, { signal: gone.signal });
  } catch (error) {
    await stop();
    throw new Error(`docker-registry did not start: ${(error as Error).message} ${output.join(' | ')}`.trim());
  }
  const pid = child.pid;
  return { key: 'dockerRegistry', host: `127.0.0.1:${port}`, pid, version, stop, serverCpu: pid === undefined ? undefined : () => new Map([['docker-registry', readProc(pid)?.cpuMs ?? 0]]) };
}

// ------------------------------------------------------------------------------------ rows

interface Workload {
  /** Short, DNS-label-safe, for repository namespaces. */
  key: string;
  /** Row name suffix: push-<label> / pull-<label>. */
  label: string;
  images: number;
  concurrency: number;
  layerSizes: number[];
}

const WORKLOADS: Workload[] = [
  { key: 'large', label: `${LARGE_LAYERS}x${LAYER_MIB}MiB`, images: 1, concurrency: 1, layerSizes: Array(LARGE_LAYERS).fill(LAYER_MIB * MIB) },
  { key: 'seq', label: `${SMALL_IMAGES}-sequential`, images: SMALL_IMAGES, concurrency: 1, layerSizes: Array(SMALL_LAYERS).fill(SMALL_LAYER_BYTES) },
  { key: 'par', label: `${SMALL_IMAGES}-parallel${PARALLEL}`, images: SMALL_IMAGES, concurrency: PARALLEL, layerSizes: Array(SMALL_LAYERS).fill(SMALL_LAYER_BYTES) },
];

/** Seconds per run, per registry; failures are kept as messages. */
interface RowRuns {
  ours: number[];
  dockerRegistry: number[];
  /** Server-side CPU ms per run, per registry and process (see Registry.serverCpu). */
  cpuMs: { ours: Map<string, number>[]; dockerRegistry: Map<string, number>[] };
  /** Ours / docker-registry within one run, for the runs in which both succeeded. */
  pairedRatios: number[];
  errors: string[];
  bytes?: number;
}

function noRuns(): RowRuns {
  return { ours: [], dockerRegistry: [], cpuMs: { ours: [], dockerRegistry: [] }, pairedRatios: [], errors: [] };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const round = (n: number, digits = 3) => Number(n.toFixed(digits));

/** The median and every run of a phase, in seconds (rounded); a null median when none ran. */
function timesSummary(seconds: number[]): { medianSeconds: number | null; runs: number[] } {
  return { medianSeconds: seconds.length ? round(median(seconds)) : null, runs: seconds.map((value) => round(value)) };
}

async function timed(work: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

/** One run of a workload against both registries: fresh images, fresh repositories, push then pull. */
async function runWorkload(workload: Workload, run: number, registries: Registry[], workDir: string, prefix: string, push: RowRuns, pull: RowRuns): Promise<void> {
  const sourceDir = path.join(workDir, `src-${workload.key}-${run}`);
  try {
    const images: LayoutImage[] = [];
    for (let i = 0; i < workload.images; i++) images.push(await writeImageLayout(path.join(sourceDir, `img-${i}`), workload.layerSizes));
    const bytes = images.reduce((sum, image) => sum + image.bytes, 0);
    push.bytes = pull.bytes = bytes;
    // Alternate who goes first, so neither always meets a colder page cache or a busier machine.
    const order = run % 2 === 0 ? registries : [...registries].reverse();
    const pushed: Partial<Record<Registry['key'], number>> = {};
    const pulled: Partial<Record<Registry['key'], number>> = {};
    for (const registry of order) {
      const namespace = `${prefix}-${workload.key}-r${run}`;
      const references = images.map((_, i) => `docker://${registry.host}/${namespace}/img-${i}:${TAG}`);
      const pullDir = path.join(workDir, `pull-${workload.key}-${run}-${registry.key}`);
      try {
        const pushCpuBefore = registry.serverCpu?.();
        const pushSeconds = await timed(() => forEachLimited(images, workload.concurrency, (image, i) => skopeoCopy(image.reference, references[i], { to: registry })));
        push[registry.key].push(pushSeconds);
        pushed[registry.key] = pushSeconds;
        if (pushCpuBefore && registry.serverCpu) push.cpuMs[registry.key].push(cpuSpent(pushCpuBefore, registry.serverCpu()));
      } catch (error) {
        push.errors.push(`${registry.key} run ${run}: ${(error as Error).message}`);
        pull.errors.push(`${registry.key} run ${run}: not pulled, the push failed`);
        continue;
      }
      try {
        await mkdir(pullDir, { recursive: true });
        const pullCpuBefore = registry.serverCpu?.();
        const pullSeconds = await timed(() => forEachLimited(references, workload.concurrency, (reference, i) => skopeoCopy(reference, `dir:${path.join(pullDir, String(i))}`, { from: registry })));
        if (pullCpuBefore && registry.serverCpu) pull.cpuMs[registry.key].push(cpuSpent(pullCpuBefore, registry.serverCpu()));
        for (let i = 0; i < images.length; i++) await checkPulled(path.join(pullDir, String(i)), images[i]);
        pull[registry.key].push(pullSeconds);
        pulled[registry.key] = pullSeconds;
      } catch (error) {
        pull.errors.push(`${registry.key} run ${run}: ${(error as Error).message}`);
      } finally {
        await rm(pullDir, { recursive: true, force: true });
      }
    }
    for (const [row, seconds] of [[push, pushed], [pull, pulled]] as const) {
      if (seconds.ours !== undefined && seconds.dockerRegistry !== undefined) row.pairedRatios.push(seconds.ours / seconds.dockerRegistry);
    }
  } finally {
    await rm(sourceDir, { recursive: true, force: true });
  }
}

/**
 * A freshly started stack is cold (ts-node modules loaded on first use, JIT, pools filling up): its
 * first push of a run was 2-4× slower than the next ones. One smaller round of each workload per
 * registry goes first; reported, never compared.
 */
async function warmupPhase(registries: Registry[], workDir: string, prefix: string) {
  const started = performance.now();
  const workloads: Workload[] = [
    { key: 'large', label: `${LARGE_LAYERS}x8MiB`, images: 1, concurrency: 1, layerSizes: Array(LARGE_LAYERS).fill(8 * MIB) },
    { key: 'par', label: `${PARALLEL * 2}-parallel${PARALLEL}`, images: PARALLEL * 2, concurrency: PARALLEL, layerSizes: Array(SMALL_LAYERS).fill(SMALL_LAYER_BYTES) },
  ];
  const errors: string[] = [];
  const rounds: Record<string, object> = {};
  for (const workload of workloads) {
    const push = noRuns();
    const pull = noRuns();
    await runWorkload(workload, 0, registries, workDir, `${prefix}w`, push, pull);
    errors.push(...push.errors, ...pull.errors);
    rounds[workload.label] = Object.fromEntries(registries.map(({ key }) => [key, { pushSeconds: round(push[key][0] ?? NaN), pullSeconds: round(pull[key][0] ?? NaN) }]));
  }
  return { phase: 'warmup', seconds: round((performance.now() - started) / 1000, 1), ...rounds, ...(errors.length ? { error: errors.slice(0, 5).join('\n') } : {}) };
}

/**
 * The run-by-run comparison of `numerator` / `denominator` (ours / docker-registry unless named): its
 * median, in how many runs the first was faster, a 95 % interval of that median, and what the
 * interval allows one to say.
 */
function pairedRatioReport(ratios: number[], numerator = 'ours', denominator = 'docker-registry') {
  const interval = medianInterval95(ratios);
  const shown = !interval ? 'too few runs for a 95 % interval' : interval.high < 1 ? `${numerator} faster` : interval.low > 1 ? `${denominator} faster` : 'no difference shown';
  return {
    median: round(median(ratios), 2),
    runs: ratios.map((value) => round(value, 2)),
    [`${camelCase(numerator)}Faster`]: `${ratios.filter((value) => value < 1).length} of ${ratios.length}`,
    ...(interval ? { interval95: { low: round(interval.low, 2), high: round(interval.high, 2), confidence: round(interval.confidence, 3) } } : {}),
    shown,
  };
}

function camelCase(name: string): string {
  return name.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase());
}

function rowReport(phase: string, workload: Workload, runs: RowRuns) {
  const shape = { images: workload.images, layersPerImage: workload.layerSizes.length, layerBytes: workload.layerSizes[0], concurrency: workload.concurrency, bytes: runs.bytes };
  const side = (seconds: number[]) => {
    const summary = timesSummary(seconds);
    return summary.medianSeconds !== null && runs.bytes ? { ...summary, medianMBps: round(runs.bytes / MIB / median(seconds), 1) } : summary;
  };
  const ours = side(runs.ours);
  const theirs = side(runs.dockerRegistry);
  const ratio = ours.medianSeconds !== null && theirs.medianSeconds !== null ? round(ours.medianSeconds / theirs.medianSeconds, 2) : null;
  const perImage = (ms: number[]) => (ms.length === 0 ? null : round(median(ms) / workload.images, 1));
  const total = (byProcess: Map<string, number>) => [...byProcess.values()].reduce((sum, ms) => sum + ms, 0);
  const oursByProcess = Object.fromEntries([...(runs.cpuMs.ours[0]?.keys() ?? [])].map((label) => [label, perImage(runs.cpuMs.ours.map((run) => run.get(label) ?? 0))]));
  const serverCpuMsPerImage = { ours: perImage(runs.cpuMs.ours.map(total)), dockerRegistry: perImage(runs.cpuMs.dockerRegistry.map(total)), oursByProcess };
  return {
    phase,
    ...shape,
    ours,
    dockerRegistry: theirs,
    ratio,
    pairedRatio: runs.pairedRatios.length ? pairedRatioReport(runs.pairedRatios) : null,
    ...(serverCpuMsPerImage.ours !== null || serverCpuMsPerImage.dockerRegistry !== null ? { serverCpuMsPerImage } : {}),
    ...(runs.errors.length ? { error: runs.errors.slice(0, 5).join('\n'), errors: runs.errors.length } : {}),
    target: { ratio: `<= ${TARGET_RATIO}` },
    met: runs.errors.length === 0 && ratio !== null && ratio <= TARGET_RATIO,
  };
}

// ------------------------------------------------------------------------------------ pull-through

/** The gateway's API as the bench's admin: a JSON body in, the status and JSON body out. */
async function gatewayApi(gateway: string, method: string, apiPath: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${gateway}${apiPath}`, {
    method,
    headers: { ...gatewayAuthHeaders(), 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

/** Seconds skopeo took to pull `repository`'s tag into a fresh `dir:` under `pullDir` (checked, then removed). */
async function timedPull(registry: Pick<Registry, 'host' | 'creds'>, repository: string, image: LayoutImage, pullDir: string): Promise<number> {
  const destination = path.join(pullDir, '0');
  try {
    await mkdir(pullDir, { recursive: true });
    const seconds = await timed(() => skopeoCopy(`docker://${registry.host}/${repository}:${TAG}`, `dir:${destination}`, { from: registry }));
    await checkPulled(destination, image);
    return seconds;
  } finally {
    await rm(pullDir, { recursive: true, force: true });
  }
}

/**
 * Pulling an imported image through our registry: each run pushes a fresh 3 × LAYER_MIB image to
 * docker-registry, imports it into a stream of ours (ImageStreamImport, `insecure`), then times
 * skopeo pulls to `dir:` of the same image: straight from docker-registry (`direct`), through ours
 * the first time (`through`: the gateway fetches manifest, config and layers from docker-registry,
 * verifies and keeps them before answering) and once more (`kept`: served from our own store).
 * No target: this shows what the first pull through costs, against which the later ones are local.
 */
async function pullThroughPhase(gateway: string, ours: Registry, origin: DockerRegistry, workDir: string, prefix: string) {
  const workload = WORKLOADS[0];
  const namespace = `${prefix}-through`;
  const seconds = { direct: [] as number[], through: [] as number[], kept: [] as number[] };
  const errors: string[] = [];
  let bytes = 0;
  const created = await gatewayApi(gateway, 'POST', '/api/v1/namespaces', { metadata: { name: namespace } });
  if (created.status !== 201) return { phase: 'pull-through-3x64MiB', error: `namespace ${namespace}: ${created.status} ${JSON.stringify(created.body)}` };
  for (let run = 0; run < REPEATS; run++) {
    const sourceDir = path.join(workDir, `src-through-${run}`);
    try {
      const image = await writeImageLayout(sourceDir, workload.layerSizes);
      bytes = image.bytes;
      const repository = `${namespace}/img-${run}`;
      await skopeoCopy(image.reference, `docker://${origin.host}/${repository}:${TAG}`, { to: origin });
      const imported = await gatewayApi(gateway, 'POST', `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreamimports`, {
        metadata: { name: `img-${run}` },
        spec: { import: true, images: [{ from: { kind: 'DockerImage', name: `${origin.host}/${repository}:${TAG}` }, to: { name: TAG }, importPolicy: { insecure: true } }] },
      });
      const outcome = (imported.body as { status?: { images?: { status?: { status?: string; message?: string } }[] } } | undefined)?.status?.images?.[0]?.status;
      if (imported.status !== 201 || outcome?.status !== 'Success') throw new Error(`import of ${repository}: ${imported.status} ${outcome?.message ?? JSON.stringify(imported.body).slice(0, 300)}`);
      const pulls: [keyof typeof seconds, Registry][] = [
        ['direct', origin],
        ['through', ours],
        ['kept', ours],
      ];
      for (const [kind, registry] of pulls) seconds[kind].push(await timedPull(registry, repository, image, path.join(workDir, `pull-through-${run}-${kind}`)));
    } catch (error) {
      errors.push(`run ${run}: ${(error as Error).message}`);
    } finally {
      await rm(sourceDir, { recursive: true, force: true });
    }
  }
  const ratio = (runs: number[]) => (runs.length && seconds.direct.length ? round(median(runs) / median(seconds.direct), 2) : null);
  return {
    phase: 'pull-through-3x64MiB',
    bytes,
    direct: timesSummary(seconds.direct),
    through: timesSummary(seconds.through),
    kept: timesSummary(seconds.kept),
    throughVsDirect: ratio(seconds.through),
    keptVsDirect: ratio(seconds.kept),
    ...(errors.length ? { error: errors.slice(0, 5).join('\n'), errors: errors.length } : {}),
  };
}

/**
 * What the gateway's send path alone does on the big pull: each run writes a fresh 3 × LAYER_MIB image,
 * pushes it to both registries (untimed), syncs, and times skopeo pulls of it to `dir:` from docker-registry,
 * from ours and from the floor (bench/support/floor-registry.ts: the same bytes sent by the gateway's
 * own send path, nothing else), the order rotating run by run. Reported as each one's times and
 * paired ratios (`oursVsDockerRegistry`, `floorVsDockerRegistry`, `oursVsFloor`); no target.
 */
async function pullFloorPhase(ours: Registry, origin: DockerRegistry, workDir: string, prefix: string) {
  const workload = WORKLOADS[0];
  const floor = await startFloorRegistry();
  const sources: Record<'dockerRegistry' | 'ours' | 'floor', Pick<Registry, 'host' | 'creds'>> = { dockerRegistry: origin, ours, floor };
  const kinds = Object.keys(sources) as (keyof typeof sources)[];
  const seconds: Record<keyof typeof sources, number[]> = { dockerRegistry: [], ours: [], floor: [] };
  const paired = { oursVsDockerRegistry: [] as number[], floorVsDockerRegistry: [] as number[], oursVsFloor: [] as number[] };
  const errors: string[] = [];
  let bytes = 0;
  try {
    for (let run = 0; run < REPEATS; run++) {
      const sourceDir = path.join(workDir, `src-floor-${run}`);
      try {
        const image = await writeImageLayout(sourceDir, workload.layerSizes);
        bytes = image.bytes;
        floor.serve(sourceDir);
        const repository = `${prefix}-floor/img-${run}`;
        for (const registry of [origin, ours]) await skopeoCopy(image.reference, `docker://${registry.host}/${repository}:${TAG}`, { to: registry });
        // docker-registry does not flush what it stores; without this, its writes go to disk during the timed pulls.
        await execFileAsync('sync');
        const took: Partial<Record<keyof typeof sources, number>> = {};
        for (let turn = 0; turn < kinds.length; turn++) {
          const kind = kinds[(run + turn) % kinds.length];
          took[kind] = await timedPull(sources[kind], repository, image, path.join(workDir, `pull-floor-${run}-${kind}`));
          seconds[kind].push(took[kind]);
        }
        const { dockerRegistry, ours: oursSeconds, floor: floorSeconds } = took as Record<keyof typeof sources, number>;
        paired.oursVsDockerRegistry.push(oursSeconds / dockerRegistry);
        paired.floorVsDockerRegistry.push(floorSeconds / dockerRegistry);
        paired.oursVsFloor.push(oursSeconds / floorSeconds);
      } catch (error) {
        errors.push(`run ${run}: ${(error as Error).message}`);
      } finally {
        await rm(sourceDir, { recursive: true, force: true });
      }
    }
  } finally {
    await floor.stop();
  }
  return {
    phase: 'pull-floor-3x64MiB',
    bytes,
    dockerRegistry: timesSummary(seconds.dockerRegistry),
    ours: timesSummary(seconds.ours),
    floor: timesSummary(seconds.floor),
    oursVsDockerRegistry: pairedRatioReport(paired.oursVsDockerRegistry),
    floorVsDockerRegistry: pairedRatioReport(paired.floorVsDockerRegistry, 'floor'),
    oursVsFloor: pairedRatioReport(paired.oursVsFloor, 'ours', 'floor'),
    ...(errors.length ? { error: errors.slice(0, 5).join('\n'), errors: errors.length } : {}),
  };
}

// ------------------------------------------------------------------------------------ RSS

async function rssKiB(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const match = status?.match(/^VmRSS:\s+(\d+)\s+kB/m);
  return match ? Number(match[1]) : undefined;
}

/** Samples VmRSS every RSS_INTERVAL_MS until stopped; max and count of the samples taken. */
function sampleRss(pid: number): { stop(): Promise<{ maxMB: number; samples: number }> } {
  let maxKiB = 0;
  let samples = 0;
  let reading: Promise<void> = Promise.resolve();
  const take = () =>
    (reading = reading.then(async () => {
      const kib = await rssKiB(pid);
      if (kib === undefined) return;
      samples++;
      maxKiB = Math.max(maxKiB, kib);
    }));
  void take();
  const timer = setInterval(() => void take(), RSS_INTERVAL_MS);
  return {
    async stop() {
      clearInterval(timer);
      await take();
      return { maxMB: round(maxKiB / 1024, 1), samples };
    },
  };
}

async function bigLayerMiB(): Promise<{ mib: number; freeGiB: number; note?: string }> {
  const fs = await statfs(tmpdir());
  const free = fs.bavail * fs.bsize;
  const freeGiB = round(free / (1024 * MIB), 1);
  if (free >= MIN_FREE_BYTES || BIG_LAYER_MIB <= FALLBACK_BIG_LAYER_MIB) return { mib: BIG_LAYER_MIB, freeGiB };
  const note = `only ${freeGiB} GiB free in ${tmpdir()} (< 4 GiB): the big layer is ${FALLBACK_BIG_LAYER_MIB} MiB instead of ${BIG_LAYER_MIB} MiB`;
  process.stderr.write(`note: ${note}\n`);
  return { mib: FALLBACK_BIG_LAYER_MIB, freeGiB, note };
}

async function rssPhase(registries: Registry[], workDir: string, prefix: string, startRssMB: Partial<Record<Registry['key'], number>>) {
  const { mib, freeGiB, note } = await bigLayerMiB();
  const phase = `rss-push-1x${mib}MiB`;
  const target = { oursMaxRssMB: `< ${TARGET_MAX_RSS_MB}` };
  const ours = registries.find((registry) => registry.key === 'ours');
  if (ours?.pid === undefined) {
    return { phase, error: 'the gateway PID is unknown: run against the private stack, or set GATEWAY_PID with GATEWAY_URL', target, met: false };
  }
  const sourceDir = path.join(workDir, 'src-big');
  try {
    const started = performance.now();
    const image = await writeImageLayout(sourceDir, [mib * MIB]);
    const generateSeconds = round((performance.now() - started) / 1000, 1);
    const measured: Record<string, object> = {};
    const errors: string[] = [];
    let oursMax: number | undefined;
    for (const registry of registries) {
      if (registry.pid === undefined) continue;
      const idleMB = round(((await rssKiB(registry.pid)) ?? NaN) / 1024, 1);
      const sampler = sampleRss(registry.pid);
      let pushSeconds: number | undefined;
      try {
        pushSeconds = await timed(() => skopeoCopy(image.reference, `docker://${registry.host}/${prefix}-big/img:${TAG}`, { to: registry }, 1_800_000));
      } catch (error) {
        errors.push(`${registry.key}: ${(error as Error).message}`);
      }
      const { maxMB, samples } = await sampler.stop();
      if (registry.key === 'ours' && pushSeconds !== undefined) oursMax = maxMB;
      measured[registry.key] = { pid: registry.pid, ...(startRssMB[registry.key] !== undefined ? { startRssMB: startRssMB[registry.key] } : {}), idleRssMB: idleMB, maxRssMB: maxMB, growthMB: round(maxMB - idleMB, 1), samples, ...(pushSeconds !== undefined ? { pushSeconds: round(pushSeconds), pushMBps: round(image.bytes / MIB / pushSeconds, 1) } : {}) };
    }
    return {
      phase,
      layerMiB: mib,
      bytes: image.bytes,
      tmpFreeGiB: freeGiB,
      ...(note ? { note } : {}),
      generateSeconds,
      sampleIntervalMs: RSS_INTERVAL_MS,
      ...measured,
      ...(errors.length ? { error: errors.join('\n') } : {}),
      target,
      met: errors.length === 0 && oursMax !== undefined && oursMax < TARGET_MAX_RSS_MB,
    };
  } finally {
    await rm(sourceDir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------------------------ main

async function main(): Promise<void> {
  await withBenchStack(async (gateway, _natsUrl, stack?: Stack) => {
    const workDir = await mkdtemp(path.join(tmpdir(), 'registry-bench-'));
    const results: object[] = [];
    let dockerRegistry: DockerRegistry | undefined;
    try {
      const prefix = `rb-${randomBytes(3).toString('hex')}`;
      const gatewayPid = stack?.service('registry-gateway').pid ?? (process.env['GATEWAY_PID'] ? Number(process.env['GATEWAY_PID']) : undefined);
      const token = gatewayToken();
      const ours: Registry = {
        key: 'ours',
        host: new URL(gateway).host,
        pid: gatewayPid,
        creds: token === undefined ? undefined : `admin:${token}`,
        serverCpu: stack ? () => cpuByProcess(stack) : undefined,
      };
      try {
        dockerRegistry = await startDockerRegistry(workDir);
      } catch (error) {
        results.push({ phase: 'docker-registry', error: (error as Error).message });
      }

      const registries = dockerRegistry ? [ours, dockerRegistry] : [ours];
      const startRssMB: Partial<Record<Registry['key'], number>> = {};
      for (const registry of registries) {
        const kib = registry.pid === undefined ? undefined : await rssKiB(registry.pid);
        if (kib !== undefined) startRssMB[registry.key] = round(kib / 1024, 1);
      }
      // The comparison rows need both registries; the RSS phase runs with ours alone if need be.
      if (dockerRegistry) {
        if (WARMUP) results.push(await warmupPhase(registries, workDir, prefix));
        for (const workload of WORKLOADS.filter((candidate) => !ONLY_WORKLOADS || ONLY_WORKLOADS.includes(candidate.key))) {
          const push = noRuns();
          const pull = noRuns();
          for (let run = 0; run < REPEATS; run++) {
            try {
              await runWorkload(workload, run, registries, workDir, prefix, push, pull);
            } catch (error) {
              push.errors.push(`run ${run}: ${(error as Error).message}`);
            }
          }
          results.push(rowReport(`push-${workload.label}`, workload, push), rowReport(`pull-${workload.label}`, workload, pull));
        }
      }
      if (dockerRegistry && PULL_THROUGH_PHASE && (!ONLY_WORKLOADS || ONLY_WORKLOADS.includes('through'))) {
        try {
          results.push(await pullThroughPhase(gateway, ours, dockerRegistry, workDir, prefix));
        } catch (error) {
          results.push({ phase: 'pull-through', error: (error as Error).message });
        }
      }
      if (dockerRegistry && PULL_FLOOR_PHASE && (!ONLY_WORKLOADS || ONLY_WORKLOADS.includes('floor'))) {
        try {
          results.push(await pullFloorPhase(ours, dockerRegistry, workDir, prefix));
        } catch (error) {
          results.push({ phase: 'pull-floor', error: (error as Error).message });
        }
      }
      if (RSS_PHASE) {
        try {
          results.push(await rssPhase(registries, workDir, prefix, startRssMB));
        } catch (error) {
          results.push({ phase: 'rss', error: (error as Error).message });
        }
      }

      const report = {
        machine: { cpus: cpus().length, node: process.version },
        gateway: process.env['GATEWAY_URL'] ?? 'private stack',
        dockerRegistry: dockerRegistry ? { version: dockerRegistry.version, host: dockerRegistry.host } : null,
        skopeo: (await execFileAsync(SKOPEO, ['--version'], { encoding: 'utf8' })).stdout.trim(),
        repeats: REPEATS,
        unit: 'seconds; ratio = ours median / docker-registry median',
        results,
      };
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      if (results.some((result) => 'error' in result)) process.exitCode = 1;
    } finally {
      await dockerRegistry?.stop();
      await rm(workDir, { recursive: true, force: true });
    }
    // docker-registry listens on loopback: imports and pulls through from it must be allowed to reach it.
  }, { env: { IMPORT_ALLOW_LOOPBACK: 'true' } });
}

runBench(main);
