import { Module } from '@nestjs/common';
import { NamespaceRepository } from './namespace.repository';
import { NamespacesRequests } from './namespaces.requests';

@Module({
  controllers: [NamespacesRequests],
  providers: [NamespaceRepository],
})
export class NamespacesModule {}
