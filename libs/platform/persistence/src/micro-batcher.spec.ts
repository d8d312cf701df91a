import { MicroBatcher } from './micro-batcher';

describe('MicroBatcher', () => {
  it('runs items submitted in the same tick as one batch and answers each in order', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher(async (items: number[]) => {
      batches.push(items);
      return items.map((n) => n * 10);
    });
    const results = await Promise.all([batcher.submit(1), batcher.submit(2), batcher.submit(3)]);
    expect(results).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('starts a new batch once the size limit is reached', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher(async (items: number[]) => {
      batches.push(items);
      return items;
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.submit(n)));
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('fails every item of a failed batch, and later batches still run', async () => {
    let fail = true;
    const batcher = new MicroBatcher(async (items: number[]) => {
      if (fail) throw new Error('database down');
      return items;
    });
    const failed = await Promise.allSettled([batcher.submit(1), batcher.submit(2)]);
    expect(failed.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    await expect(batcher.submit(3)).resolves.toBe(3);
  });
});

describe('MicroBatcher with an in-flight limit (group commit)', () => {
  it('sends what arrives while the limit is reached as one batch when a running one finishes', async () => {
    const batches: number[][] = [];
    const finishers: (() => void)[] = [];
    const batcher = new MicroBatcher(
      (items: number[]) =>
        new Promise<number[]>((resolve) => {
          batches.push(items);
          finishers.push(() => resolve(items.map((n) => -n)));
        }),
      256,
      1,
    );
    const first = batcher.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[1]]);

    const waiting = [2, 3, 4].map((n) => batcher.submit(n));
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[1]]);

    finishers[0]();
    await expect(first).resolves.toBe(-1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[1], [2, 3, 4]]);
    finishers[1]();
    await expect(Promise.all(waiting)).resolves.toEqual([-2, -3, -4]);
  });

  it('keeps going after a failed batch at the limit', async () => {
    let fail = true;
    const batcher = new MicroBatcher(
      async (items: number[]) => {
        if (fail) {
          fail = false;
          throw new Error('serialization failure');
        }
        return items;
      },
      256,
      1,
    );
    const results = await Promise.allSettled([batcher.submit(1), batcher.submit(2)]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    await expect(batcher.submit(3)).resolves.toBe(3);
  });
});

describe('MicroBatcher with keys (per-key order)', () => {
  /** A batcher whose batches finish only when the test says so; items are `key:n`. */
  function controlledBatcher() {
    const batches: { items: string[]; finish: () => void }[] = [];
    const batcher = new MicroBatcher<string, string>(
      (items) => new Promise((resolve) => batches.push({ items, finish: () => resolve(items) })),
      256,
      Number.POSITIVE_INFINITY,
      (item) => [item.split(':')[0]],
    );
    return { batcher, batches };
  }

  const turn = () => new Promise((resolve) => setImmediate(resolve));

  it('holds an item back while a running batch has its key, and runs other keys at once', async () => {
    const { batcher, batches } = controlledBatcher();
    const first = batcher.submit('a:1');
    await turn();
    const sameKey = batcher.submit('a:2');
    const otherKey = batcher.submit('b:1');
    await turn();
    expect(batches.map((batch) => batch.items)).toEqual([['a:1'], ['b:1']]);

    batches[1].finish();
    await expect(otherKey).resolves.toBe('b:1');
    await turn();
    expect(batches).toHaveLength(2);

    batches[0].finish();
    await first;
    await turn();
    expect(batches.map((batch) => batch.items)).toEqual([['a:1'], ['b:1'], ['a:2']]);
    batches[2].finish();
    await expect(sameKey).resolves.toBe('a:2');
  });

  it('keeps items of one key in submission order, also behind an item of theirs that waits', async () => {
    const { batcher, batches } = controlledBatcher();
    void batcher.submit('a:1');
    await turn();
    void batcher.submit('a:2');
    void batcher.submit('c:1');
    await turn();
    void batcher.submit('a:3');
    await turn();
    expect(batches.map((batch) => batch.items)).toEqual([['a:1'], ['c:1']]);
    batches[0].finish();
    await turn();
    await turn();
    expect(batches[2].items).toEqual(['a:2', 'a:3']);
  });

  it('lets items without keys go whatever runs', async () => {
    const batches: string[][] = [];
    const batcher = new MicroBatcher<string, string>(
      (items) => {
        batches.push(items);
        return new Promise(() => undefined);
      },
      256,
      Number.POSITIVE_INFINITY,
      (item) => (item === 'keyless' ? [] : ['a']),
    );
    void batcher.submit('a:1');
    await turn();
    void batcher.submit('keyless');
    await turn();
    expect(batches).toEqual([['a:1'], ['keyless']]);
  });
});
