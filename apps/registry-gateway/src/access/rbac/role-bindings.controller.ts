import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Req } from '@nestjs/common';
import { ImageRequests, RBAC_API_VERSION, RoleBindingInput, RoleBindingResource, type RoleBinding, type RoleBindingList, type Status } from '@imagestreams/contracts';
import { OwnerClient } from '@imagestreams/platform-messaging';
import type { IncomingMessage } from 'node:http';
import { assertAddressable, assertBodyNamespace, assertReadableNamespace, assertWritableNamespace, validBody } from '../../http/edge-validation';
import { ApiDoc } from '../../openapi/api-docs';
import { callerOf } from '../request-identity';
import { RbacBindings } from './rbac-bindings';
import { rbacList } from './rbac-list';
import { roleBindingObject } from './rbac-objects';
import { patchedObject } from './rbac-patch';

/** `rbac.authorization.k8s.io/v1` RoleBindings: a Role of the namespace, or a ClusterRole, granted to subjects inside the namespace. */
@Controller('apis/rbac.authorization.k8s.io/v1')
export class RoleBindingsController {
  constructor(
    private readonly bindings: RbacBindings,
    private readonly owners: OwnerClient,
  ) {}

  @Get('rolebindings')
  @ApiDoc({ summary: 'list the RoleBindings of every namespace', returns: 'RoleBindingList', query: ['selector'] })
  async listAll(@Query() query: Record<string, unknown>): Promise<RoleBindingList> {
    return rbacList('RoleBindingList', RBAC_API_VERSION, query, await this.bindings.list(undefined), roleBindingObject);
  }

  @Get('namespaces/:namespace/rolebindings')
  @ApiDoc({ summary: 'list the RoleBindings of a namespace', returns: 'RoleBindingList', query: ['selector'] })
  async list(@Param('namespace') namespace: string, @Query() query: Record<string, unknown>): Promise<RoleBindingList> {
    assertReadableNamespace(namespace);
    return rbacList('RoleBindingList', RBAC_API_VERSION, query, await this.bindings.list(namespace), roleBindingObject);
  }

  @Post('namespaces/:namespace/rolebindings')
  @HttpCode(201)
  @ApiDoc({
    summary: 'bind a Role or ClusterRole in a namespace (422 when the role does not exist; 403 when the caller may neither bind it nor holds what it grants)',
    body: RoleBindingInput,
    status: 201,
    returns: 'RoleBinding',
  })
  async create(@Param('namespace') namespace: string, @Body() body: unknown, @Req() request: IncomingMessage): Promise<RoleBinding> {
    assertWritableNamespace(namespace);
    assertBodyNamespace(body, namespace);
    const input = validBody(RoleBindingInput, RoleBindingResource, body);
    await this.owners.request(ImageRequests.getNamespace, { name: namespace });
    return roleBindingObject(await this.bindings.create(callerOf(request), namespace, input));
  }

  @Get('namespaces/:namespace/rolebindings/:name')
  @ApiDoc({ summary: 'read a RoleBinding', returns: 'RoleBinding' })
  async get(@Param('namespace') namespace: string, @Param('name') name: string): Promise<RoleBinding> {
    assertAddressable(RoleBindingResource, namespace, name);
    return roleBindingObject(await this.bindings.get(namespace, name));
  }

  @Put('namespaces/:namespace/rolebindings/:name')
  @ApiDoc({ summary: 'replace a RoleBinding\'s subjects (roleRef cannot change: 422; 409 when metadata.resourceVersion is stale)', body: RoleBindingInput, returns: 'RoleBinding' })
  async update(@Param('namespace') namespace: string, @Param('name') name: string, @Body() body: unknown, @Req() request: IncomingMessage): Promise<RoleBinding> {
    assertAddressable(RoleBindingResource, namespace, name);
    assertBodyNamespace(body, namespace);
    const input = validBody(RoleBindingInput, RoleBindingResource, body);
    return roleBindingObject(await this.bindings.update(callerOf(request), namespace, name, input));
  }

  @Patch('namespaces/:namespace/rolebindings/:name')
  @ApiDoc({ summary: 'JSON merge patch of a RoleBinding (then checked as a replace: roleRef cannot change)', body: { type: 'object', description: 'a JSON merge patch of a RoleBinding' }, consumes: ['application/merge-patch+json', 'application/json'], returns: 'RoleBinding' })
  async patch(@Param('namespace') namespace: string, @Param('name') name: string, @Headers('content-type') contentType: string | undefined, @Body() body: unknown, @Req() request: IncomingMessage): Promise<RoleBinding> {
    assertAddressable(RoleBindingResource, namespace, name);
    const merged = patchedObject(roleBindingObject(await this.bindings.get(namespace, name)), contentType, body);
    assertBodyNamespace(merged, namespace);
    return roleBindingObject(await this.bindings.update(callerOf(request), namespace, name, validBody(RoleBindingInput, RoleBindingResource, merged)));
  }

  @Delete('namespaces/:namespace/rolebindings/:name')
  @HttpCode(200)
  @ApiDoc({ summary: 'delete a RoleBinding (its subjects lose what it granted at once)', returns: 'Status' })
  delete(@Param('namespace') namespace: string, @Param('name') name: string): Promise<Status> {
    assertAddressable(RoleBindingResource, namespace, name);
    return this.bindings.delete(namespace, name);
  }
}
