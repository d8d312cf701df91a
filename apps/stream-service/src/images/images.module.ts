import { Module } from '@nestjs/common';
import { ImagesRepository } from './images.repository';
import { ImagesRequests } from './images.requests';

/** Reads of images: cluster-scoped Images and ImageStreamImages (an image seen through a stream). */
@Module({
  controllers: [ImagesRequests],
  providers: [ImagesRepository],
})
export class ImagesModule {}
