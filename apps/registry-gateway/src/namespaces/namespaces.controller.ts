import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { CreateNamespaceRequest, ImageRequests, ImageStreamRequests, NamespaceResource, type List, type Namespace, type Status } from '@imagestreams/contracts';
import { OwnerClient } from '@imagestreams/platform-messaging';
import { assertReadableNamespace, validBody } from '../http/edge-validation';
import { ApiDoc } from '../openapi/api-docs';

/** Core `v1` namespaces; stream-service owns them because image streams live in them. */
@Controller('api/v1/namespaces')
export class NamespacesController {
  constructor(private readonly owners: OwnerClient) {}

  @Post()
  @HttpCode(201)
  @ApiDoc({ summary: 'create a namespace', body: CreateNamespaceRequest, status: 201, returns: 'Namespace' })
  create(@Body() body: unknown): Promise<Namespace> {
    const namespace = validBody(CreateNamespaceRequest, NamespaceResource, body);
    return this.owners.request(ImageRequests.createNamespace, { namespace });
  }

  @Get()
  @ApiDoc({ summary: 'list namespaces', returns: 'NamespaceList' })
  list(): Promise<List<Namespace>> {
    return this.owners.request(ImageRequests.listNamespaces, {});
  }

  @Get(':name')
  @ApiDoc({ summary: 'read a namespace', returns: 'Namespace' })
  get(@Param('name') name: string): Promise<Namespace> {
    assertReadableNamespace(name);
    return this.owners.request(ImageRequests.getNamespace, { name });
  }

  /** Deletes the namespace with its image streams (each announced by `imagestream.deleted`). */
  @Delete(':name')
  @ApiDoc({ summary: 'delete a namespace with its image streams', returns: 'Status' })
  delete(@Param('name') name: string): Promise<Status> {
    assertReadableNamespace(name);
    return this.owners.request(ImageStreamRequests.deleteNamespace, { name, namespace: name });
  }
}
