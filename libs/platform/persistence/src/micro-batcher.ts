/**
 * Coalesces work submitted in the same turn of the event loop into one call, so a burst of N
 * handlers costs one database round trip instead of N. Under light load a batch holds a single
 * item and waits for nothing but `setImmediate`. If the batch call fails, every item in it fails
 * (callers retry, e.g. by nak-ing their message).
 */
export class MicroBatcher<TItem, TResult> {
  private pending: { item: TItem; resolve: (result: TResult) => void; reject: (error: unknown) => void }[] = [];
  private scheduled = false;

  constructor(
    /** Must return one result per item, in order. */
    private readonly run: (items: TItem[]) => Promise<TResult[]>,
    private readonly maxBatchSize = 256,
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
    const batch = this.pending.splice(0);
    if (batch.length === 0) return;
    this.run(batch.map((entry) => entry.item)).then(
      (results) => batch.forEach((entry, index) => entry.resolve(results[index])),
      (error: unknown) => batch.forEach((entry) => entry.reject(error)),
    );
  }
}
