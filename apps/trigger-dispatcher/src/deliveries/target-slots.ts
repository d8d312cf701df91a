/**
 * Per-target (receiver origin) concurrency: a slow receiver fills its own slots and waits in its own
 * queue, while other targets keep the rest of the process's capacity. How much a target may hold
 * (running + queued) is bounded too: beyond that, work stays in the database for later. Pure
 * bookkeeping, no I/O.
 */
export class TargetSlots<T extends { target: string }> {
  private readonly running = new Map<string, number>();
  private readonly queues = new Map<string, T[]>();
  private total = 0;
  private queued = 0;

  constructor(
    private readonly maxTotal: number,
    private readonly maxPerTarget: number,
    /** Running + queued jobs a target may hold; the default, one round of slots, queues nothing up front. */
    private readonly maxHeldPerTarget = maxPerTarget,
  ) {}

  /** Jobs of the target this process holds: running and queued. */
  held(target: string): number {
    return (this.running.get(target) ?? 0) + (this.queues.get(target)?.length ?? 0);
  }

  /** How many more jobs the target may hold. */
  roomFor(target: string): number {
    return Math.max(0, this.maxHeldPerTarget - this.held(target));
  }

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

  /** Every job still waiting for a slot, in no particular order. */
  queuedJobs(): T[] {
    return [...this.queues.values()].flat();
  }

  /** Takes waiting jobs out (this process no longer holds them); returns how many went. */
  drop(shouldDrop: (job: T) => boolean): number {
    let dropped = 0;
    for (const [target, queue] of [...this.queues]) {
      const kept = queue.filter((job) => !shouldDrop(job));
      dropped += queue.length - kept.length;
      if (kept.length === 0) this.queues.delete(target);
      else this.queues.set(target, kept);
    }
    this.queued -= dropped;
    return dropped;
  }

  /** Targets this process should not claim more work for: they hold all they may. */
  saturatedTargets(): string[] {
    const targets = new Set([...this.queues.keys(), ...this.running.keys()]);
    return [...targets].filter((target) => this.held(target) >= this.maxHeldPerTarget);
  }
}
