import { OneAtATime } from './one-at-a-time';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('OneAtATime', () => {
  it('runs work of one key in submission order, never two at once', async () => {
    const queue = new OneAtATime();
    const log: string[] = [];
    const gates = [deferred(), deferred(), deferred()];
    const runs = gates.map((gate, index) =>
      queue.run('stream', async () => {
        log.push(`start ${index}`);
        await gate.promise;
        log.push(`end ${index}`);
        return index;
      }),
    );
    await Promise.resolve();
    expect(log).toEqual(['start 0']);
    gates[2].resolve();
    gates[1].resolve();
    gates[0].resolve();
    expect(await Promise.all(runs)).toEqual([0, 1, 2]);
    expect(log).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('runs work of different keys concurrently', async () => {
    const queue = new OneAtATime();
    const gate = deferred();
    const started: string[] = [];
    const first = queue.run('a', async () => {
      started.push('a');
      await gate.promise;
    });
    const second = queue.run('b', async () => {
      started.push('b');
    });
    await second;
    expect(started).toEqual(['a', 'b']);
    gate.resolve();
    await first;
  });

  it('goes on after a failure, which reaches only its own caller, and forgets idle keys', async () => {
    const queue = new OneAtATime();
    const failed = queue.run('k', async () => {
      throw new Error('boom');
    });
    const next = queue.run('k', async () => 'ok');
    await expect(failed).rejects.toThrow('boom');
    expect(await next).toBe('ok');
    await new Promise((resolve) => setImmediate(resolve));
    expect(queue.busyKeys).toBe(0);
  });
});
