import { Controller, Get, Param } from '@nestjs/common';
import {
  IMAGE_STREAM_IMAGE_NAME_MESSAGE,
  ImageReadRequests,
  ImageStreamImageResource,
  splitImageStreamImageName,
  Statuses,
  StatusError,
  type ImageStreamImage,
} from '@imagestreams/contracts';
import { OwnerClient } from '@imagestreams/platform-messaging';
import { assertAddressable } from '../http/edge-validation';
import { ApiDoc } from '../openapi/api-docs';

/**
 * `<stream>@<id>`: an image as seen through a stream that references it, by full digest or
 * unique prefix. stream-service resolves the id; its NotFound/Conflict/BadRequest pass through.
 */
@Controller('apis/image.openshift.io/v1/namespaces/:namespace/imagestreamimages')
export class ImageStreamImagesController {
  constructor(private readonly owners: OwnerClient) {}

  @Get(':name')
  @ApiDoc({ summary: 'an image through a stream that references it: <stream>@<digest or unique prefix of 7+ hex characters>', returns: 'ImageStreamImage' })
  get(@Param('namespace') namespace: string, @Param('name') name: string): Promise<ImageStreamImage> {
    assertAddressable(ImageStreamImageResource, namespace, name);
    if (!splitImageStreamImageName(name)) throw new StatusError(Statuses.badRequest(IMAGE_STREAM_IMAGE_NAME_MESSAGE));
    return this.owners.request(ImageReadRequests.getImageStreamImage, { namespace, name });
  }
}
