import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  DeleteCommand,
  ImageStreamRequests,
  NamespacedNameRequest,
  PutImageStreamTagCommand,
  RollbackImageStreamTagCommand,
  type ImageStreamTag,
  type Status,
} from '@imagestreams/contracts';
import { OnRequest } from '@imagestreams/platform-messaging';
import { DeleteImageStreamTag } from './delete-image-stream-tag';
import { ImageStreamTagQueries } from './image-stream-tag-queries';
import { PutImageStreamTag } from './put-image-stream-tag';
import { RollbackImageStreamTag } from './rollback-image-stream-tag';

@Controller()
export class ImageStreamTagsRequests {
  constructor(
    private readonly queries: ImageStreamTagQueries,
    private readonly putTag: PutImageStreamTag,
    private readonly deleteTag: DeleteImageStreamTag,
    private readonly rollbackTag: RollbackImageStreamTag,
  ) {}

  @OnRequest(ImageStreamRequests.getTag)
  get(@Payload() query: NamespacedNameRequest): Promise<ImageStreamTag> {
    return this.queries.get(query.namespace, query.name);
  }

  @OnRequest(ImageStreamRequests.putTag)
  put(@Payload() command: PutImageStreamTagCommand): Promise<ImageStreamTag> {
    return this.putTag.execute(command);
  }

  @OnRequest(ImageStreamRequests.deleteTag)
  delete(@Payload() command: DeleteCommand): Promise<Status> {
    return this.deleteTag.execute(command);
  }

  @OnRequest(ImageStreamRequests.rollbackTag)
  rollback(@Payload() command: RollbackImageStreamTagCommand): Promise<ImageStreamTag> {
    return this.rollbackTag.execute(command);
  }
}
