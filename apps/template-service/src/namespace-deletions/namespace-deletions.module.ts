import { Module } from '@nestjs/common';
import { TemplateInstanceRepository } from '../template-instances/template-instance.repository';
import { TemplateRepository } from '../templates/template.repository';
import { DeleteNamespaceContents } from './delete-namespace-contents';
import { NamespaceDeletionsListener } from './namespace-deletions.listener';

/** What `namespace.deleted` deletes here (the samples reconciler comes from the global SamplesModule). */
@Module({
  controllers: [NamespaceDeletionsListener],
  providers: [TemplateRepository, TemplateInstanceRepository, DeleteNamespaceContents],
})
export class NamespaceDeletionsModule {}
