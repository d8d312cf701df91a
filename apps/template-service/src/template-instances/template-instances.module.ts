import { Module } from '@nestjs/common';
import { OwnerObjects } from './owner-objects';
import { TemplateInstanceRepository } from './template-instance.repository';
import { TemplateInstancesRequests } from './template-instances.requests';

@Module({
  controllers: [TemplateInstancesRequests],
  providers: [TemplateInstanceRepository, OwnerObjects],
})
export class TemplateInstancesModule {}
