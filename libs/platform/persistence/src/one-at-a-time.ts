/**
 * Runs work for the same key one after another within this process (work for different keys runs
 * concurrently). Writers of one row that would otherwise race for it, and lose an optimistic
 * write or wait on its lock while holding a connection, queue here instead: cheaper than a
 * conflict on a machine where every database round trip counts. Other processes are not
 * coordinated: the database still decides between replicas.
 */
export class OneAtATime {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with work queued or running (for tests and metrics). */
  get busyKeys(): number {
    return this.tails.size;
  }
}
