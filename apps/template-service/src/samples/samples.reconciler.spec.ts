import type { NatsConnection } from 'nats';
import type { SampleImageStreams } from './sample-image-streams';
import type { SampleTemplates } from './sample-templates';
import type { SamplesConfigRepository } from './samples-config.repository';
import { SamplesReconciler, type ReconcileResult } from './samples.reconciler';

function deferred(): { promise: Promise<ReconcileResult>; resolve(): void; reject(error: Error): void } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<ReconcileResult>((ok, fail) => {
    resolve = () => ok({ actions: [], failures: [] });
    reject = fail;
  });
  return { promise, resolve, reject };
}

/** When reconciles run: kicks coalesce, failures are retried, nothing runs once stopped or when disabled. */
describe('SamplesReconciler scheduling', () => {
  const nothing = {} as never;

  function reconcilerWith(settings: { enabled?: boolean; intervalMs?: number } = {}) {
    const reconciler = new SamplesReconciler(
      nothing as SamplesConfigRepository,
      nothing as SampleImageStreams,
      nothing as SampleTemplates,
      { enabled: settings.enabled ?? true, namespace: 'openshift', intervalMs: settings.intervalMs ?? 600_000, defaultArchitecture: 'x86_64' },
      nothing as NatsConnection,
    );
    const runs: ReturnType<typeof deferred>[] = [];
    reconciler.reconcile = () => {
      const run = deferred();
      runs.push(run);
      return run.promise;
    };
    return { reconciler, runs };
  }

  const settle = () => new Promise((resolve) => setImmediate(resolve));

  it('runs once more after the reconcile in progress, however many kicks came meanwhile', async () => {
    const { reconciler, runs } = reconcilerWith();

    reconciler.kick();
    reconciler.kick();
    reconciler.kick();
    await settle();
    expect(runs).toHaveLength(1);

    runs[0].resolve();
    await settle();
    expect(runs).toHaveLength(2);
    runs[1].resolve();
    await settle();
    expect(runs).toHaveLength(2);

    reconciler.kick();
    await settle();
    expect(runs).toHaveLength(3);
    runs[2].resolve();
    await reconciler.beforeApplicationShutdown();
  });

  it('retries a failed reconcile after a backoff (at most the interval)', async () => {
    const { reconciler, runs } = reconcilerWith({ intervalMs: 20 });

    reconciler.kick();
    await settle();
    let retries = 0;
    reconciler.reconcile = async () => {
      retries++;
      return { actions: [], failures: [] };
    };
    runs[0].reject(new Error('no responders'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    await reconciler.beforeApplicationShutdown();

    expect(retries).toBeGreaterThanOrEqual(1);
  });

  it('does nothing when disabled or stopped', async () => {
    const disabled = reconcilerWith({ enabled: false });
    disabled.reconciler.kick();
    const stopped = reconcilerWith();
    await stopped.reconciler.beforeApplicationShutdown();
    stopped.reconciler.kick();
    await settle();

    expect(disabled.runs).toEqual([]);
    expect(stopped.runs).toEqual([]);
  });

  it('reconciles at once when the samples namespace was deleted, not when another one was', async () => {
    const { reconciler, runs } = reconcilerWith();

    reconciler.namespaceDeleted('team-a');
    await settle();
    expect(runs).toHaveLength(0);

    reconciler.namespaceDeleted('openshift');
    await settle();
    expect(runs).toHaveLength(1);
    runs[0].resolve();
    await reconciler.beforeApplicationShutdown();
  });
});
