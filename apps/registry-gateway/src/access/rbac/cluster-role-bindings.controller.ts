import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Req } from '@nestjs/common';
import { ClusterRoleBindingInput, ClusterRoleBindingResource, RBAC_API_VERSION, type ClusterRoleBinding, type ClusterRoleBindingList, type Status } from '@imagestreams/contracts';
import type { IncomingMessage } from 'node:http';
import { validBody } from '../../http/edge-validation';
import { ApiDoc } from '../../openapi/api-docs';
import { callerOf } from '../request-identity';
import { assertClusterAddressable } from './cluster-addressable';
import { RbacBindings } from './rbac-bindings';
import { rbacList } from './rbac-list';
import { CLUSTER_SCOPE, clusterRoleBindingObject } from './rbac-objects';
import { patchedObject } from './rbac-patch';

/** `rbac.authorization.k8s.io/v1` ClusterRoleBindings: a ClusterRole granted everywhere. */
@Controller('apis/rbac.authorization.k8s.io/v1/clusterrolebindings')
export class ClusterRoleBindingsController {
  constructor(private readonly bindings: RbacBindings) {}

  @Get()
  @ApiDoc({ summary: 'list ClusterRoleBindings, the built-in ones (read-only) included', returns: 'ClusterRoleBindingList', query: ['selector'] })
  async list(@Query() query: Record<string, unknown>): Promise<ClusterRoleBindingList> {
    return rbacList('ClusterRoleBindingList', RBAC_API_VERSION, query, await this.bindings.list(CLUSTER_SCOPE), clusterRoleBindingObject);
  }

  @Post()
  @HttpCode(201)
  @ApiDoc({
    summary: 'bind a ClusterRole cluster-wide (422 when it does not exist; 403 when the caller may neither bind it nor holds what it grants)',
    body: ClusterRoleBindingInput,
    status: 201,
    returns: 'ClusterRoleBinding',
  })
  async create(@Body() body: unknown, @Req() request: IncomingMessage): Promise<ClusterRoleBinding> {
    const input = validBody(ClusterRoleBindingInput, ClusterRoleBindingResource, body);
    return clusterRoleBindingObject(await this.bindings.create(callerOf(request), CLUSTER_SCOPE, input));
  }

  @Get(':name')
  @ApiDoc({ summary: 'read a ClusterRoleBinding', returns: 'ClusterRoleBinding' })
  async get(@Param('name') name: string): Promise<ClusterRoleBinding> {
    assertClusterAddressable(ClusterRoleBindingResource, name);
    return clusterRoleBindingObject(await this.bindings.get(CLUSTER_SCOPE, name));
  }

  @Put(':name')
  @ApiDoc({ summary: 'replace a ClusterRoleBinding\'s subjects (roleRef cannot change: 422; built-in ones are read-only: 403)', body: ClusterRoleBindingInput, returns: 'ClusterRoleBinding' })
  async update(@Param('name') name: string, @Body() body: unknown, @Req() request: IncomingMessage): Promise<ClusterRoleBinding> {
    assertClusterAddressable(ClusterRoleBindingResource, name);
    const input = validBody(ClusterRoleBindingInput, ClusterRoleBindingResource, body);
    return clusterRoleBindingObject(await this.bindings.update(callerOf(request), CLUSTER_SCOPE, name, input));
  }

  @Patch(':name')
  @ApiDoc({ summary: 'JSON merge patch of a ClusterRoleBinding (then checked as a replace: roleRef cannot change; built-in ones are read-only)', body: { type: 'object', description: 'a JSON merge patch of a ClusterRoleBinding' }, consumes: ['application/merge-patch+json', 'application/json'], returns: 'ClusterRoleBinding' })
  async patch(@Param('name') name: string, @Headers('content-type') contentType: string | undefined, @Body() body: unknown, @Req() request: IncomingMessage): Promise<ClusterRoleBinding> {
    assertClusterAddressable(ClusterRoleBindingResource, name);
    const merged = patchedObject(clusterRoleBindingObject(await this.bindings.get(CLUSTER_SCOPE, name)), contentType, body);
    return clusterRoleBindingObject(await this.bindings.update(callerOf(request), CLUSTER_SCOPE, name, validBody(ClusterRoleBindingInput, ClusterRoleBindingResource, merged)));
  }

  @Delete(':name')
  @HttpCode(200)
  @ApiDoc({ summary: 'delete a ClusterRoleBinding (built-in ones are read-only: 403)', returns: 'Status' })
  delete(@Param('name') name: string): Promise<Status> {
    assertClusterAddressable(ClusterRoleBindingResource, name);
    return this.bindings.delete(CLUSTER_SCOPE, name);
  }
}
