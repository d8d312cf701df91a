import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ImageRequests,
  Statuses,
  StatusError,
  TemplateRequests,
  TemplateResource,
  templateLimitViolation,
  type Status,
  type Template,
} from '@imagestreams/contracts';
import { OwnerClient } from '@imagestreams/platform-messaging';
import { assertAddressable, assertBodyNamespace, assertReadableNamespace, assertWritableNamespace } from '../http/edge-validation';
import { listOptions } from '../http/list-options';
import { ApiDoc } from '../openapi/api-docs';
import { ResourceWatcher, type ExpressResponse } from '../watch/resource-watcher';
import { TEMPLATES } from '../watch/watchable-resources';

const TEMPLATE_BODY = {
  type: 'object',
  description: 'a Template (template.openshift.io/v1): metadata, objects (any objects), parameters, labels, message; at most 512 KiB as compact JSON',
} as const;

/** `oc process -p NAME=value` over HTTP: `?param=NAME=value`, repeatable. */
const PARAMETER_ASSIGNMENT = /^([^=]+)=([\s\S]*)$/;

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The edge's checks of a template body: a JSON object (400), not naming another namespace (400),
 * and within the limits every template has (too deeply nested: 422; over 512 KiB: 413), so that
 * nothing unprocessable is walked recursively or sent over NATS. template-service checks the rest.
 */
function templateBody(body: unknown, namespace: string): Record<string, unknown> {
  if (!isJsonObject(body)) throw new StatusError(Statuses.badRequest('the request body must be a JSON object'));
  assertBodyNamespace(body, namespace);
  const violation = templateLimitViolation(body);
  if (violation) throw new StatusError(violation);
  return body;
}

/** `?param=NAME=value` (repeatable) as the values `oc process -p` would set; duplicates are refused as `oc process` refuses them. */
export function parameterAssignments(raw: unknown): Record<string, string> | undefined {
  if (raw === undefined) return undefined;
  const assignments = Array.isArray(raw) ? raw : [raw];
  const values = new Map<string, string>();
  const repeated = new Set<string>();
  for (const assignment of assignments) {
    const match = typeof assignment === 'string' ? PARAMETER_ASSIGNMENT.exec(assignment) : null;
    if (!match) throw new StatusError(Statuses.badRequest(`invalid parameter assignment in ${JSON.stringify(typeof assignment === 'string' ? assignment : '')}: expected NAME=value`));
    const [, name, value] = match;
    if (values.has(name)) repeated.add(name);
    values.set(name, value);
  }
  if (repeated.size > 0) throw new StatusError(Statuses.badRequest(`The following parameters were provided more than once: ${[...repeated].join(', ')}`));
  // fromEntries defines own properties, so even a name like `__proto__` stays a plain key.
  return Object.fromEntries(values);
}

function flag(raw: unknown, name: string): boolean | undefined {
  if (raw === undefined) return undefined;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0' || raw === '') return false;
  throw new StatusError(Statuses.badRequest(`${name} must be true or false`));
}

/** `template.openshift.io/v1` Templates and `processedtemplates`; template-service owns them and answers every call. */
@Controller('apis/template.openshift.io/v1')
export class TemplatesController {
  constructor(
    private readonly owners: OwnerClient,
    private readonly watcher: ResourceWatcher,
  ) {}

  /** `?watch=true` streams changes. */
  @Get('templates')
  @ApiDoc({ summary: 'list (or watch) the templates of every namespace', returns: 'TemplateList', query: ['selector', 'paging', 'watch'] })
  listAll(@Query() query: Record<string, unknown>, @Req() request: IncomingMessage, @Res() response: ExpressResponse): Promise<void> {
    return this.watcher.listOrWatch(TEMPLATES, undefined, listOptions(query), request, response);
  }

  @Get('namespaces/:namespace/templates')
  @ApiDoc({ summary: 'list (or watch) the templates of a namespace', returns: 'TemplateList', query: ['selector', 'paging', 'watch'] })
  list(@Param('namespace') namespace: string, @Query() query: Record<string, unknown>, @Req() request: IncomingMessage, @Res() response: ExpressResponse): Promise<void> {
    assertReadableNamespace(namespace);
    return this.watcher.listOrWatch(TEMPLATES, namespace, listOptions(query), request, response);
  }

  @Post('namespaces/:namespace/templates')
  @HttpCode(201)
  @ApiDoc({ summary: 'store a template (409 when the name is taken); metadata.generateName makes a name', body: TEMPLATE_BODY, status: 201, returns: 'Template' })
  async create(@Param('namespace') namespace: string, @Body() body: unknown): Promise<Template> {
    assertWritableNamespace(namespace);
    const template = templateBody(body, namespace);
    // Namespaces belong to stream-service: a template in a missing one is refused here (its 404 passes through).
    await this.owners.request(ImageRequests.getNamespace, { name: namespace });
    return this.owners.request(TemplateRequests.create, { namespace, template });
  }

  @Get('namespaces/:namespace/templates/:name')
  @ApiDoc({ summary: 'read a template', returns: 'Template' })
  get(@Param('namespace') namespace: string, @Param('name') name: string): Promise<Template> {
    assertAddressable(TemplateResource, namespace, name);
    return this.owners.request(TemplateRequests.get, { namespace, name });
  }

  /** Replace; `metadata.resourceVersion` makes it conditional (409 when stale). */
  @Put('namespaces/:namespace/templates/:name')
  @ApiDoc({ summary: 'replace a template (409 when metadata.resourceVersion is stale)', body: TEMPLATE_BODY, returns: 'Template' })
  update(@Param('namespace') namespace: string, @Param('name') name: string, @Body() body: unknown): Promise<Template> {
    assertAddressable(TemplateResource, namespace, name);
    return this.owners.request(TemplateRequests.update, { namespace, name, template: templateBody(body, namespace) });
  }

  /** 200 with the owner's Status, as Kubernetes answers a delete. */
  @Delete('namespaces/:namespace/templates/:name')
  @HttpCode(200)
  @ApiDoc({ summary: 'delete a template', returns: 'Status' })
  delete(@Param('namespace') namespace: string, @Param('name') name: string): Promise<Status> {
    assertAddressable(TemplateResource, namespace, name);
    return this.owners.request(TemplateRequests.delete, { namespace, name });
  }

  /**
   * OpenShift's `processedtemplates`: processes the template in the body and answers it (201),
   * storing nothing. Parameter values are the body's `parameters[].value`; `?param=NAME=value` is
   * imagestreams' addition for clients without `oc` (what `oc process -p` sets before posting).
   * Forwarded as template-service serialized it: integers beyond 2^53 keep every digit.
   */
  @Post('namespaces/:namespace/processedtemplates')
  @ApiDoc({ summary: 'process a template (parameters generated and substituted) and answer the result; creates nothing', body: TEMPLATE_BODY, status: 201, returns: 'Template' })
  @ApiQuery({ name: 'param', required: false, type: 'string', isArray: true, description: 'NAME=value, repeatable: sets the parameter (as `oc process -p`); an unknown NAME is a 422' })
  @ApiQuery({ name: 'ignoreUnknownParameters', required: false, type: 'boolean', description: 'skip param names the template has no parameter for' })
  async process(@Param('namespace') namespace: string, @Query() query: Record<string, unknown>, @Body() body: unknown, @Res() response: ServerResponse): Promise<void> {
    assertWritableNamespace(namespace);
    const template = templateBody(body, namespace);
    const parameterValues = parameterAssignments(query['param']);
    const ignoreUnknownParameters = flag(query['ignoreUnknownParameters'], 'ignoreUnknownParameters');
    await this.owners.request(ImageRequests.getNamespace, { name: namespace });
    const json = await this.owners.requestJson(TemplateRequests.process, {
      namespace,
      template,
      ...(parameterValues ? { parameterValues } : {}),
      ...(ignoreUnknownParameters === undefined ? {} : { ignoreUnknownParameters }),
    });
    response.writeHead(201, { 'content-type': 'application/json; charset=utf-8', 'content-length': json.length });
    response.end(json);
  }
}
