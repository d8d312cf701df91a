/**
 * Coalesces work submitted in the same turn of the event loop into one call, so a burst of N
 * handlers costs one database round trip instead of N. Under light load a batch holds a single
 * item and waits for nothing but `setImmediate`. If the batch call fails, every item in it fails
 * (callers retry, e.g. by nak-ing their message).
 *
 * With `maxInFlight`, at most that many batches run at once and what arrives meanwhile waits for
 * one of them to finish, then goes as one batch (group commit): the busier the caller, the bigger
 * the batches, and an idle caller still waits for nothing.
 */
export class MicroBatcher<TItem, TResult> {
  private pending: { item: TItem; resolve: (result: TResult) => void; reject: (error: unknown) => void }[] = [];
  private scheduled = false;
  private running = 0;

  constructor(
    /** Must return one result per item, in order. */
    private readonly run: (items: TItem[]) => Promise<TResult[]>,
    private readonly maxBatchSize = 256,
    private readonly maxInFlight = Number.POSITIVE_INFINITY,
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
      const batch = this.pending.splice(0, this.maxBatchSize);
      this.running++;
      this.run(batch.map((entry) => entry.item))
        .then(
          (results) => batch.forEach((entry, index) => entry.resolve(results[index])),
          (error: unknown) => batch.forEach((entry) => entry.reject(error)),
        )
        .finally(() => {
          this.running--;
          this.flush();
        });
    }
  }
}
