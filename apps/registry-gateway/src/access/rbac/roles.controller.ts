import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Req } from '@nestjs/common';
import { ImageRequests, RBAC_API_VERSION, RoleInput, RoleResource, type Role, type RoleList, type Status } from '@imagestreams/contracts';
import { OwnerClient } from '@imagestreams/platform-messaging';
import type { IncomingMessage } from 'node:http';
import { assertAddressable, assertBodyNamespace, assertReadableNamespace, assertWritableNamespace, validBody } from '../../http/edge-validation';
import { ApiDoc } from '../../openapi/api-docs';
import { callerOf } from '../request-identity';
import { RbacRoles } from './rbac-roles';
import { rbacList } from './rbac-list';
import { roleObject } from './rbac-objects';
import { patchedObject } from './rbac-patch';

/** `rbac.authorization.k8s.io/v1` Roles: rules that grant only inside their namespace, once bound there. */
@Controller('apis/rbac.authorization.k8s.io/v1')
export class RolesController {
  constructor(
    private readonly roles: RbacRoles,
    private readonly owners: OwnerClient,
  ) {}

  @Get('roles')
  @ApiDoc({ summary: 'list the Roles of every namespace', returns: 'RoleList', query: ['selector'] })
  async listAll(@Query() query: Record<string, unknown>): Promise<RoleList> {
    return rbacList('RoleList', RBAC_API_VERSION, query, await this.roles.list(undefined), roleObject);
  }

  @Get('namespaces/:namespace/roles')
  @ApiDoc({ summary: 'list the Roles of a namespace', returns: 'RoleList', query: ['selector'] })
  async list(@Param('namespace') namespace: string, @Query() query: Record<string, unknown>): Promise<RoleList> {
    assertReadableNamespace(namespace);
    return rbacList('RoleList', RBAC_API_VERSION, query, await this.roles.list(namespace), roleObject);
  }

  @Post('namespaces/:namespace/roles')
  @HttpCode(201)
  @ApiDoc({ summary: 'create a Role (403 when it would grant what the caller does not hold there)', body: RoleInput, status: 201, returns: 'Role' })
  async create(@Param('namespace') namespace: string, @Body() body: unknown, @Req() request: IncomingMessage): Promise<Role> {
    assertWritableNamespace(namespace);
    assertBodyNamespace(body, namespace);
    const input = validBody(RoleInput, RoleResource, body);
    // Namespaces belong to stream-service: a Role in a missing one is refused here (its 404 passes through).
    await this.owners.request(ImageRequests.getNamespace, { name: namespace });
    return roleObject(await this.roles.create(callerOf(request), namespace, input));
  }

  @Get('namespaces/:namespace/roles/:name')
  @ApiDoc({ summary: 'read a Role', returns: 'Role' })
  async get(@Param('namespace') namespace: string, @Param('name') name: string): Promise<Role> {
    assertAddressable(RoleResource, namespace, name);
    return roleObject(await this.roles.get(namespace, name));
  }

  @Put('namespaces/:namespace/roles/:name')
  @ApiDoc({ summary: 'replace a Role (409 when metadata.resourceVersion is stale)', body: RoleInput, returns: 'Role' })
  async update(@Param('namespace') namespace: string, @Param('name') name: string, @Body() body: unknown, @Req() request: IncomingMessage): Promise<Role> {
    assertAddressable(RoleResource, namespace, name);
    assertBodyNamespace(body, namespace);
    const input = validBody(RoleInput, RoleResource, body);
    return roleObject(await this.roles.update(callerOf(request), namespace, name, input));
  }

  @Patch('namespaces/:namespace/roles/:name')
  @ApiDoc({ summary: 'JSON merge patch of a Role (then checked as a replace)', body: { type: 'object', description: 'a JSON merge patch of a Role' }, consumes: ['application/merge-patch+json', 'application/json'], returns: 'Role' })
  async patch(@Param('namespace') namespace: string, @Param('name') name: string, @Headers('content-type') contentType: string | undefined, @Body() body: unknown, @Req() request: IncomingMessage): Promise<Role> {
    assertAddressable(RoleResource, namespace, name);
    const merged = patchedObject(roleObject(await this.roles.get(namespace, name)), contentType, body);
    assertBodyNamespace(merged, namespace);
    return roleObject(await this.roles.update(callerOf(request), namespace, name, validBody(RoleInput, RoleResource, merged)));
  }

  @Delete('namespaces/:namespace/roles/:name')
  @HttpCode(200)
  @ApiDoc({ summary: 'delete a Role (its bindings stay and grant nothing)', returns: 'Status' })
  delete(@Param('namespace') namespace: string, @Param('name') name: string): Promise<Status> {
    assertAddressable(RoleResource, namespace, name);
    return this.roles.delete(namespace, name);
  }
}
