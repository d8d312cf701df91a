import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Req } from '@nestjs/common';
import { ClusterRoleInput, ClusterRoleResource, RBAC_API_VERSION, type ClusterRole, type ClusterRoleList, type Status } from '@imagestreams/contracts';
import type { IncomingMessage } from 'node:http';
import { validBody } from '../../http/edge-validation';
import { ApiDoc } from '../../openapi/api-docs';
import { callerOf } from '../request-identity';
import { assertClusterAddressable } from './cluster-addressable';
import { RbacRoles } from './rbac-roles';
import { rbacList } from './rbac-list';
import { CLUSTER_SCOPE, clusterRoleObject } from './rbac-objects';
import { patchedObject } from './rbac-patch';

/** `rbac.authorization.k8s.io/v1` ClusterRoles: the built-in ones (read-only) and stored ones. */
@Controller('apis/rbac.authorization.k8s.io/v1/clusterroles')
export class ClusterRolesController {
  constructor(private readonly roles: RbacRoles) {}

  @Get()
  @ApiDoc({ summary: 'list ClusterRoles, the built-in ones (label kubernetes.io/bootstrapping=rbac-defaults) included', returns: 'ClusterRoleList', query: ['selector'] })
  async list(@Query() query: Record<string, unknown>): Promise<ClusterRoleList> {
    return rbacList('ClusterRoleList', RBAC_API_VERSION, query, await this.roles.list(CLUSTER_SCOPE), clusterRoleObject);
  }

  @Post()
  @HttpCode(201)
  @ApiDoc({ summary: 'create a ClusterRole (409 on a built-in name; 403 when it would grant what the caller does not hold)', body: ClusterRoleInput, status: 201, returns: 'ClusterRole' })
  async create(@Body() body: unknown, @Req() request: IncomingMessage): Promise<ClusterRole> {
    const input = validBody(ClusterRoleInput, ClusterRoleResource, body);
    return clusterRoleObject(await this.roles.create(callerOf(request), CLUSTER_SCOPE, input));
  }

  @Get(':name')
  @ApiDoc({ summary: 'read a ClusterRole', returns: 'ClusterRole' })
  async get(@Param('name') name: string): Promise<ClusterRole> {
    assertClusterAddressable(ClusterRoleResource, name);
    return clusterRoleObject(await this.roles.get(CLUSTER_SCOPE, name));
  }

  @Put(':name')
  @ApiDoc({ summary: 'replace a ClusterRole (built-in ones are read-only: 403; 409 when metadata.resourceVersion is stale)', body: ClusterRoleInput, returns: 'ClusterRole' })
  async update(@Param('name') name: string, @Body() body: unknown, @Req() request: IncomingMessage): Promise<ClusterRole> {
    assertClusterAddressable(ClusterRoleResource, name);
    const input = validBody(ClusterRoleInput, ClusterRoleResource, body);
    return clusterRoleObject(await this.roles.update(callerOf(request), CLUSTER_SCOPE, name, input));
  }

  @Patch(':name')
  @ApiDoc({ summary: 'JSON merge patch of a ClusterRole (then checked as a replace; built-in ones are read-only)', body: { type: 'object', description: 'a JSON merge patch of a ClusterRole' }, consumes: ['application/merge-patch+json', 'application/json'], returns: 'ClusterRole' })
  async patch(@Param('name') name: string, @Headers('content-type') contentType: string | undefined, @Body() body: unknown, @Req() request: IncomingMessage): Promise<ClusterRole> {
    assertClusterAddressable(ClusterRoleResource, name);
    const merged = patchedObject(clusterRoleObject(await this.roles.get(CLUSTER_SCOPE, name)), contentType, body);
    return clusterRoleObject(await this.roles.update(callerOf(request), CLUSTER_SCOPE, name, validBody(ClusterRoleInput, ClusterRoleResource, merged)));
  }

  @Delete(':name')
  @HttpCode(200)
  @ApiDoc({ summary: 'delete a ClusterRole (built-in ones are read-only: 403)', returns: 'Status' })
  delete(@Param('name') name: string): Promise<Status> {
    assertClusterAddressable(ClusterRoleResource, name);
    return this.roles.delete(CLUSTER_SCOPE, name);
  }
}
