import { Body, Controller, Delete, Get, HttpCode, Optional, Param, Post, Req } from '@nestjs/common';
import { CreateNamespaceRequest, ImageRequests, ImageStreamRequests, NamespaceResource, type List, type Namespace, type Status } from '@imagestreams/contracts';
import { OwnerClient } from '@imagestreams/platform-messaging';
import type { IncomingMessage } from 'node:http';
import { NamespaceAccess } from '../access/namespace-access';
import { requestIdentity } from '../access/request-identity';
import { assertReadableNamespace, validBody } from '../http/edge-validation';
import { ApiDoc } from '../openapi/api-docs';

/** Core `v1` namespaces; stream-service owns them because image streams live in them. */
@Controller('api/v1/namespaces')
export class NamespacesController {
  constructor(
    private readonly owners: OwnerClient,
    // Absent on a gateway without access control (no database): nobody to make admin then.
    @Optional() private readonly access?: NamespaceAccess,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiDoc({ summary: 'create a namespace', body: CreateNamespaceRequest, status: 201, returns: 'Namespace' })
  async create(@Body() body: unknown, @Req() request: IncomingMessage): Promise<Namespace> {
    const namespace = validBody(CreateNamespaceRequest, NamespaceResource, body);
    const created = await this.owners.request(ImageRequests.createNamespace, { namespace });
    await this.access?.created(created.metadata.name, requestIdentity(request));
    return created;
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

  /**
   * Deletes the namespace with its image streams (each announced by `imagestream.deleted`); the
   * other services delete the rest when they hear `namespace.deleted`, the gateway its access objects here.
   */
  @Delete(':name')
  @ApiDoc({ summary: 'delete a namespace and everything in it (streams, templates, instances, subscriptions, workloads, secrets, access objects)', returns: 'Status' })
  async delete(@Param('name') name: string): Promise<Status> {
    assertReadableNamespace(name);
    const status = await this.owners.request(ImageStreamRequests.deleteNamespace, { name, namespace: name });
    await this.access?.deleted(name);
    return status;
  }
}
