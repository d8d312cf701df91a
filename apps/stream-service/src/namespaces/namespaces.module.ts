import { Module } from '@nestjs/common';
import { NamespaceRepository } from './namespace.repository';
import { NamespacesRequests } from './namespaces.requests';

@Module({
  controllers: [NamespacesRequests],
  providers: [NamespaceRepository],
  exports: [NamespaceRepository],
})
export class NamespacesModule {}
