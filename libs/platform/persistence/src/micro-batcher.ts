interface Pending<TItem, TResult> {
  item: TItem;
  resolve: (result: TResult) => void;
  reject: (error: unknown) => void;
}

/**
 * Coalesces work submitted in the same turn of the event loop into one call, so a burst of N
 * handlers costs one database round trip instead of N. Under light load a batch holds a single
 * item and waits for nothing but `setImmediate`. If the batch call fails, every item in it fails
 * (callers retry, e.g. by nak-ing their message).
 *
 * With `maxInFlight`, at most that many batches run at once and what arrives meanwhile waits for
 * one of them to finish, then goes as one batch (group commit): the busier the caller, the bigger
 * the batches, and an idle caller still waits for nothing.
 *
 * With `keysOf`, items sharing a key are run in the order they were submitted: an item whose key
 * is held by a running batch (or by an earlier item still waiting) waits for the next batch, while
 * items with other keys go on at once.
 */
export class MicroBatcher<TItem, TResult> {
  private pending: Pending<TItem, TResult>[] = [];
  private scheduled = false;
  private running = 0;
  /** Keys of the running batches (a key is never in two: its items wait while one runs). */
  private readonly keysInFlight = new Set<string>();

  constructor(
    /** Must return one result per item, in order. */
    private readonly run: (items: TItem[]) => Promise<TResult[]>,
    private readonly maxBatchSize = 256,
    private readonly maxInFlight = Number.POSITIVE_INFINITY,
    private readonly keysOf?: (item: TItem) => readonly string[],
  ) {}

  submit(item: TItem): Promise<TResult> {
    return new Promise<TResult>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.maxBatchSize) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    // At the in-flight limit, the next batch to finish flushes what waits.
    while (this.running < this.maxInFlight && this.pending.length > 0) {
      const { batch, keys } = this.takeBatch();
      // Everything left waits for a key in flight; that batch's end flushes it.
      if (batch.length === 0) return;
      for (const key of keys) this.keysInFlight.add(key);
      this.running++;
      this.run(batch.map((entry) => entry.item))
        .then(
          (results) => batch.forEach((entry, index) => entry.resolve(results[index])),
          (error: unknown) => batch.forEach((entry) => entry.reject(error)),
        )
        .finally(() => {
          for (const key of keys) this.keysInFlight.delete(key);
          this.running--;
          this.flush();
        });
    }
  }

  /** The next batch in submission order, and the keys it holds while it runs. */
  private takeBatch(): { batch: Pending<TItem, TResult>[]; keys: Set<string> } {
    const keys = new Set<string>();
    if (!this.keysOf) return { batch: this.pending.splice(0, this.maxBatchSize), keys };
    const batch: Pending<TItem, TResult>[] = [];
    const waiting: Pending<TItem, TResult>[] = [];
    const keysWaiting = new Set<string>();
    for (const entry of this.pending) {
      const itemKeys = this.keysOf(entry.item);
      const free = batch.length < this.maxBatchSize && itemKeys.every((key) => !this.keysInFlight.has(key) && !keysWaiting.has(key));
      if (free) {
        batch.push(entry);
        for (const key of itemKeys) keys.add(key);
      } else {
        waiting.push(entry);
        for (const key of itemKeys) keysWaiting.add(key);
      }
    }
    this.pending = waiting;
    return { batch, keys };
  }
}
