import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, type Type } from '@nestjs/common';
import { apiVersionOf, ImageRequests, TriggerRequests, WORKLOAD_KINDS, type List, type Status, type StoredObject, type WorkloadKind } from '@imagestreams/contracts';
import { OwnerClient } from '@imagestreams/platform-messaging';
import { assertAddressable, assertBodyNamespace, assertReadableNamespace, assertWritableNamespace } from '../http/edge-validation';
import { ApiDoc } from '../openapi/api-docs';

const OBJECT_BODY = (kind: WorkloadKind) => ({ type: 'object' as const, description: `a ${kind.kind} (${apiVersionOf(kind)}), stored as given; image triggers are evaluated on every write` });

function jsonObject(body: unknown): Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : ({ invalid: body } as Record<string, unknown>);
}

/**
 * One controller per kind with image triggers (BuildConfig, DeploymentConfig, and Kubernetes
 * workloads carrying `image.openshift.io/triggers`), all served by trigger-dispatcher, at their own
 * API paths so `kubectl`/`oc` address them as usual. The owner validates the object.
 */
function workloadController(kind: WorkloadKind): Type<unknown> {
  @Controller(`apis/${apiVersionOf(kind)}/namespaces/:namespace/${kind.resource}`)
  class WorkloadController {
    constructor(readonly owners: OwnerClient) {}

    @Post()
    @HttpCode(201)
    @ApiDoc({ summary: `create a ${kind.kind}; its image triggers fire at once when their tags already resolve`, body: OBJECT_BODY(kind), status: 201, returns: 'StoredObject' })
    async create(@Param('namespace') namespace: string, @Body() body: unknown): Promise<StoredObject> {
      assertWritableNamespace(namespace);
      assertBodyNamespace(body, namespace);
      await this.owners.request(ImageRequests.getNamespace, { name: namespace });
      return this.owners.request(TriggerRequests.createWorkload, { namespace, kind: kind.kind, object: jsonObject(body) });
    }

    @Get()
    @ApiDoc({ summary: `list ${kind.resource}`, returns: 'StoredObjectList' })
    list(@Param('namespace') namespace: string): Promise<List<StoredObject>> {
      assertReadableNamespace(namespace);
      return this.owners.request(TriggerRequests.listWorkloads, { namespace, kind: kind.kind });
    }

    @Get(':name')
    @ApiDoc({ summary: `read a ${kind.kind}`, returns: 'StoredObject' })
    get(@Param('namespace') namespace: string, @Param('name') name: string): Promise<StoredObject> {
      assertAddressable(kind, namespace, name);
      return this.owners.request(TriggerRequests.getWorkload, { namespace, name, kind: kind.kind });
    }

    @Put(':name')
    @ApiDoc({ summary: `replace a ${kind.kind} (409 when metadata.resourceVersion is stale)`, body: OBJECT_BODY(kind), returns: 'StoredObject' })
    replace(@Param('namespace') namespace: string, @Param('name') name: string, @Body() body: unknown): Promise<StoredObject> {
      assertAddressable(kind, namespace, name);
      assertBodyNamespace(body, namespace);
      return this.owners.request(TriggerRequests.replaceWorkload, { namespace, name, kind: kind.kind, object: jsonObject(body) });
    }

    @Delete(':name')
    @HttpCode(200)
    @ApiDoc({ summary: `delete a ${kind.kind}`, returns: 'Status' })
    delete(@Param('namespace') namespace: string, @Param('name') name: string): Promise<Status> {
      assertAddressable(kind, namespace, name);
      return this.owners.request(TriggerRequests.deleteWorkload, { namespace, name, kind: kind.kind });
    }
  }
  Object.defineProperty(WorkloadController, 'name', { value: `${kind.kind}Controller` });
  return WorkloadController;
}

export const WORKLOAD_CONTROLLERS = WORKLOAD_KINDS.map(workloadController);
