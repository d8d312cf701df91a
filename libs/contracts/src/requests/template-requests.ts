import { IsBoolean, IsDefined, IsObject, IsOptional } from 'class-validator';
import { defineRequest } from '../define-request';
import { RequestSubjects } from '../subjects';
import { ListRequest, NamespacedCommand, NamespacedNameRequest } from '../api/resource-requests';
import type { Status } from '../api/status';
import type { ProcessedTemplate, Template, TemplateList } from '../api/template';
import { ResourceChangesQuery, type ResourceChanges } from './watch-requests';

/**
 * A template travels as the plain JSON object it arrived as: its `objects` are arbitrary, so its
 * structure is checked by template-service with domain-template's validators, not by nested DTOs
 * here. Validating a request copies the object recursively (class-transformer), so the nesting
 * limit (MAX_TEMPLATE_NESTING_DEPTH, `templateLimitViolation`) must be enforced by whoever sends
 * one: the gateway does, before anything else touches the body.
 */
function TemplateBody(): PropertyDecorator {
  const decorators = [IsDefined(), IsObject({ message: 'template must be a JSON object' })];
  return (target, property) => decorators.forEach((decorate) => decorate(target, property));
}

export class CreateTemplateCommand extends NamespacedCommand {
  @TemplateBody()
  template: Record<string, unknown>;
}

/** PUT: a whole new template; `metadata.resourceVersion` (and `uid`), when set, must match the stored one. */
export class UpdateTemplateCommand extends NamespacedNameRequest {
  @TemplateBody()
  template: Record<string, unknown>;
}

/** Templates of one namespace, or of all when `namespace` is omitted; `labelSelector`, `limit` + `continue` pages. */
export class ListTemplatesRequest extends ListRequest {}

/** Changes of templates after a resourceVersion, for `?watch=true`. */
export class TemplateChangesQuery extends ResourceChangesQuery {}

export type TemplateChanges = ResourceChanges<Template>;

/**
 * `processedtemplates`: process the template given (nothing is stored). Values come from the
 * template's `parameters[].value`; `parameterValues` (imagestreams' `?param=NAME=value`, what
 * `oc process -p` does on the client) overrides them, unknown names failing unless
 * `ignoreUnknownParameters`.
 */
export class ProcessTemplateCommand extends NamespacedCommand {
  @TemplateBody()
  template: Record<string, unknown>;

  /** Parameter name → value; every value must be a string (checked by the owner). */
  @IsOptional()
  @IsObject()
  parameterValues?: Record<string, string>;

  @IsOptional()
  @IsBoolean()
  ignoreUnknownParameters?: boolean;
}

export const TemplateRequests = {
  create: defineRequest<CreateTemplateCommand, Template>(RequestSubjects.templateCreate, CreateTemplateCommand),
  get: defineRequest<NamespacedNameRequest, Template>(RequestSubjects.templateGet, NamespacedNameRequest),
  list: defineRequest<ListTemplatesRequest, TemplateList>(RequestSubjects.templateList, ListTemplatesRequest),
  update: defineRequest<UpdateTemplateCommand, Template>(RequestSubjects.templateUpdate, UpdateTemplateCommand),
  delete: defineRequest<NamespacedNameRequest, Status>(RequestSubjects.templateDelete, NamespacedNameRequest),
  /** Each template changed after `sinceResourceVersion` once, with its current state; 410 Expired beyond the change log's retention. */
  changes: defineRequest<TemplateChangesQuery, TemplateChanges>(RequestSubjects.templateChanges, TemplateChangesQuery),
  /** Answered as the JSON text of the ProcessedTemplate (integers beyond 2^53 keep every digit). */
  process: defineRequest<ProcessTemplateCommand, ProcessedTemplate>(RequestSubjects.processedTemplateCreate, ProcessTemplateCommand),
};
