import { Controller, Inject } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  CreateImageStreamMappingCommand,
  IMAGE_API_VERSION,
  ImageRequests,
  ImageStreamResource,
  NamespacedNameRequest,
  NamespaceScopeRequest,
  Statuses,
  StatusError,
  type ImageStream,
  type ImageStreamList,
  type Status,
} from '@imagestreams/contracts';
import { OnRequest } from '@imagestreams/platform-messaging';
import { groupRows } from '@imagestreams/platform-persistence';
import { CreateImageStreamMapping } from './create-image-stream-mapping';
import { ImageStreamRepository } from './image-stream.repository';
import { imageStreamView, type RegistryHosts } from './image-stream.view';
import { REGISTRY_HOSTS } from './registry-hosts';

@Controller()
export class ImageStreamsRequests {
  constructor(
    private readonly createMapping: CreateImageStreamMapping,
    private readonly streams: ImageStreamRepository,
    @Inject(REGISTRY_HOSTS) private readonly hosts: RegistryHosts,
  ) {}

  @OnRequest(ImageRequests.createImageStreamMapping)
  mapping(@Payload() command: CreateImageStreamMappingCommand): Promise<Status> {
    return this.createMapping.execute(command);
  }

  @OnRequest(ImageRequests.getImageStream)
  async get(@Payload() query: NamespacedNameRequest): Promise<ImageStream> {
    const stream = await this.streams.find(query.namespace, query.name);
    if (!stream) throw new StatusError(Statuses.notFound(ImageStreamResource, query.name));
    return imageStreamView(stream, await this.streams.tagEvents([stream.uid]), this.hosts);
  }

  @OnRequest(ImageRequests.listImageStreams)
  async list(@Payload() query: NamespaceScopeRequest): Promise<ImageStreamList> {
    const resourceVersion = await this.streams.currentResourceVersion();
    const streams = await this.streams.list(query.namespace);
    const events = await this.streams.tagEvents(streams.map((stream) => stream.uid));
    const byStream = groupRows(events, (event) => event.image_stream_uid);
    return {
      kind: 'ImageStreamList',
      apiVersion: IMAGE_API_VERSION,
      metadata: { resourceVersion },
      items: streams.map((stream) => imageStreamView(stream, byStream.get(stream.uid) ?? [], this.hosts)),
    };
  }
}
