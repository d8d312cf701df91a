import { Module } from '@nestjs/common';
import { ProcessedTemplatesRequests } from './processed-templates.requests';
import { TemplateChangesRequests } from './template-changes.requests';
import { TemplateRepository } from './template.repository';
import { TemplatesRequests } from './templates.requests';

@Module({
  controllers: [TemplatesRequests, ProcessedTemplatesRequests, TemplateChangesRequests],
  providers: [TemplateRepository],
})
export class TemplatesModule {}
