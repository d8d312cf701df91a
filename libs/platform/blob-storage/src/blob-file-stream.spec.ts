import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { eventually } from '@imagestreams/testing';
import { sendBlobBody } from './blob-file-stream';
import { FilesystemBlobStore } from './filesystem-blob-store';

/** A destination that takes its time with every chunk, as a slow client's socket does. */
function slowSink(): { sink: Writable; received: () => Buffer } {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      setTimeout(callback, 1);
    },
  });
  return { sink, received: () => Buffer.concat(chunks) };
}

describe('sendBlobBody', () => {
  let root: string;
  let store: FilesystemBlobStore;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'blob-send-'));
    store = new FilesystemBlobStore(root);
  });

  afterAll(() => rm(root, { recursive: true, force: true }));

  afterEach(() => jest.restoreAllMocks());

  async function stored(bytes: Buffer): Promise<string> {
    const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    await store.putBytes(digest, bytes);
    return digest;
  }

  it('sends a big blob exactly with two reused buffers, however many chunks it takes, and closes the file', async () => {
    const bytes = randomBytes(5 * 1024 * 1024 + 7);
    const body = await store.open(await stored(bytes));
    const allocations = jest.spyOn(Buffer, 'allocUnsafe');
    const { sink, received } = slowSink();

    await sendBlobBody(body, sink);

    expect(allocations.mock.calls.map(([size]) => size)).toEqual([1024 * 1024, 1024 * 1024]);
    expect(received().equals(bytes)).toBe(true);
    expect(sink.writableFinished).toBe(true);
    expect(body.destroyed).toBe(true);
  });

  it('sends later big blobs with the buffers of earlier ones, allocating none', async () => {
    const first = randomBytes(3 * 1024 * 1024);
    await sendBlobBody(await store.open(await stored(first)), slowSink().sink);
    const second = randomBytes(2 * 1024 * 1024 + 1);
    const allocations = jest.spyOn(Buffer, 'allocUnsafe');
    const { sink, received } = slowSink();

    await sendBlobBody(await store.open(await stored(second)), sink);

    expect(allocations.mock.calls.filter(([size]) => size === 1024 * 1024)).toEqual([]);
    expect(received().equals(second)).toBe(true);
  });

  it('never reads into a buffer the socket still holds: one whose write is in flight when the client goes away is reused only after that write ends', async () => {
    const bytes = randomBytes(3 * 1024 * 1024);
    const digest = await stored(bytes);
    const inFlight: { chunk: Buffer; finish: () => void }[] = [];
    const stalled = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        inFlight.push({ chunk, finish: () => callback() });
      },
    });
    const sending = sendBlobBody(await store.open(digest), stalled);
    await eventually(async () => (inFlight.length === 1 ? true : undefined), 'the first chunk in flight', 5_000);
    stalled.destroy();
    await expect(sending).rejects.toThrow();
    const held = inFlight[0].chunk;
    const heldBytes = Buffer.from(held);

    for (let i = 0; i < 3; i++) {
      const other = randomBytes(3 * 1024 * 1024);
      const { sink, received } = slowSink();
      await sendBlobBody(await store.open(await stored(other)), sink);
      expect(received().equals(other)).toBe(true);
    }
    expect(held.equals(heldBytes)).toBe(true);

    inFlight[0].finish();
    await new Promise((resolve) => setImmediate(resolve));
    const reused: ArrayBufferLike[] = [];
    const watching = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        reused.push(chunk.buffer);
        callback();
      },
    });
    await sendBlobBody(await store.open(digest), watching);
    expect(reused).toContain(held.buffer);
  });

  it('sends byte ranges and small and empty blobs exactly', async () => {
    const bytes = randomBytes(3 * 1024 * 1024);
    const digest = await stored(bytes);
    for (const range of [{ start: 0, end: 0 }, { start: 5, end: 1_048_580 }, { start: 3 * 1024 * 1024 - 10, end: 3 * 1024 * 1024 + 100 }]) {
      const { sink, received } = slowSink();
      await sendBlobBody(await store.open(digest, range), sink);
      expect(received().equals(bytes.subarray(range.start, range.end + 1))).toBe(true);
    }
    for (const small of [Buffer.from('x'), Buffer.alloc(0), randomBytes(40_000)]) {
      const { sink, received } = slowSink();
      await sendBlobBody(await store.open(await stored(small)), sink);
      expect(received().equals(small)).toBe(true);
    }
  });

  it('gives up and closes the file when the client goes away mid-blob, instead of waiting for writes that never finish', async () => {
    const bytes = randomBytes(16 * 1024 * 1024);
    const digest = await stored(bytes);
    let sent: Promise<void> | undefined;
    let body: Awaited<ReturnType<FilesystemBlobStore['open']>> | undefined;
    const server: Server = createServer((_request, response) => {
      void store.open(digest).then((opened) => {
        body = opened;
        response.setHeader('Content-Length', bytes.length);
        sent = sendBlobBody(opened, response);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      await new Promise<void>((resolve) => {
        const request = get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, (response) => {
          response.once('data', () => {
            request.destroy();
            resolve();
          });
        });
        request.on('error', () => undefined);
      });
      await expect(sent).rejects.toThrow();
      expect(body?.destroyed).toBe(true);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('pipes any other stream', async () => {
    const { sink, received } = slowSink();
    await sendBlobBody(Readable.from([Buffer.from('from '), Buffer.from('elsewhere')]), sink);
    expect(received().toString()).toBe('from elsewhere');
    const failing = new PassThrough();
    const piped = sendBlobBody(failing, slowSink().sink);
    failing.destroy(new Error('source failed'));
    await expect(piped).rejects.toThrow('source failed');
  });
});
