import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { WatchLogRepository } from './watch-log.repository';
import { WATCH_SETTINGS, type WatchSettings } from './watch-settings';

/** Keeps the change log to its retention; a watch resuming from before that gets 410 and re-lists. */
@Injectable()
export class WatchLogPruner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('WatchLogPruner');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: WatchLogRepository,
    @Inject(WATCH_SETTINGS) private readonly settings: WatchSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.log.prune(this.settings.retentionMs).catch((error: Error) => this.logger.warn(`pruning the watch log failed: ${error.message}`));
    }, 60_000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
