import { Module } from '@nestjs/common';
import { ScheduledTagsRepository } from '../schedules/scheduled-tags.repository';
import { RegistrySecretsRepository } from '../secrets/registry-secrets.repository';
import { DeleteNamespaceContents } from './delete-namespace-contents';
import { NamespaceDeletionsListener } from './namespace-deletions.listener';

/** What `namespace.deleted` deletes here. */
@Module({
  controllers: [NamespaceDeletionsListener],
  providers: [RegistrySecretsRepository, ScheduledTagsRepository, DeleteNamespaceContents],
})
export class NamespaceDeletionsModule {}
