import { histogramDelta, parseMetrics, Scrape } from './metrics-text';

function reading(lines: string[]): Scrape {
  const text = lines.join('\n');
  return new Scrape(text, parseMetrics(text));
}

describe('histogramDelta', () => {
  const before = reading([
    'lat_bucket{stage="a",le="0.1"} 10',
    'lat_bucket{stage="a",le="0.5"} 10',
    'lat_bucket{stage="a",le="1"} 10',
    'lat_bucket{stage="a",le="+Inf"} 10',
    'lat_sum{stage="a"} 0.5',
    'lat_count{stage="a"} 10',
  ]);
  // Since `before`: 100 more, 50 of them ≤ 0.1, 40 in (0.1, 0.5], 9 in (0.5, 1], 1 above 1.
  const after = reading([
    'lat_bucket{stage="a",le="0.1"} 60',
    'lat_bucket{stage="a",le="0.5"} 100',
    'lat_bucket{stage="a",le="1"} 109',
    'lat_bucket{stage="a",le="+Inf"} 110',
    'lat_sum{stage="a"} 20.5',
    'lat_count{stage="a"} 110',
    'lat_count{stage="b"} 7',
  ]);

  it('counts, averages and interpolates quantiles within buckets over what happened between two readings', () => {
    const delta = histogramDelta(before, after, 'lat', { stage: 'a' }, [0.25, 0.5, 0.7, 0.95, 0.995]);
    expect(delta.count).toBe(100);
    expect(delta.mean).toBeCloseTo(0.2);
    expect(delta.quantiles['p25']).toBeCloseTo(0.05);
    expect(delta.quantiles['p50']).toBeCloseTo(0.1);
    expect(delta.quantiles['p70']).toBeCloseTo(0.3);
    expect(delta.quantiles['p95']).toBeCloseTo(0.5 + 0.5 * (5 / 9));
    // Above the last finite bound: that bound, there is nothing to interpolate towards.
    expect(delta.quantiles['p99.5']).toBe(1);
  });

  it('reports nothing observed as a count of 0 and no estimates', () => {
    const delta = histogramDelta(after, after, 'lat', { stage: 'a' });
    expect(delta).toEqual({ count: 0, mean: Number.NaN, quantiles: { p50: Number.NaN, p95: Number.NaN, p99: Number.NaN } });
  });
});
