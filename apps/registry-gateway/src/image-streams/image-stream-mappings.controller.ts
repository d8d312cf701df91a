import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CreateImageStreamMappingRequest, ImageRequests, ImageStreamMappingResource, type Status } from '@imagestreams/contracts';
import { OwnerClient } from '@imagestreams/platform-messaging';
import { assertBodyNamespace, assertWritableNamespace, validBody } from '../http/edge-validation';
import { ApiDoc } from '../openapi/api-docs';
import { Actor } from '../access/actor.decorator';

/**
 * ImageStreamMapping is create-only: it records an image and points a tag at it. Like OpenShift,
 * the answer is a Status, not the mapping.
 */
@Controller('apis/image.openshift.io/v1/namespaces/:namespace/imagestreammappings')
export class ImageStreamMappingsController {
  constructor(private readonly owners: OwnerClient) {}

  @Post()
  @HttpCode(201)
  @ApiDoc({
    summary: 'record an image and make it the current image of a tag (what the registry does after a push); creates a missing stream',
    body: CreateImageStreamMappingRequest,
    status: 201,
    returns: 'Status',
  })
  create(@Param('namespace') namespace: string, @Body() body: unknown, @Actor() actor: string): Promise<Status> {
    assertWritableNamespace(namespace);
    assertBodyNamespace(body, namespace);
    const mapping = validBody(CreateImageStreamMappingRequest, ImageStreamMappingResource, body);
    return this.owners.request(ImageRequests.createImageStreamMapping, { namespace, mapping, actor });
  }
}
