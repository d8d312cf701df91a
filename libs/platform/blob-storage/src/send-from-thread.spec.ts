import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sendBlobBody } from './blob-file-stream';
import { FilesystemBlobStore } from './filesystem-blob-store';
import { allowThreadSends, sendsFromThreads } from './send-from-thread';

describe('big blobs sent from threads of their own', () => {
  let root: string;
  let store: FilesystemBlobStore;
  let server: Server;
  let port: number;
  const bytes = randomBytes(5 * 1024 * 1024 + 13);
  const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'blob-thread-send-'));
    store = new FilesystemBlobStore(root);
    await store.putBytes(digest, bytes);
    // What the registry does: headers set, then the body from the store, whole or one range.
    server = createServer((request, response) => {
      const range = /^bytes=(\d+)-(\d+)$/.exec(request.headers.range ?? '');
      const wanted = range ? { start: Number(range[1]), end: Number(range[2]) } : undefined;
      response.setHeader('Content-Length', wanted ? wanted.end - wanted.start + 1 : bytes.length);
      void store.open(digest, wanted).then((body) => sendBlobBody(body, response).catch(() => undefined));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(root, { recursive: true, force: true });
  });

  function fetchBody(agent: Agent, range?: string): Promise<{ body: Buffer; socket: unknown }> {
    return new Promise((resolve, reject) => {
      const request = get({ host: '127.0.0.1', port, agent, headers: range ? { range } : {} }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ body: Buffer.concat(chunks), socket: request.socket }));
        response.on('error', reject);
      });
      request.on('error', reject);
    });
  }

  it('is what this build does (npm ci compiles the addon on this machine kind)', () => {
    expect(sendsFromThreads()).toBe(true);
  });

  it('sends whole blobs and ranges exactly, and the connection carries the next response after each', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const whole = await fetchBody(agent);
      const start = 1_000_003;
      const end = start + 2 * 1024 * 1024;
      const ranged = await fetchBody(agent, `bytes=${start}-${end}`);
      const again = await fetchBody(agent);

      expect(whole.body.equals(bytes)).toBe(true);
      expect(ranged.body.equals(bytes.subarray(start, end + 1))).toBe(true);
      expect(again.body.equals(bytes)).toBe(true);
      expect(ranged.socket).toBe(whole.socket);
      expect(again.socket).toBe(whole.socket);
    } finally {
      agent.destroy();
    }
  });

  it('sends from the event loop when thread sends are switched off, exactly as well', async () => {
    allowThreadSends(false);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect(sendsFromThreads()).toBe(false);
      expect((await fetchBody(agent)).body.equals(bytes)).toBe(true);
    } finally {
      agent.destroy();
      allowThreadSends(true);
    }
  });

  it('sends three blobs at once, each exactly', async () => {
    const agents = [0, 1, 2].map(() => new Agent({ keepAlive: false }));
    try {
      const bodies = await Promise.all(agents.map((agent) => fetchBody(agent)));
      for (const { body } of bodies) expect(body.equals(bytes)).toBe(true);
    } finally {
      agents.forEach((agent) => agent.destroy());
    }
  });
});
