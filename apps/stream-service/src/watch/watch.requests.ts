import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { ImageStreamChangesQuery, ImageStreamWatchRequests, type ImageStreamChanges } from '@imagestreams/contracts';
import { OnRequest } from '@imagestreams/platform-messaging';
import { ImageStreamChangesQueryHandler } from './image-stream-changes';

@Controller()
export class WatchRequests {
  constructor(private readonly changes: ImageStreamChangesQueryHandler) {}

  @OnRequest(ImageStreamWatchRequests.changes)
  since(@Payload() query: ImageStreamChangesQuery): Promise<ImageStreamChanges> {
    return this.changes.execute(query);
  }
}
