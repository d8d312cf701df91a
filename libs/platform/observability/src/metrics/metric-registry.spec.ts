import perfHooks from 'node:perf_hooks';
import { register } from 'prom-client';
import { EVENT_LOOP_SAMPLE_MS, startDefaultMetrics } from './metric-registry';

describe('startDefaultMetrics', () => {
  afterAll(() => register.clear());

  it('samples the event loop delay every 100 ms, not every 10 ms (an idle wake-up costs CPU)', async () => {
    const monitor = jest.spyOn(perfHooks, 'monitorEventLoopDelay');

    startDefaultMetrics();
    startDefaultMetrics();

    expect(EVENT_LOOP_SAMPLE_MS).toBe(100);
    expect(monitor).toHaveBeenCalledTimes(1);
    expect(monitor).toHaveBeenCalledWith({ resolution: EVENT_LOOP_SAMPLE_MS });
    // And the lag metrics are still there.
    expect(await register.getSingleMetricAsString('nodejs_eventloop_lag_p99_seconds')).toContain('nodejs_eventloop_lag_p99_seconds');
  });
});
