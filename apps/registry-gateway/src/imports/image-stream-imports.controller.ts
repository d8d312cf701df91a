import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ImageStreamImportInput, ImageStreamImportResource, ImportRequests, type ImageStreamImport } from '@imagestreams/contracts';
import { OwnerClient } from '@imagestreams/platform-messaging';
import { assertBodyNamespace, assertWritableNamespace, validBody } from '../http/edge-validation';
import { ApiDoc } from '../openapi/api-docs';
import { Actor } from '../access/actor.decorator';

/** `oc import-image`: import (or, with `spec.import: false`, preview) images from external registries. */
@Controller('apis/image.openshift.io/v1/namespaces/:namespace/imagestreamimports')
export class ImageStreamImportsController {
  constructor(private readonly owners: OwnerClient) {}

  @Post()
  @HttpCode(201)
  @ApiDoc({
    summary: 'import images from external registries (oc import-image); spec.import: false previews',
    body: ImageStreamImportInput,
    status: 201,
    returns: 'ImageStreamImport',
  })
  create(@Param('namespace') namespace: string, @Body() body: unknown, @Actor() actor: string): Promise<ImageStreamImport> {
    assertWritableNamespace(namespace);
    assertBodyNamespace(body, namespace);
    const input = validBody(ImageStreamImportInput, ImageStreamImportResource, body);
    return this.owners.request(ImportRequests.createImageStreamImport, { namespace, import: input, actor });
  }
}
