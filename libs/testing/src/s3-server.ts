import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real S3-compatible server for tests: the `s3rver` npm package (objects as files in a temp dir)
 * in a child process on a free loopback port, so its memory and event loop are not the test's.
 * It accepts the fixed credentials below and path-style URLs. Not implemented by s3rver:
 * UploadPartCopy (answers 501), conditional PUT (`If-None-Match` is ignored), and a copy of an
 * object onto itself keeps its Last-Modified.
 */
export interface S3Server {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Logs, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

// The child prints its port once listening; the parent never guesses one that may be taken meanwhile.
const SERVER_SCRIPT = `
const S3rver = require(process.argv[1]);
const server = new S3rver({ port: 0, address: '127.0.0.1', directory: process.argv[2], silent: true });
server.run().then(({ port }) => process.stdout.write('listening ' + port + '\\n'), (error) => { console.error(error); process.exit(1); });
process.on('SIGTERM', () => server.close().finally(() => process.exit(0)));
`;

export async function startS3Server(): Promise<S3Server> {
  const dir = await mkdtemp(join(tmpdir(), 's3rver-'));
  let output = '';
  let exited = false;
  // s3rver seals ListObjectsV2 continuation tokens with DES, which OpenSSL 3 keeps in its legacy provider.
  const args = ['--openssl-legacy-provider', '-e', SERVER_SCRIPT, require.resolve('s3rver'), dir];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
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
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for s3rver to listen: ${output}`)), 15_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        const match = /listening (\d+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      void exit.then(() => {
        clearTimeout(timer);
        reject(new Error(`s3rver exited: ${output}`));
      });
    });
    return { endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', output: () => output, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
