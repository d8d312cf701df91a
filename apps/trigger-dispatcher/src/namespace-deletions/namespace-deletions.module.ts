import { Module } from '@nestjs/common';
import { DeleteNamespaceContents } from './delete-namespace-contents';
import { NamespaceContentsRepository } from './namespace-contents.repository';

/** What `namespace.deleted` deletes here; the image-events listener hands the event over. */
@Module({
  providers: [NamespaceContentsRepository, DeleteNamespaceContents],
  exports: [DeleteNamespaceContents],
})
export class NamespaceDeletionsModule {}
