import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  CreateImageStreamCommand,
  DeleteCommand,
  ImageStreamRequests,
  PatchImageStreamCommand,
  UpdateImageStreamCommand,
  type ImageStream,
  type Status,
} from '@imagestreams/contracts';
import { OnRequest } from '@imagestreams/platform-messaging';
import { CreateImageStream } from './create-image-stream';
import { DeleteImageStream } from './delete-image-stream';
import { DeleteNamespace } from './delete-namespace';
import { PatchImageStream } from './patch-image-stream';
import { UpdateImageStream } from './update-image-stream';

@Controller()
export class ImageStreamWritesRequests {
  constructor(
    private readonly createStream: CreateImageStream,
    private readonly updateStream: UpdateImageStream,
    private readonly patchStream: PatchImageStream,
    private readonly deleteStream: DeleteImageStream,
    private readonly deleteNamespace: DeleteNamespace,
  ) {}

  @OnRequest(ImageStreamRequests.create)
  create(@Payload() command: CreateImageStreamCommand): Promise<ImageStream> {
    return this.createStream.execute(command);
  }

  @OnRequest(ImageStreamRequests.update)
  update(@Payload() command: UpdateImageStreamCommand): Promise<ImageStream> {
    return this.updateStream.execute(command);
  }

  @OnRequest(ImageStreamRequests.patch)
  patch(@Payload() command: PatchImageStreamCommand): Promise<ImageStream> {
    return this.patchStream.execute(command);
  }

  @OnRequest(ImageStreamRequests.delete)
  delete(@Payload() command: DeleteCommand): Promise<Status> {
    return this.deleteStream.execute(command);
  }

  @OnRequest(ImageStreamRequests.deleteNamespace)
  deleteNamespaceWithStreams(@Payload() command: DeleteCommand): Promise<Status> {
    return this.deleteNamespace.execute(command);
  }
}
