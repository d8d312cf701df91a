import { ReusableBuffers } from './reusable-buffers';

describe('ReusableBuffers', () => {
  it('hands out a buffer given back before allocating a new one', () => {
    const pool = new ReusableBuffers(16, 2);
    const first = pool.take();
    pool.give(first);

    expect(pool.take()).toBe(first);
    expect(pool.take()).not.toBe(first);
  });

  it('keeps no more than it was told to, and nothing of another size', () => {
    const pool = new ReusableBuffers(16, 2);
    const taken = [pool.take(), pool.take(), pool.take()];
    taken.forEach((buffer) => pool.give(buffer));
    pool.give(Buffer.alloc(8));

    expect(pool.kept).toBe(2);
  });

  it('keeps a buffer given back twice only once, so two takers never share it', () => {
    const pool = new ReusableBuffers(16, 4);
    const buffer = pool.take();
    pool.give(buffer);
    pool.give(buffer);

    expect(pool.take()).toBe(buffer);
    expect(pool.take()).not.toBe(buffer);
  });

  it('allocates buffers of its size', () => {
    expect(new ReusableBuffers(32, 1).take()).toHaveLength(32);
  });
});
