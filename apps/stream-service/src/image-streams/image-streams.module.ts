import { type DynamicModule, Module } from '@nestjs/common';
import { CreateImageStreamMapping } from './create-image-stream-mapping';
import { ImageStreamRepository } from './image-stream.repository';
import { ImageStreamsRequests } from './image-streams.requests';
import type { RegistryHosts } from './image-stream.view';
import { REGISTRY_HOSTS } from './registry-hosts';

@Module({})
export class ImageStreamsModule {
  static register(hosts: RegistryHosts): DynamicModule {
    return {
      module: ImageStreamsModule,
      controllers: [ImageStreamsRequests],
      providers: [ImageStreamRepository, CreateImageStreamMapping, { provide: REGISTRY_HOSTS, useValue: hosts }],
    };
  }
}
