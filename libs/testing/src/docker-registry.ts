import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { request } from 'undici';

export const DOCKER_REGISTRY_BINARY = '/usr/bin/docker-registry';

/** A real CNCF distribution (Debian's docker-registry) on a free loopback port, storage in a temp dir: an "external" registry for tests. */
export interface DockerRegistry {
  /** `127.0.0.1:<port>` */
  authority: string;
  origin: string;
  /** Logs, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Polls until the condition holds; rejects after the deadline. */
async function waitFor(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export async function startDockerRegistry(options: { htpasswd?: { username: string; password: string } } = {}): Promise<DockerRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'docker-registry-'));
  const port = await freePort();
  const lines = ['version: 0.1', 'log:', '  level: error', '  accesslog:', '    disabled: true', 'storage:', '  filesystem:', `    rootdirectory: ${join(dir, 'data')}`];
  lines.push('http:', `  addr: 127.0.0.1:${port}`);
  if (options.htpasswd) {
    const file = join(dir, 'htpasswd');
    await writeFile(file, `${options.htpasswd.username}:${bcrypt.hashSync(options.htpasswd.password, 5)}\n`);
    lines.push('auth:', '  htpasswd:', '    realm: test', `    path: ${file}`);
  }
  const config = join(dir, 'config.yml');
  await writeFile(config, `${lines.join('\n')}\n`);

  let output = '';
  let exited = false;
  const child: ChildProcess = spawn(DOCKER_REGISTRY_BINARY, ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const origin = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const killed = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exit;
      clearTimeout(killed);
    }
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        if (exited) throw new Error(`docker-registry exited: ${output}`);
        try {
          const response = await request(`${origin}/v2/`);
          await response.body.dump();
          return response.statusCode === 200 || response.statusCode === 401;
        } catch {
          return false;
        }
      },
      10_000,
      'docker-registry to listen',
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return { authority: `127.0.0.1:${port}`, origin, output: () => output, stop };
}

export const sha256 = (bytes: Uint8Array) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** Monolithic blob upload (POST, then PUT with the digest) over plain HTTP. */
export async function pushBlob(origin: string, repository: string, bytes: Buffer, authorization?: string): Promise<string> {
  const digest = sha256(bytes);
  const headers: Record<string, string> = authorization ? { authorization } : {};
  const started = await request(`${origin}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers });
  await started.body.dump();
  if (started.statusCode !== 202) throw new Error(`upload start: HTTP ${started.statusCode}`);
  const location = new URL(String(started.headers['location']), origin);
  location.searchParams.set('digest', digest);
  const finished = await request(location, {
    method: 'PUT',
    headers: { ...headers, 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) },
    body: bytes,
  });
  const text = await finished.body.text();
  if (finished.statusCode !== 201) throw new Error(`upload finish: HTTP ${finished.statusCode} ${text}`);
  return digest;
}

export async function pushManifest(
  origin: string,
  repository: string,
  reference: string,
  mediaType: string,
  bytes: Buffer,
  authorization?: string,
): Promise<string> {
  const response = await request(`${origin}/v2/${repository}/manifests/${reference}`, {
    method: 'PUT',
    headers: { ...(authorization ? { authorization } : {}), 'content-type': mediaType },
    body: bytes,
  });
  const text = await response.body.text();
  if (response.statusCode !== 201) throw new Error(`manifest put: HTTP ${response.statusCode} ${text}`);
  return String(response.headers['docker-content-digest']);
}
