import { Module } from '@nestjs/common';
import { SigningSecrets } from './signing-secrets';
import { SubscriptionRepository } from './subscription.repository';
import { SubscriptionsRequests } from './subscriptions.requests';

@Module({
  controllers: [SubscriptionsRequests],
  providers: [SubscriptionRepository, SigningSecrets],
  exports: [SubscriptionRepository, SigningSecrets],
})
export class SubscriptionsModule {}
