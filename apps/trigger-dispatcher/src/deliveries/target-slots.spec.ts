import { TargetSlots } from './target-slots';

const job = (target: string, id: number) => ({ target, id });

describe('TargetSlots', () => {
  it('never runs more than the per-target limit for one target, and gives others the remaining capacity', () => {
    const slots = new TargetSlots<{ target: string; id: number }>(4, 2);
    for (let i = 0; i < 5; i++) slots.enqueue(job('slow', i));
    slots.enqueue(job('fast', 100));
    const first = slots.takeRunnable();
    expect(first.filter((j) => j.target === 'slow')).toHaveLength(2);
    expect(first.filter((j) => j.target === 'fast')).toHaveLength(1);
    expect(slots.queuedCount).toBe(3);
    expect(slots.saturatedTargets()).toEqual(['slow']);
    expect(slots.takeRunnable()).toEqual([]);
    slots.release('slow');
    expect(slots.takeRunnable().map((j) => j.id)).toEqual([2]);
  });

  it('respects the total limit across targets, round-robin', () => {
    const slots = new TargetSlots<{ target: string; id: number }>(3, 10);
    for (let i = 0; i < 3; i++) slots.enqueue(job('a', i));
    for (let i = 0; i < 3; i++) slots.enqueue(job('b', 10 + i));
    expect(slots.takeRunnable().map((j) => j.id)).toEqual([0, 10, 1]);
    expect(slots.runningCount).toBe(3);
    slots.release('a');
    expect(slots.takeRunnable().map((j) => j.id)).toEqual([11]);
  });

  it('forgets a target once nothing of it runs or waits', () => {
    const slots = new TargetSlots<{ target: string; id: number }>(2, 1);
    slots.enqueue(job('a', 1));
    slots.takeRunnable();
    expect(slots.saturatedTargets()).toEqual(['a']);
    slots.release('a');
    expect(slots.saturatedTargets()).toEqual([]);
    expect(slots.runningCount).toBe(0);
  });

  it('lists waiting jobs and drops the ones it is told to, leaving the rest in order', () => {
    const slots = new TargetSlots<{ target: string; id: number }>(1, 1);
    for (const [target, id] of [['a', 1], ['a', 2], ['b', 3], ['a', 4]] as const) slots.enqueue(job(target, id));
    expect(slots.takeRunnable().map((taken) => taken.id)).toEqual([1]);
    expect(slots.queuedJobs().map((queued) => queued.id).sort()).toEqual([2, 3, 4]);

    expect(slots.drop((queued) => queued.id === 2 || queued.id === 3)).toBe(2);
    expect(slots.queuedCount).toBe(1);
    expect(slots.saturatedTargets()).toEqual(['a']);
    slots.release('a');
    expect(slots.takeRunnable().map((taken) => taken.id)).toEqual([4]);
    expect(slots.queuedJobs()).toEqual([]);
  });
});
