import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CreateNamespaceRequest, ImageRequests, NamespaceResource, type List, type Namespace } from '@imagestreams/contracts';
import { OwnerClient } from '@imagestreams/platform-messaging';
import { assertReadableNamespace, validBody } from '../http/edge-validation';

/** Core `v1` namespaces; stream-service owns them because image streams live in them. */
@Controller('api/v1/namespaces')
export class NamespacesController {
  constructor(private readonly owners: OwnerClient) {}

  @Post()
  @HttpCode(201)
  create(@Body() body: unknown): Promise<Namespace> {
    const namespace = validBody(CreateNamespaceRequest, NamespaceResource, body);
    return this.owners.request(ImageRequests.createNamespace, { namespace });
  }

  @Get()
  list(): Promise<List<Namespace>> {
    return this.owners.request(ImageRequests.listNamespaces, {});
  }

  @Get(':name')
  get(@Param('name') name: string): Promise<Namespace> {
    assertReadableNamespace(name);
    return this.owners.request(ImageRequests.getNamespace, { name });
  }
}
