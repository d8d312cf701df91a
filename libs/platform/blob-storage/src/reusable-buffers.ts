/**
 * Fixed-size buffers handed back after use and handed out again. A big blob sent with fresh
 * buffers costs V8 nothing in its own heap but counts as external memory, and every few tens of
 * MiB of that V8 answers with a full collection of the whole heap: in the gateway, whose heap holds
 * Nest, the NATS and Postgres clients and the caches, that was about 13 ms of main-thread pauses
 * per 3 × 64 MiB pull (39 full collections and 39 incremental markings over 30 pulls, counted by a
 * PerformanceObserver: the CPU profiler inflates GC), pauses every other request waits out too.
 * Only buffers whose every use has ended may come back; what the pool cannot keep, the collector
 * takes as before.
 */
export class ReusableBuffers {
  private readonly free: Buffer[] = [];

  constructor(
    readonly bufferBytes: number,
    private readonly keep: number,
  ) {}

  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafe(this.bufferBytes);
  }

  give(buffer: Buffer): void {
    if (buffer.length === this.bufferBytes && this.free.length < this.keep && !this.free.includes(buffer)) this.free.push(buffer);
  }

  /** How many are kept for the next taker. */
  get kept(): number {
    return this.free.length;
  }
}
