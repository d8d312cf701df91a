import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { STREAM_SETTINGS, type StreamSettings } from '../stream-writes/stream-settings';
import { WatchLogRepository } from './watch-log.repository';

/** Keeps the change log to its retention; a watch resuming from before that gets 410 and re-lists. */
@Injectable()
export class WatchLogPruner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('WatchLogPruner');
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly log: WatchLogRepository,
    @Inject(STREAM_SETTINGS) private readonly settings: StreamSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.log.prune(this.settings.watchRetentionMs).catch((error: Error) => this.logger.warn(`pruning the watch log failed: ${error.message}`));
    }, 60_000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
