import { type BeforeApplicationShutdown, Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ImageImportRequests } from '@imagestreams/contracts';
import { effectiveInterval, nextCheckAt } from '@imagestreams/domain-import';
import { OwnerClient } from '@imagestreams/platform-messaging';
import { MicroBatcher } from '@imagestreams/platform-persistence';
import { RateLimitedError } from '@imagestreams/platform-registry-client';
import { ImageImporter } from '../imports/image-importer';
import type { LoginLookup } from '../secrets/registry-secrets';
import { importResult } from '../imports/import-results';
import { IMPORT_SETTINGS, type ImportSettings } from '../imports/import-settings';
import { ScheduledTagsRepository, type ScheduledTagRow, type TagKey } from './scheduled-tags.repository';

/** A check that failed for a reason of ours (stream-service unreachable) is retried this soon. */
const RETRY_FAILED_CHECK_MS = 60_000;

export const SCHEDULER_ACTOR = 'system:serviceaccount:imagestreams:importer';

interface CheckResult {
  key: TagKey;
  nextCheckAt: Date;
  digest?: string;
}

function keyOf(row: ScheduledTagRow): TagKey {
  return { namespace: row.namespace, stream: row.stream, tag: row.tag };
}

function registryOf(source: string): string {
  return source.split('/')[0];
}

/**
 * Scheduled imports (OpenShift §5.3): every tick, claim due tags (SKIP LOCKED, with a lease that a
 * crashed replica's claims outlive only briefly), check each with one HEAD, and import only when
 * the digest changed. Unchanged tags write nothing upstream of this schema.
 */
@Injectable()
export class ImportScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ImportScheduler.name);
  private readonly owner = `importer-${randomUUID()}`;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;
  private readonly finisher = new MicroBatcher<CheckResult, void>(async (results) => {
    await this.schedules.finish(this.owner, results);
    return results.map(() => undefined);
  });
  /** Registries that answered 429 with a long Retry-After: left alone until then. */
  private readonly backingOff = new Map<string, number>();

  constructor(
    private readonly schedules: ScheduledTagsRepository,
    private readonly importer: ImageImporter,
    private readonly owners: OwnerClient,
    @Inject(IMPORT_SETTINGS) private readonly settings: ImportSettings,
  ) {}

  onApplicationBootstrap(): void {
    if (this.settings.schedule.disabled) {
      this.logger.log('scheduled imports are disabled (IMPORT_SCHEDULING_DISABLED)');
      return;
    }
    this.schedule(0);
  }

  /**
   * Before any onApplicationShutdown hook: the pass in flight finishes while the registry client,
   * the database and NATS are still open (closed with them, its checks failed and were reported to
   * stream-service as import failures).
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick()
        .catch((error: unknown) => this.logger.warn(`scheduled import pass failed: ${(error as Error).message}`))
        .then((claimed) => this.schedule(claimed === this.settings.schedule.batch ? 0 : this.settings.schedule.tickMs));
    }, delayMs);
  }

  /** One pass; resolves to how many tags it checked (a full batch means more are due: go again at once). */
  async tick(): Promise<number> {
    const { batch, maxPerMinute, leaseMs } = this.settings.schedule;
    const claimed = await this.schedules.claimDue(this.owner, batch, leaseMs);
    if (claimed.length === 0) return 0;
    // The budget is drawn for what is due, not for a whole batch, and what it cannot cover goes back.
    const granted = maxPerMinute > 0 ? await this.schedules.takeBudget(claimed.length, maxPerMinute) : claimed.length;
    const now = Date.now();
    const paused = claimed.filter((row, index) => index >= granted || (this.backingOff.get(registryOf(row.source)) ?? 0) > now);
    await this.schedules.release(this.owner, paused.map(keyOf));
    // Each check is finished as soon as it is done (checks completing together share one UPDATE), so
    // a slow registry holding part of the batch never keeps the other tags' leases until they expire.
    const logins = this.importer.loginLookup();
    const done = await Promise.all(
      claimed
        .filter((row) => !paused.includes(row))
        .map((row) =>
          this.check(row, logins)
            .catch((error: unknown) => {
              this.logger.warn(`scheduled import of ${row.namespace}/${row.stream}:${row.tag} failed: ${(error as Error).message}`);
              return { key: keyOf(row), nextCheckAt: new Date(Date.now() + Math.min(this.settings.schedule.intervalMs, RETRY_FAILED_CHECK_MS)) };
            })
            .then((result) => this.finisher.submit(result)),
        ),
    );
    return done.length;
  }

  private async check(row: ScheduledTagRow, logins: LoginLookup): Promise<CheckResult> {
    const key = keyOf(row);
    const next = () => new Date(nextCheckAt(Date.now(), effectiveInterval(this.settings.schedule.intervalMs, this.settings.schedule.minimumIntervalMs), this.settings.schedule.jitter, Math.random));
    try {
      const digest = await this.importer.currentDigest(row.namespace, row.source, row.insecure, logins);
      if (digest === row.last_digest) return { key, nextCheckAt: next() };
    } catch (error) {
      if (error instanceof RateLimitedError && error.retryAfterMs) this.backingOff.set(registryOf(row.source), Date.now() + error.retryAfterMs);
      // Anything else: the full import below reports it as the tag's condition.
    }
    const outcome = await this.importer.importImage(
      row.namespace,
      { source: row.source, insecure: row.insecure, importMode: row.import_mode, platform: { preferArch: row.prefer_arch ?? undefined, preferOs: row.prefer_os ?? undefined } },
      logins,
    );
    try {
      await this.owners.request(ImageImportRequests.apply, {
        namespace: row.namespace,
        stream: row.stream,
        actor: SCHEDULER_ACTOR,
        origin: 'scheduled',
        images: [importResult(row.tag, row.source, outcome, {})],
      });
    } catch (error) {
      // The stream is gone: its deletion event removes the schedule; until then, check rarely.
      if ((error as { status?: { code?: number } }).status?.code !== 404) throw error;
    }
    return { key, nextCheckAt: next(), digest: outcome.ok ? outcome.sourceDigest : undefined };
  }
}
