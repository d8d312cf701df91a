import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  CreateImageStreamMappingCommand,
  ImageRequests,
  ListRequest,
  NamespacedNameRequest,
  type ImageStream,
  type ImageStreamList,
  type Status,
} from '@imagestreams/contracts';
import { OnRequest } from '@imagestreams/platform-messaging';
import { CreateImageStreamMapping } from './create-image-stream-mapping';
import { ImageStreamQueries } from './image-stream-queries';
import { ListImageStreams } from './list-image-streams';

@Controller()
export class ImageStreamsRequests {
  constructor(
    private readonly createMapping: CreateImageStreamMapping,
    private readonly listStreams: ListImageStreams,
    private readonly queries: ImageStreamQueries,
  ) {}

  @OnRequest(ImageRequests.createImageStreamMapping)
  mapping(@Payload() command: CreateImageStreamMappingCommand): Promise<Status> {
    return this.createMapping.execute(command);
  }

  @OnRequest(ImageRequests.getImageStream)
  get(@Payload() query: NamespacedNameRequest): Promise<ImageStream> {
    return this.queries.get(query.namespace, query.name);
  }

  @OnRequest(ImageRequests.listImageStreams)
  list(@Payload() query: ListRequest): Promise<ImageStreamList> {
    return this.listStreams.execute(query);
  }
}
