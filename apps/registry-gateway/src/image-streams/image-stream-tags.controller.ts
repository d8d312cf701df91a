import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import {
  ImageStreamRequests,
  ImageStreamTagInput,
  ImageStreamTagResource,
  Statuses,
  StatusError,
  TagRollbackInput,
  type ImageStreamTag,
  type Status,
} from '@imagestreams/contracts';
import { OwnerClient } from '@imagestreams/platform-messaging';
import { assertAddressable, assertBodyNamespace, validBody } from '../http/edge-validation';

/**
 * `<stream>:<tag>` views and `oc tag` writes. PUT and POST both set the tag (POST answers 201);
 * `/rollback` is this project's one-call rollback to an image of the tag's own history.
 */
@Controller('apis/image.openshift.io/v1/namespaces/:namespace/imagestreamtags')
export class ImageStreamTagsController {
  constructor(private readonly owners: OwnerClient) {}

  @Get(':name')
  get(@Param('namespace') namespace: string, @Param('name') name: string): Promise<ImageStreamTag> {
    assertAddressable(ImageStreamTagResource, namespace, name);
    return this.owners.request(ImageStreamRequests.getTag, { namespace, name });
  }

  @Post()
  @HttpCode(201)
  create(@Param('namespace') namespace: string, @Body() body: unknown): Promise<ImageStreamTag> {
    const imageStreamTag = validBody(ImageStreamTagInput, ImageStreamTagResource, body);
    assertAddressable(ImageStreamTagResource, namespace, imageStreamTag.metadata.name);
    assertBodyNamespace(body, namespace);
    return this.owners.request(ImageStreamRequests.putTag, { namespace, name: imageStreamTag.metadata.name, imageStreamTag });
  }

  @Put(':name')
  put(@Param('namespace') namespace: string, @Param('name') name: string, @Body() body: unknown): Promise<ImageStreamTag> {
    assertAddressable(ImageStreamTagResource, namespace, name);
    assertBodyNamespace(body, namespace);
    const imageStreamTag = validBody(ImageStreamTagInput, ImageStreamTagResource, body);
    return this.owners.request(ImageStreamRequests.putTag, { namespace, name, imageStreamTag });
  }

  @Delete(':name')
  delete(@Param('namespace') namespace: string, @Param('name') name: string): Promise<Status> {
    assertAddressable(ImageStreamTagResource, namespace, name);
    return this.owners.request(ImageStreamRequests.deleteTag, { namespace, name });
  }

  @Post(':name/rollback')
  rollback(@Param('namespace') namespace: string, @Param('name') name: string, @Body() body: unknown): Promise<ImageStreamTag> {
    assertAddressable(ImageStreamTagResource, namespace, name);
    if (body === undefined) throw new StatusError(Statuses.badRequest('a rollback needs a body: {"image": ...} or {"revisionsBack": n}'));
    const rollback = validBody(TagRollbackInput, ImageStreamTagResource, body);
    return this.owners.request(ImageStreamRequests.rollbackTag, { namespace, name, rollback });
  }
}
