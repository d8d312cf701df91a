import type { ImageStream } from '@imagestreams/contracts';
import { RenderedStreamCache } from './rendered-stream-cache';

const view = (name: string) => ({ metadata: { name } }) as unknown as ImageStream;

describe('RenderedStreamCache', () => {
  it('hits only for the same resourceVersion', () => {
    const cache = new RenderedStreamCache();
    cache.set('u1', '5', view('a'));
    expect(cache.get('u1', '5')?.metadata.name).toBe('a');
    expect(cache.get('u1', '6')).toBeUndefined();
    expect(cache.get('u2', '5')).toBeUndefined();
  });

  it('evicts the least recently used entry beyond its size', () => {
    const cache = new RenderedStreamCache();
    for (let i = 0; i < 64; i++) cache.set(`u${i}`, '1', view(`s${i}`));
    expect(cache.get('u0', '1')).toBeDefined(); // u0 is now the most recent
    cache.set('u64', '1', view('s64'));
    expect(cache.get('u1', '1')).toBeUndefined();
    expect(cache.get('u0', '1')).toBeDefined();
    expect(cache.get('u64', '1')).toBeDefined();
  });
});
