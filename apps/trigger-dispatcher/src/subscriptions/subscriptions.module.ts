import { Module } from '@nestjs/common';
import { SubscriptionRepository } from './subscription.repository';
import { SubscriptionsRequests } from './subscriptions.requests';

@Module({
  controllers: [SubscriptionsRequests],
  providers: [SubscriptionRepository],
  exports: [SubscriptionRepository],
})
export class SubscriptionsModule {}
