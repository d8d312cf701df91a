import { Logger } from '@nestjs/common';
import { PeriodicTask } from './periodic-task';

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
    const task = new PeriodicTask('Test', 1_000, () => {
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

  it('logs a failed round and tries again at the next interval', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    let rounds = 0;
    const task = new PeriodicTask('Pruner', 1_000, async () => {
      rounds += 1;
      if (rounds === 1) throw new Error('database is down');
    });
    task.onApplicationBootstrap();

    jest.advanceTimersByTime(1_000);
    await settle();
    expect(warn).toHaveBeenCalledWith('Pruner failed: database is down');
    jest.advanceTimersByTime(1_000);
    await settle();
    expect(rounds).toBe(2);
    expect(warn).toHaveBeenCalledTimes(1);

    task.onApplicationShutdown();
    warn.mockRestore();
  });
});
