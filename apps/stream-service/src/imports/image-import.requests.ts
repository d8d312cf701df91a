import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { ApplyImageImportCommand, ImageImportRequests, type ImageStream } from '@imagestreams/contracts';
import { OnRequest } from '@imagestreams/platform-messaging';
import { ApplyImageImport } from './apply-image-import';

@Controller()
export class ImageImportRequestsHandler {
  constructor(private readonly applyImport: ApplyImageImport) {}

  @OnRequest(ImageImportRequests.apply)
  apply(@Payload() command: ApplyImageImportCommand): Promise<ImageStream> {
    return this.applyImport.execute(command);
  }
}
