// `npm start`: runs the whole system locally from sources until Ctrl-C.
//
// As a tool (not a service) this file may read process.env directly: DATABASE_URL and NATS_URL
// (used as-is when set; otherwise a local server is reused or started), DATA_DIR (default
// <repo>/data), HTTP_PORT (the gateway's port) and LOG_LEVEL (passed on to the services).
// The services inherit the rest of the environment, BOOTSTRAP_ADMIN_TOKEN (the admin's access
// token, docs/access-control.md) included.
import path from 'node:path';
import { REPO_ROOT, ServiceStartError, describeExit, redactUrl, startStack, type Stack } from './src';

const log = (message: string) => console.log(`[stack] ${message}`);

async function main(): Promise<number> {
  const startup = new AbortController();
  let stack: Stack | undefined;
  let shuttingDown = false;

  // Handlers go in before anything starts, so Ctrl-C during start-up also cleans up. The services
  // and nats-server run in their own process groups and never see the terminal's Ctrl-C: we stop
  // them ourselves, services first, so they can drain while NATS and Postgres are still up.
  const shutdown = new Promise<number>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      if (shuttingDown) {
        // A second Ctrl-C means "now": the exit hook SIGKILLs whatever is still running.
        log(`${signal} again, killing everything`);
        process.exit(130);
      }
      shuttingDown = true;
      log(`${signal} received, stopping`);
      startup.abort(new Error(`interrupted by ${signal}`));
      resolve(0);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });

  try {
    stack = await startStack({
      databaseUrl: process.env['DATABASE_URL'] || undefined,
      natsUrl: process.env['NATS_URL'] || undefined,
      dataDir: process.env['DATA_DIR'] || path.join(REPO_ROOT, 'data'),
      ports: { 'registry-gateway': parsePort(process.env['HTTP_PORT']) },
      env: process.env['LOG_LEVEL'] ? { LOG_LEVEL: process.env['LOG_LEVEL'] } : undefined,
      log,
      signal: startup.signal,
    });
  } catch (error) {
    if (shuttingDown) return 0;
    reportStartupFailure(error);
    return 1;
  }

  printSummary(stack);
  for (const service of stack.services) {
    void service.exited.then((info) => {
      if (!shuttingDown) log(`${service.name} exited unexpectedly (${describeExit(info)}); the others keep running`);
    });
  }

  const code = await shutdown;
  await stack.stop();
  log('stopped');
  return code;
}

function printSummary(stack: Stack): void {
  const lines = [
    '',
    `imagestreams is up: gateway ${stack.gatewayUrl}`,
    ...stack.services.map((service) => `  ${service.name.padEnd(20)} ${service.url}  (pid ${service.pid ?? 'exited'})`),
    `  ${'postgres'.padEnd(20)} ${redactUrl(stack.databaseUrl)}`,
    `  ${'nats'.padEnd(20)} ${stack.natsUrl}`,
    // Access control is on: every API and registry call needs a token (Authorization: Bearer ...).
    process.env['BOOTSTRAP_ADMIN_TOKEN']
      ? 'Admin access token: the BOOTSTRAP_ADMIN_TOKEN you set.'
      : 'Admin access token: logged once by the gateway on the first start of an empty database ("bootstrap admin token: ist_..."); or set BOOTSTRAP_ADMIN_TOKEN.',
    'Press Ctrl-C to stop.',
    '',
  ];
  console.log(lines.join('\n'));
}

function reportStartupFailure(error: unknown): void {
  console.error(`\nimagestreams failed to start: ${error instanceof Error ? error.message : String(error)}`);
  if (error instanceof ServiceStartError && error.logTail.length > 0) {
    // Its whole output has already streamed by, interleaved with the others: repeat just the end.
    const tail = error.logTail.slice(-50);
    console.error(`--- last ${tail.length} lines from ${error.service} ---`);
    console.error(tail.join('\n'));
  }
}

function parsePort(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`HTTP_PORT must be a TCP port, got "${value}"`);
  return port;
}

// Exit explicitly: the exit code is ours to decide, not whatever handles happen to remain open.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
