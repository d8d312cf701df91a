import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { AuditEntry } from './audit-entry';
import { AuditEventsRepository } from './audit-events.repository';

/** A batch goes out after this long or at this size, whichever comes first. */
export const AUDIT_FLUSH_INTERVAL_MS = 200;
export const AUDIT_BATCH_SIZE = 100;
/** While the database is unreachable entries pile up; past this many the oldest are dropped (and counted in the log). */
const MAX_PENDING = 10_000;

/**
 * Collects audit entries and writes them in batches, so recording never waits on the database and
 * a burst of requests costs one INSERT per batch. A failed batch is logged and dropped: the audit
 * trail is best effort, and a request must never fail or stall because of it. The application's
 * shutdown writes what is left, after the HTTP server stopped and before the database closes.
 */
@Injectable()
export class AuditLog implements OnApplicationShutdown {
  private readonly logger = new Logger(AuditLog.name);
  private pending: AuditEntry[] = [];
  private timer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly events: AuditEventsRepository) {}

  record(entry: AuditEntry): void {
    this.pending.push(entry);
    if (this.pending.length > MAX_PENDING) {
      const dropped = this.pending.splice(0, this.pending.length - MAX_PENDING).length;
      this.logger.error(`audit backlog full: dropped ${dropped} audit entries`);
    }
    if (this.pending.length >= AUDIT_BATCH_SIZE) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), AUDIT_FLUSH_INTERVAL_MS);
  }

  /** Writes everything recorded so far; resolves once it is in the database (or was given up). */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    // Batches are written one after another, so events land in the order they were recorded.
    this.writing = this.writing.then(async () => {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, AUDIT_BATCH_SIZE);
        try {
          await this.events.insert(batch);
        } catch (error) {
          this.logger.error(`could not write ${batch.length} audit entries: ${(error as Error).message}`);
        }
      }
    });
    return this.writing;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }
}
