import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '../../../../..');

interface FixtureOutcome {
  traceId: string;
  flushMs: number;
  warnings: string[];
}

/** Runs the fixture with `env` and returns what it printed. */
function runFixture(env: Record<string, string>): Promise<FixtureOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', path.join(__dirname, 'fixtures/export-spans.fixture.ts')], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env, TS_NODE_PROJECT: path.join(REPO_ROOT, 'tools/tsconfig.json') },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(output.trim()) as FixtureOutcome) : reject(new Error(`fixture exited with ${code}`))));
  });
}

/** OTEL_EXPORTER_OTLP_ENDPOINT set: spans go to the collector as OTLP/HTTP at `<endpoint>/v1/traces`. */
describe('OTLP export', () => {
  let collector: Server;
  const received: { path: string; body: string }[] = [];

  beforeAll(async () => {
    collector = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ path: request.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => collector.close(() => resolve()));
  });

  it('exports the spans, with the service name, to the configured endpoint', async () => {
    const { traceId, warnings } = await runFixture({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}` });
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(warnings).toEqual([]);
    expect(received.map((request) => request.path)).toEqual(['/v1/traces']);
    const body = received[0].body;
    for (const expected of ['parent-span', 'child-span', 'export-fixture']) expect(body).toContain(expected);
    expect(body).toContain(traceId);
  }, 60_000);

  it('gives up on a collector that is down within the flush deadline, with a warning instead of a failed shutdown', async () => {
    // A port that was just free: connections to it are refused, as to a collector that is not running.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const outcome = await runFixture({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, FLUSH_WITHIN_MS: '1000' });
    expect(outcome.warnings).toEqual([expect.stringMatching(/^spans still buffered at shutdown were not exported: /)]);
    // Unbounded, the exporter's retries held a shutdown for ~8 s; 1 s plus the time it takes to give up.
    expect(outcome.flushMs).toBeLessThan(3_000);
  }, 60_000);
});
