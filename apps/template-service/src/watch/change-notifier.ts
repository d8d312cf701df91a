import { Injectable } from '@nestjs/common';
import { wakeUpSubject } from '@imagestreams/contracts';
import { InjectNatsConnection } from '@imagestreams/platform-messaging';
import type { NatsConnection } from 'nats';
import { WAKE_UP_SUBJECTS, type WatchKind } from './watch-kinds';

/**
 * Wakes the gateway's watchers of a namespace once a change committed. Best effort (core NATS):
 * watchers read the change log every few seconds anyway, so a lost wake-up only delays.
 */
@Injectable()
export class ChangeNotifier {
  constructor(@InjectNatsConnection() private readonly connection: NatsConnection) {}

  changed(kind: WatchKind, namespace: string): void {
    if (this.connection.isClosed()) return;
    this.connection.publish(wakeUpSubject(WAKE_UP_SUBJECTS[kind], namespace), JSON.stringify({ namespace }));
  }
}
