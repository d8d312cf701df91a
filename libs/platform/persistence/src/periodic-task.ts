import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';

/**
 * Housekeeping a service runs on a timer for as long as it is up (pruning a log to its retention,
 * sweeping abandoned uploads): a subclass says what one round does. A failed round is logged as
 * `<what> failed: <reason>` and the next one tries again; rounds never overlap. Nest starts and
 * stops it as a provider.
 */
export abstract class PeriodicTask implements OnApplicationBootstrap, OnApplicationShutdown {
  protected readonly logger = new Logger(this.constructor.name);
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  /**
   * `what` names the work in log lines ("audit pruning"); `runAtStart` also runs a round at once
   * (in the background, never holding up the start).
   */
  constructor(
    private readonly what: string,
    private readonly intervalMs: number,
    private readonly runAtStart = false,
  ) {}

  /** One round of the work; a thrown error is logged, not fatal. */
  protected abstract runRound(): Promise<unknown>;

  onApplicationBootstrap(): void {
    if (this.runAtStart) void this.runOnce();
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async runOnce(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.runRound();
    } catch (error) {
      this.logger.warn(`${this.what} failed: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }
}
