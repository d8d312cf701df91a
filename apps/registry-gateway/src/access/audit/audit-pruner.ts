import { Inject, Injectable } from '@nestjs/common';
import { PeriodicTask } from '@imagestreams/platform-persistence';
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
export class AuditPruner extends PeriodicTask {
  constructor(
    private readonly events: AuditEventsRepository,
    @Inject(AUDIT_SETTINGS) private readonly settings: AuditSettings,
  ) {
    super('audit pruning', settings.pruneIntervalMs, true);
  }

  protected runRound(): Promise<number> {
    return this.prune();
  }

  async prune(now = new Date()): Promise<number> {
    const removed = await this.events.prune(new Date(now.getTime() - this.settings.retentionDays * DAY_MS));
    if (removed > 0) this.logger.log(`pruned ${removed} audit event(s) older than ${this.settings.retentionDays} days`);
    return removed;
  }
}
