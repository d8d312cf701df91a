import { Body, Controller, Get, Headers, Param, Patch } from '@nestjs/common';
import { BuildResource, TriggerRequests, type List, type StoredObject } from '@imagestreams/contracts';
import { OwnerClient } from '@imagestreams/platform-messaging';
import { assertAddressable, assertReadableNamespace, mergePatchBody } from '../http/edge-validation';
import { ApiDoc } from '../openapi/api-docs';

/** Build records that ImageChange triggers create for an external builder, which reports back through `status`. */
@Controller('apis/build.openshift.io/v1/namespaces/:namespace/builds')
export class BuildsController {
  constructor(private readonly owners: OwnerClient) {}

  @Get()
  @ApiDoc({ summary: 'list builds', returns: 'StoredObjectList' })
  list(@Param('namespace') namespace: string): Promise<List<StoredObject>> {
    assertReadableNamespace(namespace);
    return this.owners.request(TriggerRequests.listBuilds, { namespace });
  }

  @Get(':name')
  @ApiDoc({ summary: 'read a build', returns: 'StoredObject' })
  get(@Param('namespace') namespace: string, @Param('name') name: string): Promise<StoredObject> {
    assertAddressable(BuildResource, namespace, name);
    return this.owners.request(TriggerRequests.getBuild, { namespace, name });
  }

  @Patch(':name')
  @ApiDoc({
    summary: 'an external builder reports progress: merge patch of status (phase New/Pending/Running/Complete/Failed/Error/Cancelled, output.to.imageDigest); Complete moves spec.output.to',
    body: { type: 'object', description: 'a JSON merge patch with only `status`' },
    consumes: ['application/merge-patch+json', 'application/json'],
    returns: 'StoredObject',
  })
  patch(@Param('namespace') namespace: string, @Param('name') name: string, @Headers('content-type') contentType: string | undefined, @Body() body: unknown): Promise<StoredObject> {
    assertAddressable(BuildResource, namespace, name);
    return this.owners.request(TriggerRequests.patchBuild, { namespace, name, patch: mergePatchBody(contentType, body) });
  }
}
