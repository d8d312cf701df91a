import { type BeforeApplicationShutdown, type DynamicModule, Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { SigningSecrets } from '../subscriptions/signing-secrets';
import { NamespaceDeletionsModule } from '../namespace-deletions/namespace-deletions.module';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { WorkloadsModule } from '../workloads/workloads.module';
import { DeliveriesRequests } from './deliveries.requests';
import { DeliveryPlanner } from './delivery-planner';
import { DeliveryRepository } from './delivery.repository';
import { DeliveryWorker, type DeliveryWorkerOptions } from './delivery-worker';
import { EventArchive } from './event-archive';
import { ImageEventsListener } from './image-events.listener';
import { SubscriptionEvents } from './subscription-events';
import { OutboxRelay } from '@imagestreams/platform-messaging';

@Injectable()
class DeliveryWorkerLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(private readonly worker: DeliveryWorker) {}

  onApplicationBootstrap(): void {
    this.worker.start();
  }

  /** In-flight webhook requests finish and are recorded before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.stop();
  }
}

@Module({})
export class DeliveriesModule {
  static register(options: DeliveryWorkerOptions): DynamicModule {
    return {
      module: DeliveriesModule,
      imports: [SubscriptionsModule, WorkloadsModule, NamespaceDeletionsModule],
      controllers: [ImageEventsListener, DeliveriesRequests],
      providers: [
        DeliveryRepository,
        SubscriptionEvents,
        EventArchive,
        {
          provide: DeliveryWorker,
          useFactory: (deliveries: DeliveryRepository, events: SubscriptionEvents, relay: OutboxRelay, signingSecrets: SigningSecrets) =>
            new DeliveryWorker(deliveries, events, relay, options, signingSecrets),
          inject: [DeliveryRepository, SubscriptionEvents, OutboxRelay, SigningSecrets],
        },
        DeliveryPlanner,
        DeliveryWorkerLifecycle,
      ],
    };
  }
}
