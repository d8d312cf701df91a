import { Controller, Get, Param } from '@nestjs/common';
import { isValidDigest } from '@imagestreams/image-reference';
import { ImageReadRequests, ImageResource, Statuses, StatusError, type Image, type ImageList } from '@imagestreams/contracts';
import { OwnerClient } from '@imagestreams/platform-messaging';
import { ApiDoc } from '../openapi/api-docs';

/** Cluster-scoped `image.openshift.io/v1` Images; stream-service answers them. */
@Controller('apis/image.openshift.io/v1/images')
export class ImagesController {
  constructor(private readonly owners: OwnerClient) {}

  @Get()
  @ApiDoc({ summary: 'list images', returns: 'ImageList' })
  list(): Promise<ImageList> {
    return this.owners.request(ImageReadRequests.listImages, {});
  }

  /** Images are named by digest: any other name cannot exist, so it is not found. */
  @Get(':name')
  @ApiDoc({ summary: 'read an image (named by its manifest digest)', returns: 'Image' })
  get(@Param('name') name: string): Promise<Image> {
    if (!isValidDigest(name)) throw new StatusError(Statuses.notFound(ImageResource, name));
    return this.owners.request(ImageReadRequests.getImage, { name });
  }
}
