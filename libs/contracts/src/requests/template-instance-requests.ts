import { IsDefined, IsObject, IsString, MaxLength } from 'class-validator';
import { defineRequest } from '../define-request';
import { RequestSubjects } from '../subjects';
import { ListRequest, NamespacedCommand, NamespacedNameRequest } from '../api/resource-requests';
import type { Status } from '../api/status';
import type { TemplateInstanceCreated, TemplateInstance, TemplateInstanceList, TemplateInstanceObject, TemplateInstanceObjectList } from '../api/template-instance';
import { ResourceChangesQuery, type ResourceChanges } from './watch-requests';

/**
 * A TemplateInstance travels as the plain JSON object it arrived as (its `spec.template` holds
 * arbitrary objects); template-service checks it. As for templates, the sender enforces the
 * nesting limit before the request is validated (validation copies the object recursively).
 */
export class CreateTemplateInstanceCommand extends NamespacedCommand {
  @IsDefined()
  @IsObject({ message: 'templateInstance must be a JSON object' })
  templateInstance: Record<string, unknown>;
}

/** Instances of one namespace, or of all when `namespace` is omitted; `labelSelector`, `limit` + `continue` pages. */
export class ListTemplateInstancesRequest extends ListRequest {}

/** Changes of template instances after a resourceVersion, for `?watch=true`. */
export class TemplateInstanceChangesQuery extends ResourceChangesQuery {}

export type TemplateInstanceChanges = ResourceChanges<TemplateInstance>;

/** One object template-service stores for an instance, by its kind and name. */
export class TemplateInstanceObjectRequest extends NamespacedNameRequest {
  @IsDefined()
  @IsString()
  @MaxLength(253)
  kind: string;

  @IsDefined()
  @IsString()
  @MaxLength(253)
  objectName: string;
}

export const TemplateInstanceRequests = {
  /** Processes the template and creates every object; answers once all exist or the instance has failed (rolled back). */
  create: defineRequest<CreateTemplateInstanceCommand, TemplateInstanceCreated>(RequestSubjects.templateInstanceCreate, CreateTemplateInstanceCommand),
  get: defineRequest<NamespacedNameRequest, TemplateInstance>(RequestSubjects.templateInstanceGet, NamespacedNameRequest),
  list: defineRequest<ListTemplateInstancesRequest, TemplateInstanceList>(RequestSubjects.templateInstanceList, ListTemplateInstancesRequest),
  /** Deletes the instance and every object it created (404s from their owners are ignored). */
  delete: defineRequest<NamespacedNameRequest, Status>(RequestSubjects.templateInstanceDelete, NamespacedNameRequest),
  /** Each instance changed after `sinceResourceVersion` once, with its current state; 410 Expired beyond the change log's retention. */
  changes: defineRequest<TemplateInstanceChangesQuery, TemplateInstanceChanges>(RequestSubjects.templateInstanceChanges, TemplateInstanceChangesQuery),
  /** Answered as JSON text: stored objects keep integers beyond 2^53 exact. */
  listObjects: defineRequest<NamespacedNameRequest, TemplateInstanceObjectList>(RequestSubjects.templateInstanceObjectList, NamespacedNameRequest),
  /** Answered as JSON text (the stored object). */
  getObject: defineRequest<TemplateInstanceObjectRequest, TemplateInstanceObject['object']>(RequestSubjects.templateInstanceObjectGet, TemplateInstanceObjectRequest),
};
