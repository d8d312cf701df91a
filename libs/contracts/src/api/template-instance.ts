import type { List, ObjectMeta } from './object-meta';
import type { ResourceRef } from './status';
import { TEMPLATE_API_GROUP, TEMPLATE_API_VERSION } from './template';

export const TemplateInstanceResource: ResourceRef = { resource: 'templateinstances', group: TEMPLATE_API_GROUP, kind: 'TemplateInstance' };
/** The objects an instance created, where each is served, the ones template-service stores in full. */
export const TemplateInstanceObjectsResource: ResourceRef = { resource: 'templateinstances/objects', group: TEMPLATE_API_GROUP, kind: 'TemplateInstanceObjectList' };

/** OpenShift's label on every object a TemplateInstance created: the instance's UID. */
export const TEMPLATE_INSTANCE_OWNER_LABEL = 'template.openshift.io/template-instance-owner';

/**
 * Largest `spec.parameters` accepted, as compact JSON: the instance travels to template-service in
 * one NATS request next to its template (at most MAX_TEMPLATE_BYTES), within the 1 MiB `max_payload`.
 */
export const MAX_INSTANCE_PARAMETERS_BYTES = 128 * 1024;

/** Who keeps an object a TemplateInstance created. */
export type TemplateObjectOwner = 'stream-service' | 'trigger-dispatcher' | 'template-service';

export type TemplateInstanceConditionType = 'Ready' | 'InstantiateFailure';

export interface TemplateInstanceCondition {
  type: TemplateInstanceConditionType;
  status: 'True' | 'False';
  lastTransitionTime: string;
  reason: string;
  message: string;
}

/** An ObjectReference of a created object, as OpenShift lists it in `status.objects[].ref`. */
export interface TemplateInstanceObjectRef {
  kind: string;
  namespace: string;
  name: string;
  uid: string;
  apiVersion: string;
}

export interface TemplateInstanceSpec {
  /** The Template, as sent (its name and namespace may be empty). */
  template: Record<string, unknown>;
  /** imagestreams' extension: parameter values by name (OpenShift reads them from `spec.secret`). */
  parameters?: Record<string, string>;
  requester?: { username: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
}

export interface TemplateInstance {
  kind: 'TemplateInstance';
  apiVersion: typeof TEMPLATE_API_VERSION;
  metadata: ObjectMeta;
  spec: TemplateInstanceSpec;
  status: {
    conditions: TemplateInstanceCondition[];
    objects: { ref: TemplateInstanceObjectRef }[];
  };
}

export type TemplateInstanceList = List<TemplateInstance>;

/** The answer of a create: `created` is false when an identical instance already existed (idempotent repeat). */
export interface TemplateInstanceCreated {
  created: boolean;
  templateInstance: TemplateInstance;
}

/** One object an instance created: what it is, who keeps it and where the gateway serves it. */
export interface TemplateInstanceObject {
  apiVersion: string;
  kind: string;
  namespace: string;
  name: string;
  uid: string;
  owner: TemplateObjectOwner;
  /** The gateway path that reads it. */
  path: string;
  /** The whole object, for the ones template-service stores itself (Secrets, Services, Routes, ...). */
  object?: Record<string, unknown>;
}

export interface TemplateInstanceObjectList {
  kind: 'TemplateInstanceObjectList';
  apiVersion: typeof TEMPLATE_API_VERSION;
  metadata: Record<string, never>;
  items: TemplateInstanceObject[];
}
