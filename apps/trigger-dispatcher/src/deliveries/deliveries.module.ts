import { type BeforeApplicationShutdown, type DynamicModule, Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { DeliveriesRequests } from './deliveries.requests';
import { DeliveryPlanner } from './delivery-planner';
import { DeliveryRepository } from './delivery.repository';
import { DeliveryWorker, type DeliveryWorkerOptions } from './delivery-worker';
import { ImageEventsListener } from './image-events.listener';
import { SubscriptionRepository } from '../subscriptions/subscription.repository';

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
      imports: [SubscriptionsModule],
      controllers: [ImageEventsListener, DeliveriesRequests],
      providers: [
        DeliveryRepository,
        {
          provide: DeliveryWorker,
          useFactory: (deliveries: DeliveryRepository, subscriptions: SubscriptionRepository) => new DeliveryWorker(deliveries, subscriptions, options),
          inject: [DeliveryRepository, SubscriptionRepository],
        },
        DeliveryPlanner,
        DeliveryWorkerLifecycle,
      ],
    };
  }
}
