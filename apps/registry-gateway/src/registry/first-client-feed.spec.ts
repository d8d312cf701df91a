import { Readable } from 'node:stream';
import type { BlobStore, ByteRange } from '@imagestreams/platform-blob-storage';
import { FirstClientFeed } from './first-client-feed';

const DIGEST = `sha256:${'ef'.repeat(32)}`;
const LAYER = Buffer.from('0123456789abcdefghijklmnopqrstuvwxyz');

/** A store holding LAYER, recording which ranges were opened. */
function storeWithLayer() {
  const opened: ByteRange[] = [];
  const store = {
    open: async (_digest: string, range: ByteRange) => {
      opened.push(range);
      return Readable.from([LAYER.subarray(range.start, range.end + 1)]);
    },
  } as unknown as BlobStore;
  return { store, opened };
}

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

const chunksOf = (bytes: Buffer, size: number) => Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));

describe('FirstClientFeed', () => {
  it('passes a client that keeps up every byte from the origin, and ends once the layer is kept', async () => {
    const { store, opened } = storeWithLayer();
    const feed = new FirstClientFeed(1024);
    const reading = readAll(feed.stream);
    for (const chunk of chunksOf(LAYER, 5)) feed.take(chunk);
    feed.finish(store, DIGEST, LAYER.length);
    await expect(reading).resolves.toBe(LAYER.toString());
    expect(opened).toEqual([]);
  });

  it('stops feeding a client that falls behind, then sends it the rest from the kept copy, in order', async () => {
    const { store, opened } = storeWithLayer();
    const feed = new FirstClientFeed(8);
    // Nobody reads while the origin's bytes arrive: past 8 buffered bytes the feed lets go.
    for (const chunk of chunksOf(LAYER, 4)) feed.take(chunk);
    expect(feed.stream.writableLength + feed.stream.readableLength).toBeLessThanOrEqual(8 + 4);
    feed.finish(store, DIGEST, LAYER.length);
    await expect(readAll(feed.stream)).resolves.toBe(LAYER.toString());
    expect(opened).toHaveLength(1);
    expect(opened[0].end).toBe(LAYER.length - 1);
    expect(opened[0].start).toBeGreaterThan(0);
  });

  it('breaks the transfer off when the layer was not kept', async () => {
    const feed = new FirstClientFeed(1024);
    feed.take(LAYER.subarray(0, 10));
    feed.fail(new Error('digest mismatch'));
    await expect(readAll(feed.stream)).rejects.toThrow('digest mismatch');
  });

  it('does nothing more for a client that went away', async () => {
    const { store, opened } = storeWithLayer();
    const feed = new FirstClientFeed(8);
    feed.stream.destroy();
    for (const chunk of chunksOf(LAYER, 4)) feed.take(chunk);
    feed.finish(store, DIGEST, LAYER.length);
    expect(opened).toEqual([]);
    expect(feed.stream.writableLength).toBe(0);
  });
});
