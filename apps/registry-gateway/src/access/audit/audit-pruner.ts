import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AuditEventsRepository } from './audit-events.repository';

export const AUDIT_SETTINGS = Symbol('AUDIT_SETTINGS');

export interface AuditSettings {
  retentionDays: number;
  pruneIntervalMs: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Deletes audit events older than the retention, at start and then periodically. Every replica
 * does it; deleting is idempotent, so they only share the work.
 */
@Injectable()
export class AuditPruner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AuditPruner.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly events: AuditEventsRepository,
    @Inject(AUDIT_SETTINGS) private readonly settings: AuditSettings,
  ) {}

  onApplicationBootstrap(): void {
    const run = () => void this.prune().catch((error: unknown) => this.logger.warn(`audit pruning failed: ${(error as Error).message}`));
    run();
    this.timer = setInterval(run, this.settings.pruneIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async prune(now = new Date()): Promise<number> {
    const removed = await this.events.prune(new Date(now.getTime() - this.settings.retentionDays * DAY_MS));
    if (removed > 0) this.logger.log(`pruned ${removed} audit event(s) older than ${this.settings.retentionDays} days`);
    return removed;
  }
}
