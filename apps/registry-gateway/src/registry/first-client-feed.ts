import { PassThrough } from 'node:stream';
import type { BlobStore } from '@imagestreams/platform-blob-storage';

/** How far the first client of a layer being fetched may fall behind the fetch before it stops pacing it. */
export const FIRST_CLIENT_LAG_LIMIT_BYTES = 8 * 1024 * 1024;

/**
 * The bytes of a layer being pulled through, for the client whose request started the fetch. It
 * gets the origin's bytes as they arrive while it keeps up. One that falls more than the lag limit
 * behind is fed no more from the origin, so it never holds the fetch back (other clients wait on
 * that fetch, and every client of a fresh image deploy asks at once); it gets the rest from the
 * kept copy once that is committed. The stream ends only after the commit and is destroyed if the
 * fetch fails, so a client never sees a complete transfer of bytes that were not kept.
 */
export class FirstClientFeed {
  readonly stream = new PassThrough();
  private sent = 0;
  private detached = false;

  constructor(private readonly lagLimit = FIRST_CLIENT_LAG_LIMIT_BYTES) {
    // Whoever sends it attaches its own handlers later; a failure before that must not crash the gateway.
    this.stream.on('error', () => undefined);
  }

  /** One chunk from the origin, in order. */
  take(chunk: Buffer): void {
    if (this.detached || this.stream.destroyed) return;
    // What it has not read yet: the written side's queue and what already moved to the readable side.
    if (this.stream.writableLength + this.stream.readableLength >= this.lagLimit) {
      this.detached = true;
      return;
    }
    this.stream.write(chunk);
    this.sent += chunk.length;
  }

  /** The layer was kept (`size` bytes): end the stream, or send what it did not get from the kept copy. */
  finish(store: BlobStore, digest: string, size: number): void {
    if (this.stream.destroyed) return;
    if (!this.detached || this.sent >= size) {
      this.stream.end();
      return;
    }
    store.open(digest, { start: this.sent, end: size - 1 }).then(
      (rest) => {
        rest.once('error', (error) => this.stream.destroy(error));
        rest.pipe(this.stream);
      },
      (error: unknown) => this.fail(error),
    );
  }

  fail(error: unknown): void {
    this.stream.destroy(error instanceof Error ? error : new Error(String(error)));
  }
}
