import { Controller, Get, Param } from '@nestjs/common';
import { ImageRequests, ImageStreamResource, type ImageStream, type ImageStreamList } from '@imagestreams/contracts';
import { OwnerClient } from '@imagestreams/platform-messaging';
import { assertAddressable, assertReadableNamespace } from '../http/edge-validation';

/** Reads of `image.openshift.io/v1` image streams; stream-service answers them. */
@Controller('apis/image.openshift.io/v1')
export class ImageStreamsController {
  constructor(private readonly owners: OwnerClient) {}

  /** Across all namespaces, as `oc get is -A` asks. */
  @Get('imagestreams')
  listAll(): Promise<ImageStreamList> {
    return this.owners.request(ImageRequests.listImageStreams, {});
  }

  @Get('namespaces/:namespace/imagestreams')
  list(@Param('namespace') namespace: string): Promise<ImageStreamList> {
    assertReadableNamespace(namespace);
    return this.owners.request(ImageRequests.listImageStreams, { namespace });
  }

  @Get('namespaces/:namespace/imagestreams/:name')
  get(@Param('namespace') namespace: string, @Param('name') name: string): Promise<ImageStream> {
    assertAddressable(ImageStreamResource, namespace, name);
    return this.owners.request(ImageRequests.getImageStream, { namespace, name });
  }
}
