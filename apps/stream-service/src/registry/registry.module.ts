import { type DynamicModule, Module } from '@nestjs/common';
import { DeleteRepositoryManifest } from './delete-repository-manifest';
import { RecordRepositoryImage } from './record-repository-image';
import { RegistryRequestsHandler } from './registry.requests';
import { RegistryViewRepository } from './registry-view.repository';

/** What the integrated registry (in registry-gateway) needs from the owner of streams and tags. */
@Module({})
export class RegistryModule {
  /** Takes the registered ImageStreamsModule: the same instance, so writes share its StreamWriter. */
  static register(imageStreams: DynamicModule): DynamicModule {
    return {
      module: RegistryModule,
      imports: [imageStreams],
      controllers: [RegistryRequestsHandler],
      providers: [RegistryViewRepository, RecordRepositoryImage, DeleteRepositoryManifest],
    };
  }
}
