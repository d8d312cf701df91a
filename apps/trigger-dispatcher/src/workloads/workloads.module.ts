import { Module } from '@nestjs/common';
import { BuildRecords } from './build-records';
import { BuildWebhooksRequests } from './build-webhooks.requests';
import { BuildsRequests } from './builds.requests';
import { DryRunRequests } from './dry-run.requests';
import { SubscriptionsModule } from '../subscriptions/subscriptions.module';
import { TriggerFiring } from './trigger-firing';
import { WorkloadRepository } from './workload.repository';
import { WorkloadsRequests } from './workloads.requests';

@Module({
  imports: [SubscriptionsModule],
  controllers: [WorkloadsRequests, BuildsRequests, BuildWebhooksRequests, DryRunRequests],
  providers: [WorkloadRepository, TriggerFiring, BuildRecords],
  exports: [TriggerFiring],
})
export class WorkloadsModule {}
