import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { NotificationSubjects, QueueGroups, SAMPLES_CONFIG_NAME, StatusError, wakeUpSubject, type SamplesConfigStatus } from '@imagestreams/contracts';
import { NATS_CONNECTION } from '@imagestreams/platform-messaging';
import { counter, METRIC_PREFIX } from '@imagestreams/platform-observability';
import type { NatsConnection, Subscription } from 'nats';
import { SAMPLES_CATALOG, type SamplesCatalog } from './catalog';
import { jsonEqual } from './json-equal';
import { SAMPLE_IMAGE_STREAMS, type SampleImageStreams } from './sample-image-streams';
import { SampleTemplates } from './sample-templates';
import { SamplesConfigRepository } from './samples-config.repository';
import { importFailures, planSamples, samplesIntent, type ExistingImageStream, type SampleAction, type SamplesTarget } from './samples-plan';
import { defaultSamplesSpec, SAMPLES_SETTINGS, type SamplesSettings } from './samples-settings';
import {
  architectureOf,
  configurationProblem,
  invalidStatus,
  managedStatus,
  removedStatus,
  removePendingStatus,
  unmanagedStatus,
  type SampleFailure,
} from './samples-status';

const reconciles = counter({
  name: `${METRIC_PREFIX}samples_reconciles_total`,
  help: 'Reconciles of the samples catalog by result: success (every write made, including none), failure (a write or a read failed; retried).',
  labelNames: ['result'] as const,
});

const sampleWrites = counter({
  name: `${METRIC_PREFIX}samples_writes_total`,
  help: 'Writes to samples by the samples operator: kind (ImageStream, Template) and action (create, update, unmanage, delete).',
  labelNames: ['kind', 'action'] as const,
});

/** A failed reconcile is retried after 1 s, doubling up to this (or the interval, if shorter). */
const MAX_RETRY_DELAY_MS = 30_000;
/** Image stream changes in the samples namespace (a user's edit, an import's outcome) are reconciled this long after the last one. */
const CHANGE_DEBOUNCE_MS = 1_000;
/** Queue group of the image-stream notifications: one replica reacts to each. */
const NOTIFICATION_QUEUE = `${QueueGroups.templateService}-samples`;

export interface ReconcileResult {
  actions: SampleAction[];
  failures: SampleFailure[];
}

function failureOf(kind: SampleFailure['kind'], name: string, error: unknown): SampleFailure {
  if (error instanceof StatusError) return { kind, name, reason: error.status.reason ?? 'InternalError', message: error.status.message ?? error.message };
  return { kind, name, reason: 'InternalError', message: (error as Error).message };
}

/**
 * The Cluster Samples Operator (reference §6): keeps the samples namespace holding the catalog as
 * the Config says. A reconcile runs at start-up (retried until stream-service answers), after
 * every Config write, when an image stream in the samples namespace changes, and every
 * `intervalMs` (which is what restores edited templates). Reconciles are serialized within the
 * process (a request during one runs once more after it) and across replicas (an advisory lock),
 * and each plans from what is there, so any number of them converge and a repeated one writes nothing.
 */
@Injectable()
export class SamplesReconciler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('SamplesOperator');
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private debounce?: NodeJS.Timeout;
  private subscription?: Subscription;
  private failuresInARow = 0;
  /** The catalog reconciled against (specs may swap it). */
  catalog: SamplesCatalog = SAMPLES_CATALOG;

  constructor(
    private readonly configs: SamplesConfigRepository,
    @Inject(SAMPLE_IMAGE_STREAMS) private readonly imageStreams: SampleImageStreams,
    private readonly templates: SampleTemplates,
    @Inject(SAMPLES_SETTINGS) private readonly settings: SamplesSettings,
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.settings.enabled) {
      this.logger.log('the samples operator is off (SAMPLES_ENABLED=false)');
      return;
    }
    // Only changes in the samples namespace reach this replica: pushes elsewhere cost it nothing.
    this.subscription = this.connection.subscribe(wakeUpSubject(NotificationSubjects.imageStreamsChanged, this.settings.namespace), {
      queue: NOTIFICATION_QUEUE,
      callback: () => this.soon(),
    });
    this.kick();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.debounce);
    this.subscription?.unsubscribe();
    await this.running;
  }

  /** Reconcile now, or once more right after the reconcile in progress. Never throws (failures are retried). */
  kick(): void {
    if (!this.settings.enabled || this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop();
  }

  /**
   * A namespace was deleted with everything in it. The samples namespace is put back with the
   * catalog now, not at the next interval (a reconcile that ran before its templates were deleted
   * found nothing to do).
   */
  namespaceDeleted(namespace: string): void {
    if (namespace === this.settings.namespace) this.kick();
  }

  /** A kick after a quiet second: a burst of image stream changes is reconciled once. */
  private soon(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.kick(), CHANGE_DEBOUNCE_MS);
  }

  /** Clears `running` itself, in the same step as its last check of `again`, so no kick falls in between. */
  private async loop(): Promise<void> {
    try {
      do {
        this.again = false;
        clearTimeout(this.timer);
        const delay = await this.reconcileAndLog();
        if (!this.stopped) {
          this.timer = setTimeout(() => this.kick(), delay);
          this.timer.unref();
        }
      } while (this.again && !this.stopped);
    } finally {
      this.running = undefined;
    }
  }

  /** One reconcile, counted and logged; resolves to when the next should run (the interval, or a retry's backoff). */
  private async reconcileAndLog(): Promise<number> {
    try {
      const result = await this.reconcile();
      reconciles.inc({ result: result.failures.length ? 'failure' : 'success' });
      if (result.failures.length) {
        const delay = this.retryDelay();
        this.logger.warn(`samples reconcile left ${result.failures.length} sample(s) unapplied (retrying in ${delay} ms): ${result.failures.map((failure) => `${failure.kind} ${failure.name}: ${failure.message}`).join('; ')}`);
        return delay;
      }
      this.failuresInARow = 0;
      if (result.actions.length) this.logger.log(`samples reconciled: ${result.actions.map((action) => `${action.action} ${action.kind} ${action.name}`).join(', ')}`);
      return this.settings.intervalMs;
    } catch (error) {
      reconciles.inc({ result: 'failure' });
      const delay = this.retryDelay();
      this.logger.warn(`samples reconcile failed (retrying in ${delay} ms): ${(error as Error).message}`);
      return delay;
    }
  }

  private retryDelay(): number {
    this.failuresInARow++;
    return Math.min(1000 * 2 ** (this.failuresInARow - 1), MAX_RETRY_DELAY_MS, this.settings.intervalMs);
  }

  /** One reconcile under the cross-replica lock: read the Config (creating it if missing), act on its state, record the status. */
  async reconcile(): Promise<ReconcileResult> {
    return this.configs.withReconcileLock(async () => {
      const config = await this.configs.ensure(SAMPLES_CONFIG_NAME, defaultSamplesSpec(this.settings));
      const { spec } = config;
      const status: SamplesConfigStatus = { ...config.status, conditions: config.status?.conditions ?? [] };
      const intent = samplesIntent(spec);
      const target: SamplesTarget = { namespace: this.settings.namespace, version: this.catalog.version };
      const now = () => new Date().toISOString();
      let result: ReconcileResult = { actions: [], failures: [] };
      let saved = status;
      let next: SamplesConfigStatus;

      if (intent.state === 'Unmanaged') {
        next = unmanagedStatus(status, spec, target.version, now());
      } else if (intent.state === 'Removed') {
        const actions = planSamples({ catalog: this.catalog, intent, target, ...(await this.current(target.namespace)) });
        if (actions.length > 0) {
          const pending = removePendingStatus(status, now());
          await this.saveStatus(status, pending);
          saved = pending;
          result = await this.apply(target.namespace, actions);
        }
        next = removedStatus(saved, spec, result.failures, target.version, now());
      } else {
        const problem = configurationProblem(spec, status, this.settings.defaultArchitecture);
        if (problem) {
          next = invalidStatus(status, problem, now());
        } else {
          await this.imageStreams.ensureNamespace(target.namespace);
          const current = await this.current(target.namespace);
          const actions = planSamples({ catalog: this.catalog, intent, target, ...current });
          result = await this.apply(target.namespace, actions);
          // Import outcomes as they stand after this reconcile's writes (a stream just written has none yet).
          const streams: readonly ExistingImageStream[] = actions.some((action) => action.kind === 'ImageStream') ? await this.imageStreams.list(target.namespace) : current.imageStreams;
          next = managedStatus(
            status,
            spec,
            { failures: result.failures, importFailures: importFailures(this.catalog, intent, streams), version: target.version, architecture: architectureOf(spec, this.settings.defaultArchitecture) },
            now(),
          );
        }
      }
      await this.saveStatus(saved, next);
      return result;
    });
  }

  private async current(namespace: string) {
    const [imageStreams, templates] = await Promise.all([this.imageStreams.list(namespace), this.templates.list(namespace)]);
    return { imageStreams, templates };
  }

  /** Only a status that changed is written, so a reconcile that finds nothing to do changes nothing. */
  private async saveStatus(previous: SamplesConfigStatus, next: SamplesConfigStatus): Promise<void> {
    if (!jsonEqual(previous, next)) await this.configs.updateStatus(SAMPLES_CONFIG_NAME, next);
  }

  /** Every action is tried; one that fails is reported and does not stop the others. */
  private async apply(namespace: string, actions: SampleAction[]): Promise<ReconcileResult> {
    const failures: SampleFailure[] = [];
    for (const action of actions) {
      try {
        await this.applyOne(namespace, action);
        sampleWrites.inc({ kind: action.kind, action: action.action });
      } catch (error) {
        failures.push(failureOf(action.kind, action.name, error));
      }
    }
    return { actions, failures };
  }

  private async applyOne(namespace: string, action: SampleAction): Promise<void> {
    if (action.kind === 'ImageStream') {
      switch (action.action) {
        case 'create':
          // Created meanwhile (another writer): the next reconcile compares it.
          await this.imageStreams.create(namespace, action.imageStream);
          return;
        case 'update':
          if (!(await this.imageStreams.update(namespace, action.imageStream))) await this.imageStreams.create(namespace, action.imageStream);
          return;
        case 'unmanage':
          return this.imageStreams.unmanage(namespace, action.name);
        case 'delete':
          return this.imageStreams.delete(namespace, action.name);
      }
    }
    switch (action.action) {
      case 'create':
        await this.templates.create(namespace, action.template);
        return;
      case 'update':
        return this.templates.replace(namespace, action.template);
      case 'unmanage':
        return this.templates.unmanage(namespace, action.name);
      case 'delete':
        return this.templates.delete(namespace, action.name);
    }
  }
}
