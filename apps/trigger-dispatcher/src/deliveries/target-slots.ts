/**
 * Per-target (receiver origin) concurrency: a slow receiver fills its own slots and waits in its own
 * queue, while other targets keep the rest of the process's capacity. Pure bookkeeping, no I/O.
 */
export class TargetSlots<T extends { target: string }> {
  private readonly running = new Map<string, number>();
  private readonly queues = new Map<string, T[]>();
  private total = 0;
  private queued = 0;

  constructor(
    private readonly maxTotal: number,
    private readonly maxPerTarget: number,
  ) {}

  get runningCount(): number {
    return this.total;
  }

  get queuedCount(): number {
    return this.queued;
  }

  enqueue(job: T): void {
    const queue = this.queues.get(job.target);
    if (queue) queue.push(job);
    else this.queues.set(job.target, [job]);
    this.queued += 1;
  }

  /** Jobs that may start now, round-robin over targets, each counted as running until {@link release}. */
  takeRunnable(): T[] {
    const runnable: T[] = [];
    let progressed = true;
    while (progressed && this.total < this.maxTotal) {
      progressed = false;
      for (const [target, queue] of [...this.queues]) {
        if (this.total >= this.maxTotal) break;
        if ((this.running.get(target) ?? 0) >= this.maxPerTarget) continue;
        const job = queue.shift();
        if (!job) continue;
        // The target goes to the back of the line, so the next free slot is another target's turn.
        this.queues.delete(target);
        if (queue.length > 0) this.queues.set(target, queue);
        this.queued -= 1;
        this.running.set(target, (this.running.get(target) ?? 0) + 1);
        this.total += 1;
        runnable.push(job);
        progressed = true;
      }
    }
    return runnable;
  }

  release(target: string): void {
    const count = (this.running.get(target) ?? 0) - 1;
    if (count <= 0) this.running.delete(target);
    else this.running.set(target, count);
    this.total -= 1;
  }

  /** Targets this process should not claim more work for: all their slots are taken or work is queued. */
  saturatedTargets(): string[] {
    const saturated = new Set(this.queues.keys());
    for (const [target, count] of this.running) if (count >= this.maxPerTarget) saturated.add(target);
    return [...saturated];
  }
}
