import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  excessiveNesting,
  ImageRequests,
  MAX_INSTANCE_PARAMETERS_BYTES,
  MAX_TEMPLATE_BYTES,
  MAX_TEMPLATE_NESTING_DEPTH,
  Statuses,
  StatusError,
  TemplateInstanceRequests,
  TemplateInstanceResource,
  templateLimitViolation,
  type Status,
  type TemplateInstance,
} from '@imagestreams/contracts';
import { OwnerClient } from '@imagestreams/platform-messaging';
import { assertAddressable, assertBodyNamespace, assertReadableNamespace, assertWritableNamespace, MAX_NAME_LENGTH } from '../http/edge-validation';
import { listOptions } from '../http/list-options';
import { ApiDoc } from '../openapi/api-docs';
import { ResourceWatcher, type ExpressResponse } from '../watch/resource-watcher';
import { TEMPLATE_INSTANCES } from '../watch/watchable-resources';

const INSTANCE_BODY = {
  type: 'object',
  description:
    'a TemplateInstance (template.openshift.io/v1): metadata.name, spec.template (a Template, at most 512 KiB as compact JSON) and spec.parameters ' +
    '(imagestreams: a map of parameter names to string values; spec.secret is not supported)',
} as const;

/** Room for the instance's metadata and spec fields around its template and parameters. */
const INSTANCE_SLACK_BYTES = 64 * 1024;

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function declaredName(body: Record<string, unknown>): string {
  return isJsonObject(body.metadata) && typeof body.metadata.name === 'string' ? body.metadata.name : '';
}

/**
 * The edge's checks of an instance body, so nothing unprocessable is walked recursively or sent
 * over NATS: a JSON object (400), not naming another namespace (400), not nested deeper than a
 * template may be (422), its `spec.template` within every template's limits, and the whole within
 * a template's and the parameters' sizes (413). template-service checks the rest.
 */
function instanceBody(body: unknown, namespace: string): Record<string, unknown> {
  if (!isJsonObject(body)) throw new StatusError(Statuses.badRequest('the request body must be a JSON object'));
  assertBodyNamespace(body, namespace);
  const tooDeep = excessiveNesting(body, MAX_TEMPLATE_NESTING_DEPTH + 2);
  if (tooDeep !== undefined) {
    throw new StatusError(
      Statuses.invalid(TemplateInstanceResource, declaredName(body), [
        { reason: 'FieldValueInvalid', field: tooDeep, message: `Invalid value: "<value nested too deeply to show>": nested deeper than ${MAX_TEMPLATE_NESTING_DEPTH} levels` },
      ]),
    );
  }
  const template = isJsonObject(body.spec) ? body.spec.template : undefined;
  if (isJsonObject(template)) {
    const violation = templateLimitViolation(template);
    if (violation) throw new StatusError(violation);
  }
  const bytes = Buffer.byteLength(JSON.stringify(body));
  const most = MAX_TEMPLATE_BYTES + MAX_INSTANCE_PARAMETERS_BYTES + INSTANCE_SLACK_BYTES;
  if (bytes > most) throw new StatusError(Statuses.tooLarge(`the TemplateInstance is ${bytes} bytes of JSON, more than the ${most} it may have`));
  return body;
}

function sendJson(response: ServerResponse, code: number, json: Buffer | string): void {
  const bytes = typeof json === 'string' ? Buffer.from(json) : json;
  response.writeHead(code, { 'content-type': 'application/json; charset=utf-8', 'content-length': bytes.length });
  response.end(bytes);
}

/**
 * `template.openshift.io/v1` TemplateInstances; template-service owns them, instantiates their
 * template when one is created (creating the objects through their owners) and answers every call.
 */
@Controller('apis/template.openshift.io/v1')
export class TemplateInstancesController {
  constructor(
    private readonly owners: OwnerClient,
    private readonly watcher: ResourceWatcher,
  ) {}

  /** `?watch=true` streams changes. */
  @Get('templateinstances')
  @ApiDoc({ summary: 'list (or watch) the template instances of every namespace', returns: 'TemplateInstanceList', query: ['selector', 'paging', 'watch'] })
  listAll(@Query() query: Record<string, unknown>, @Req() request: IncomingMessage, @Res() response: ExpressResponse): Promise<void> {
    return this.watcher.listOrWatch(TEMPLATE_INSTANCES, undefined, listOptions(query), request, response);
  }

  @Get('namespaces/:namespace/templateinstances')
  @ApiDoc({ summary: 'list (or watch) the template instances of a namespace', returns: 'TemplateInstanceList', query: ['selector', 'paging', 'watch'] })
  list(@Param('namespace') namespace: string, @Query() query: Record<string, unknown>, @Req() request: IncomingMessage, @Res() response: ExpressResponse): Promise<void> {
    assertReadableNamespace(namespace);
    return this.watcher.listOrWatch(TEMPLATE_INSTANCES, namespace, listOptions(query), request, response);
  }

  /**
   * Instantiates the template before answering: 201 with the instance (Ready, or InstantiateFailure
   * after what had been created was deleted again); 200 with the existing instance when one of the
   * same name and the same spec exists (an idempotent repeat); 409 AlreadyExists when its spec differs.
   */
  @Post('namespaces/:namespace/templateinstances')
  @HttpCode(201)
  @ApiDoc({
    summary: 'instantiate a template: process it and create every object (201; 200 when an identical instance exists; 409 when one of that name differs)',
    body: INSTANCE_BODY,
    status: 201,
    returns: 'TemplateInstance',
  })
  async create(@Param('namespace') namespace: string, @Body() body: unknown, @Res() response: ServerResponse): Promise<void> {
    assertWritableNamespace(namespace);
    const templateInstance = instanceBody(body, namespace);
    // Namespaces belong to stream-service: an instance in a missing one is refused here (its 404 passes through).
    await this.owners.request(ImageRequests.getNamespace, { name: namespace });
    const answer = await this.owners.request(TemplateInstanceRequests.create, { namespace, templateInstance });
    sendJson(response, answer.created ? 201 : 200, JSON.stringify(answer.templateInstance));
  }

  @Get('namespaces/:namespace/templateinstances/:name')
  @ApiDoc({ summary: 'read a template instance', returns: 'TemplateInstance' })
  get(@Param('namespace') namespace: string, @Param('name') name: string): Promise<TemplateInstance> {
    assertAddressable(TemplateInstanceResource, namespace, name);
    return this.owners.request(TemplateInstanceRequests.get, { namespace, name });
  }

  /** 200 with the owner's Status once every object the instance created is gone. */
  @Delete('namespaces/:namespace/templateinstances/:name')
  @HttpCode(200)
  @ApiDoc({ summary: 'delete a template instance and every object it created', returns: 'Status' })
  delete(@Param('namespace') namespace: string, @Param('name') name: string): Promise<Status> {
    assertAddressable(TemplateInstanceResource, namespace, name);
    return this.owners.request(TemplateInstanceRequests.delete, { namespace, name });
  }

  /** Forwarded as template-service serialized it: stored objects keep big integers exact. */
  @Get('namespaces/:namespace/templateinstances/:name/objects')
  @ApiDoc({ summary: 'the objects a template instance created: kind, name, owner and path of each; the ones template-service stores in full', returns: 'TemplateInstanceObjectList' })
  async objects(@Param('namespace') namespace: string, @Param('name') name: string, @Res() response: ServerResponse): Promise<void> {
    assertAddressable(TemplateInstanceResource, namespace, name);
    sendJson(response, 200, await this.owners.requestJson(TemplateInstanceRequests.listObjects, { namespace, name }));
  }

  @Get('namespaces/:namespace/templateinstances/:name/objects/:kind/:objectName')
  @ApiDoc({ summary: 'one object a template instance created, by kind and name (a stored one as stored, another as its owner serves it)', returns: 'StoredObject' })
  async object(
    @Param('namespace') namespace: string,
    @Param('name') name: string,
    @Param('kind') kind: string,
    @Param('objectName') objectName: string,
    @Res() response: ServerResponse,
  ): Promise<void> {
    assertAddressable(TemplateInstanceResource, namespace, name);
    if (kind.length > MAX_NAME_LENGTH || objectName.length > MAX_NAME_LENGTH) throw new StatusError(Statuses.notFound(TemplateInstanceResource, name));
    sendJson(response, 200, await this.owners.requestJson(TemplateInstanceRequests.getObject, { namespace, name, kind, objectName }));
  }
}
