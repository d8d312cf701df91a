import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { EXCLUDE_SECRET_ANNOTATION, ImportRequests, SecretInput, SecretResource, type Secret, type SecretList, type Status } from '@imagestreams/contracts';
import { OwnerClient } from '@imagestreams/platform-messaging';
import { assertAddressable, assertBodyNamespace, assertReadableNamespace, assertWritableNamespace, validBody } from '../http/edge-validation';
import { ApiDoc } from '../openapi/api-docs';

/** Core `v1` Secrets, registry credential types only: the importer stores them, encrypted. */
@Controller('api/v1/namespaces/:namespace/secrets')
export class SecretsController {
  constructor(private readonly owners: OwnerClient) {}

  @Post()
  @HttpCode(201)
  @ApiDoc({ summary: 'store registry credentials (kubernetes.io/dockerconfigjson or dockercfg), encrypted at rest', body: SecretInput, status: 201, returns: 'Secret' })
  create(@Param('namespace') namespace: string, @Body() body: unknown): Promise<Secret> {
    assertWritableNamespace(namespace);
    assertBodyNamespace(body, namespace);
    const secret = validBody(SecretInput, SecretResource, body);
    return this.owners.request(ImportRequests.createSecret, { namespace, secret });
  }

  @Get()
  @ApiDoc({ summary: 'list the registry credentials of a namespace', returns: 'SecretList' })
  list(@Param('namespace') namespace: string): Promise<SecretList> {
    assertReadableNamespace(namespace);
    return this.owners.request(ImportRequests.listSecrets, { namespace });
  }

  @Get(':name')
  @ApiDoc({ summary: 'read a Secret', returns: 'Secret' })
  get(@Param('namespace') namespace: string, @Param('name') name: string): Promise<Secret> {
    assertAddressable(SecretResource, namespace, name);
    return this.owners.request(ImportRequests.getSecret, { namespace, name });
  }

  @Delete(':name')
  @ApiDoc({ summary: 'delete a Secret', returns: 'Status' })
  delete(@Param('namespace') namespace: string, @Param('name') name: string): Promise<Status> {
    assertAddressable(SecretResource, namespace, name);
    return this.owners.request(ImportRequests.deleteSecret, { namespace, name });
  }
}

/**
 * `imagestreams/{name}/secrets`: the credentials imports of the namespace use. As in OpenShift the
 * stream name is not looked at, and secrets annotated `openshift.io/image.excludeSecret: "true"` are left out.
 */
@Controller('apis/image.openshift.io/v1/namespaces/:namespace/imagestreams/:name/secrets')
export class ImageStreamSecretsController {
  constructor(private readonly owners: OwnerClient) {}

  @Get()
  @ApiDoc({ summary: 'the credentials imports into this stream use: the namespace registry Secrets not annotated openshift.io/image.excludeSecret', returns: 'SecretList' })
  async list(@Param('namespace') namespace: string): Promise<SecretList> {
    assertReadableNamespace(namespace);
    const all = await this.owners.request(ImportRequests.listSecrets, { namespace });
    return { ...all, items: all.items.filter((secret) => secret.metadata.annotations?.[EXCLUDE_SECRET_ANNOTATION] !== 'true') };
  }
}
