import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ImageRequests,
  ServiceAccountInput,
  ServiceAccountResource,
  Statuses,
  StatusError,
  successStatus,
  type ServiceAccount,
  type ServiceAccountList,
  type Status,
} from '@imagestreams/contracts';
import { OwnerClient } from '@imagestreams/platform-messaging';
import { assertAddressable, assertBodyNamespace, assertReadableNamespace, assertWritableNamespace, validBody } from '../http/edge-validation';
import { ApiDoc } from '../openapi/api-docs';
import { AccessControl } from './access-control';
import { serviceAccountObject } from './access-objects';
import { ServiceAccountsRepository } from './service-accounts.repository';

/** Core `v1` ServiceAccounts: identities for automation, which hold access tokens like users do. */
@Controller('api/v1/namespaces/:namespace/serviceaccounts')
export class ServiceAccountsController {
  constructor(
    private readonly serviceAccounts: ServiceAccountsRepository,
    private readonly owners: OwnerClient,
    private readonly access: AccessControl,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiDoc({ summary: 'create a service account (then give it a token with an AccessToken)', body: ServiceAccountInput, status: 201, returns: 'ServiceAccount' })
  async create(@Param('namespace') namespace: string, @Body() body: unknown): Promise<ServiceAccount> {
    assertWritableNamespace(namespace);
    assertBodyNamespace(body, namespace);
    const input = validBody(ServiceAccountInput, ServiceAccountResource, body);
    // As in Kubernetes, only in a namespace that exists (404 naming the namespace otherwise).
    await this.owners.request(ImageRequests.getNamespace, { name: namespace });
    const row = await this.serviceAccounts.insert(namespace, input.metadata.name);
    if (!row) throw new StatusError(Statuses.alreadyExists(ServiceAccountResource, input.metadata.name));
    return serviceAccountObject(row);
  }

  @Get()
  @ApiDoc({ summary: 'list the service accounts of a namespace', returns: 'ServiceAccountList' })
  async list(@Param('namespace') namespace: string): Promise<ServiceAccountList> {
    assertReadableNamespace(namespace);
    const [rows, resourceVersion] = await Promise.all([this.serviceAccounts.list(namespace), this.serviceAccounts.currentResourceVersion()]);
    return { kind: 'ServiceAccountList', apiVersion: 'v1', metadata: { resourceVersion }, items: rows.map(serviceAccountObject) };
  }

  @Get(':name')
  @ApiDoc({ summary: 'read a service account', returns: 'ServiceAccount' })
  async get(@Param('namespace') namespace: string, @Param('name') name: string): Promise<ServiceAccount> {
    assertAddressable(ServiceAccountResource, namespace, name);
    const row = await this.serviceAccounts.find(namespace, name);
    if (!row) throw new StatusError(Statuses.notFound(ServiceAccountResource, name));
    return serviceAccountObject(row);
  }

  /** Its tokens go with it, and stop working on every replica. */
  @Delete(':name')
  @ApiDoc({ summary: 'delete a service account and revoke its tokens', returns: 'Status' })
  async delete(@Param('namespace') namespace: string, @Param('name') name: string): Promise<Status> {
    assertAddressable(ServiceAccountResource, namespace, name);
    const row = await this.serviceAccounts.delete(namespace, name);
    if (!row) throw new StatusError(Statuses.notFound(ServiceAccountResource, name));
    this.access.credentialsChanged();
    return successStatus(200, { name, group: '', kind: ServiceAccountResource.resource, uid: row.uid });
  }
}
