import { Logger } from '@nestjs/common';
import { PeriodicTask } from './periodic-task';

/** A task whose round is the given function. */
class Task extends PeriodicTask {
  constructor(
    what: string,
    intervalMs: number,
    private readonly round: () => Promise<unknown>,
    runAtStart = false,
  ) {
    super(what, intervalMs, runAtStart);
  }

  protected runRound(): Promise<unknown> {
    return this.round();
  }
}

describe('PeriodicTask', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** Lets the promise callbacks of a round run (fake timers do not advance them). */
  const settle = async () => {
    for (let index = 0; index < 5; index++) await Promise.resolve();
  };

  it('runs a round each interval, never two at once, and stops with the application', async () => {
    let started = 0;
    let finish: () => void = () => undefined;
    const task = new Task('test', 1_000, () => {
      started += 1;
      return new Promise<void>((resolve) => (finish = resolve));
    });
    task.onApplicationBootstrap();

    jest.advanceTimersByTime(1_000);
    expect(started).toBe(1);
    jest.advanceTimersByTime(3_000);
    expect(started).toBe(1);

    finish();
    await settle();
    jest.advanceTimersByTime(1_000);
    expect(started).toBe(2);

    finish();
    await settle();
    task.onApplicationShutdown();
    jest.advanceTimersByTime(5_000);
    expect(started).toBe(2);
  });

  it('runs a first round at start when asked, without waiting for the interval', () => {
    let rounds = 0;
    const task = new Task('test', 1_000, async () => (rounds += 1), true);
    task.onApplicationBootstrap();
    expect(rounds).toBe(1);
    task.onApplicationShutdown();
  });

  it('logs a failed round and tries again at the next interval', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    let rounds = 0;
    const task = new Task('pruning', 1_000, async () => {
      rounds += 1;
      if (rounds === 1) throw new Error('database is down');
    });
    task.onApplicationBootstrap();

    jest.advanceTimersByTime(1_000);
    await settle();
    expect(warn).toHaveBeenCalledWith('pruning failed: database is down');
    jest.advanceTimersByTime(1_000);
    await settle();
    expect(rounds).toBe(2);
    expect(warn).toHaveBeenCalledTimes(1);

    task.onApplicationShutdown();
    warn.mockRestore();
  });
});
