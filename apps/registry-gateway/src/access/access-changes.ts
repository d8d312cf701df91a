import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { NotificationSubjects } from '@imagestreams/contracts';
import { InjectNatsConnection } from '@imagestreams/platform-messaging';
import type { NatsConnection, Subscription } from 'nats';

/**
 * `accessChanged` on core NATS: a token was revoked or a user or service account deleted, so every
 * gateway replica drops what it cached about credentials. Best effort like every notification; the
 * caches expire on their own within seconds, so a lost one only delays.
 */
@Injectable()
export class AccessChanges implements OnModuleDestroy {
  private readonly logger = new Logger(AccessChanges.name);
  private readonly subscriptions: Subscription[] = [];

  constructor(@InjectNatsConnection() private readonly connection: NatsConnection) {}

  announce(): void {
    try {
      this.connection.publish(NotificationSubjects.accessChanged);
    } catch (error) {
      // The write already committed; peers catch up when their caches expire.
      this.logger.warn(`could not announce an access change: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Calls `listener` on every change announced by any replica, this one included. */
  onChange(listener: () => void): void {
    this.subscriptions.push(this.connection.subscribe(NotificationSubjects.accessChanged, { callback: () => listener() }));
  }

  onModuleDestroy(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }
}
