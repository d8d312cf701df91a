import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  CreateImageStreamMappingCommand,
  ImageRequests,
  ListRequest,
  GetImageStreamQuery,
  type ImageStreamList,
  type Status,
} from '@imagestreams/contracts';
import { OnRequest, RawJson } from '@imagestreams/platform-messaging';
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

  /**
   * Answered pre-serialized (from the rendered-view cache): the gateway forwards it as is. `null`
   * when the caller already holds the stream at its current resourceVersion.
   */
  @OnRequest(ImageRequests.getImageStream)
  get(@Payload() query: GetImageStreamQuery): Promise<RawJson> {
    return this.queries.getJson(query.namespace, query.name, query.unlessResourceVersion);
  }

  @OnRequest(ImageRequests.listImageStreams)
  list(@Payload() query: ListRequest): Promise<ImageStreamList> {
    return this.listStreams.execute(query);
  }
}
