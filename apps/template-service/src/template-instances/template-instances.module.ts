import { Module } from '@nestjs/common';
import { OwnerObjects } from './owner-objects';
import { TemplateInstanceChangesRequests } from './template-instance-changes.requests';
import { TemplateInstanceRepository } from './template-instance.repository';
import { TemplateInstancesRequests } from './template-instances.requests';

@Module({
  controllers: [TemplateInstancesRequests, TemplateInstanceChangesRequests],
  providers: [TemplateInstanceRepository, OwnerObjects],
})
export class TemplateInstancesModule {}
