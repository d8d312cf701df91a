/**
 * Recently authenticated tokens by hash, so a client's burst of requests costs one lookup. Only
 * hits are kept (a new token must work at once); entries live `ttlMs`, and everything is dropped
 * when any replica revokes or deletes something, so revocation takes effect at once where the
 * notification arrives and within `ttlMs` everywhere.
 */
export class TokenCache<T> {
  private readonly entries = new Map<string, { value: T; until: number }>();
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  get(hash: string): T | undefined {
    const entry = this.entries.get(hash);
    if (!entry) return undefined;
    if (entry.until <= this.now()) {
      this.entries.delete(hash);
      return undefined;
    }
    return entry.value;
  }

  /** Taken before a lookup and handed to set, so a lookup that raced a clear cannot store what was just revoked. */
  snapshot(): number {
    return this.generation;
  }

  set(hash: string, value: T, generation: number): void {
    if (generation !== this.generation) return;
    // A flood of distinct valid tokens cannot grow memory without bound; starting over is cheap.
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(hash, { value, until: this.now() + this.ttlMs });
  }

  clear(): void {
    this.generation += 1;
    this.entries.clear();
  }
}
