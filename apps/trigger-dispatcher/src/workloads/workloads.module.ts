import { Module } from '@nestjs/common';
import { BuildsRequests } from './builds.requests';
import { TriggerFiring } from './trigger-firing';
import { WorkloadRepository } from './workload.repository';
import { WorkloadsRequests } from './workloads.requests';

@Module({
  controllers: [WorkloadsRequests, BuildsRequests],
  providers: [WorkloadRepository, TriggerFiring],
  exports: [TriggerFiring],
})
export class WorkloadsModule {}
