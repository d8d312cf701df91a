import {
  AccessTokenResource,
  AuditEventResource,
  ClusterRoleBindingResource,
  ClusterRoleResource,
  RoleBindingResource,
  RoleResource,
  SelfSubjectAccessReviewResource,
  BuildResource,
  ImageResource,
  ImageStreamImageResource,
  ImageStreamImportResource,
  ImageStreamMappingResource,
  ImageStreamResource,
  ImageStreamTagResource,
  NamespaceResource,
  ProcessedTemplateResource,
  SamplesConfigResource,
  SecretResource,
  ServiceAccountResource,
  TemplateResource,
  TemplateInstanceResource,
  TagMoveDryRunResource,
  UserResource,
  WebhookSubscriptionResource,
  WORKLOAD_KINDS,
  type ResourceRef,
} from '@imagestreams/contracts';

/**
 * What Kubernetes discovery says about each resource beyond its verbs: names, scope, kind, short
 * names. The verbs are not declared here: they are read from the routes the controllers serve
 * (resource-routes.ts), so discovery cannot advertise a verb nobody serves or miss one that is.
 */
export interface ResourceDeclaration {
  /** `v1` for the core group, `<group>/<version>` otherwise. */
  groupVersion: string;
  /** Plural name, or `<plural>/<subresource>`. */
  name: string;
  /** Empty for subresources, as Kubernetes serves it. */
  singularName: string;
  namespaced: boolean;
  kind: string;
  shortNames?: string[];
  /** The list route also serves `?watch=true` (a query flag, invisible in the route table). */
  watch?: boolean;
  /** Served by AccessModule, which only a gateway with its database has (controller specs run without it). */
  needsDatabase?: boolean;
}

/** The routes under `/api` and `/apis` that are not Kubernetes resources, each with why. */
export interface NonResourceRoute {
  method: string;
  path: string;
  why: string;
}

function groupVersionOf(ref: ResourceRef): string {
  return ref.group ? `${ref.group}/v1` : 'v1';
}

function resource(ref: ResourceRef, options: { namespaced: boolean; shortNames?: string[]; watch?: boolean }): ResourceDeclaration {
  return {
    groupVersion: groupVersionOf(ref),
    name: ref.resource,
    singularName: ref.kind.toLowerCase(),
    namespaced: options.namespaced,
    kind: ref.kind,
    ...(options.shortNames ? { shortNames: options.shortNames } : {}),
    ...(options.watch ? { watch: true } : {}),
  };
}

function subresource(ref: ResourceRef, name: string, kind: string): ResourceDeclaration {
  return { groupVersion: groupVersionOf(ref), name: `${ref.resource}/${name}`, singularName: '', namespaced: true, kind };
}

/** As `oc`/`kubectl` know them. */
const WORKLOAD_SHORT_NAMES: Record<string, string[]> = { BuildConfig: ['bc'], DeploymentConfig: ['dc'], Deployment: ['deploy'], StatefulSet: ['sts'], DaemonSet: ['ds'], CronJob: ['cj'] };

/** Short names are OpenShift's (`oc get is`, `istag`, `isimage`) and Kubernetes' (`ns`). */
export const API_RESOURCES: readonly ResourceDeclaration[] = [
  resource(NamespaceResource, { namespaced: false, shortNames: ['ns'] }),
  resource(SecretResource, { namespaced: true }),
  resource(ImageStreamResource, { namespaced: true, shortNames: ['is'], watch: true }),
  subresource(ImageStreamResource, 'secrets', 'SecretList'),
  resource(ImageStreamTagResource, { namespaced: true, shortNames: ['istag'] }),
  subresource(ImageStreamTagResource, 'rollback', ImageStreamTagResource.kind),
  resource(ImageStreamImageResource, { namespaced: true, shortNames: ['isimage'] }),
  resource(ImageStreamMappingResource, { namespaced: true }),
  resource(ImageStreamImportResource, { namespaced: true }),
  resource(ImageResource, { namespaced: false }),
  resource(WebhookSubscriptionResource, { namespaced: true }),
  subresource(WebhookSubscriptionResource, 'deliveries', 'WebhookDeliveryList'),
  subresource(WebhookSubscriptionResource, 'rotatesecret', WebhookSubscriptionResource.kind),
  subresource(WebhookSubscriptionResource, 'ping', 'WebhookDelivery'),
  subresource(WebhookSubscriptionResource, 'replay', 'WebhookReplay'),
  // Create-only, answered and never stored (like processedtemplates): no singular name.
  { ...resource(TagMoveDryRunResource, { namespaced: true }), singularName: '' },
  ...WORKLOAD_KINDS.map((kind) => resource(kind, { namespaced: true, ...(WORKLOAD_SHORT_NAMES[kind.kind] ? { shortNames: WORKLOAD_SHORT_NAMES[kind.kind] } : {}) })),
  resource(BuildResource, { namespaced: true }),
  // OpenShift gives templates no short name. processedtemplates only creates (and answers a Template);
  // its singular name stays empty, as on a subresource, so `template` keeps naming templates.
  resource(TemplateResource, { namespaced: true, watch: true }),
  { groupVersion: groupVersionOf(ProcessedTemplateResource), name: ProcessedTemplateResource.resource, singularName: '', namespaced: true, kind: ProcessedTemplateResource.kind },
  resource(TemplateInstanceResource, { namespaced: true, watch: true }),
  subresource(TemplateInstanceResource, 'objects', 'TemplateInstanceObjectList'),
  // The samples operator's Config: cluster scoped, one object (`cluster`); OpenShift gives it no short name.
  resource(SamplesConfigResource, { namespaced: false }),
  // Identities (access control). OpenShift gives users no short name; Kubernetes calls service accounts `sa`.
  { ...resource(UserResource, { namespaced: false }), needsDatabase: true },
  { ...resource(ServiceAccountResource, { namespaced: true, shortNames: ['sa'] }), needsDatabase: true },
  { ...resource(AccessTokenResource, { namespaced: false }), needsDatabase: true },
  // RBAC, SelfSubjectAccessReview (`kubectl auth can-i`) and the audit trail, as Kubernetes names them (no short names).
  { ...resource(RoleResource, { namespaced: true }), needsDatabase: true },
  { ...resource(RoleBindingResource, { namespaced: true }), needsDatabase: true },
  { ...resource(ClusterRoleResource, { namespaced: false }), needsDatabase: true },
  { ...resource(ClusterRoleBindingResource, { namespaced: false }), needsDatabase: true },
  { ...resource(SelfSubjectAccessReviewResource, { namespaced: false }), needsDatabase: true },
  { ...resource(AuditEventResource, { namespaced: false }), needsDatabase: true },
];

export const NON_RESOURCE_API_ROUTES: readonly NonResourceRoute[] = [
  {
    method: 'POST',
    path: '/apis/imagestreams.io/v1/registrynotifications/:endpoint/:secret',
    why: 'receives push webhooks from registries (endpoint and secret in the path); not an object a Kubernetes client could create',
  },
  {
    method: 'POST',
    path: '/apis/build.openshift.io/v1/namespaces/:namespace/buildconfigs/:name/webhooks/:secret/:type',
    why: 'inbound Git-host and CI webhooks with the secret in the path, as OpenShift serves them; not an object a Kubernetes client creates',
  },
  {
    method: 'GET',
    path: '/apis/template.openshift.io/v1/namespaces/:namespace/templateinstances/:name/objects/:kind/:objectName',
    why: 'one object a TemplateInstance created, by kind and name: below a subresource, where Kubernetes discovery has no names',
  },
  ...[
    ['GET', ':delivery'],
    ['POST', ':delivery/redeliver'],
    ['POST', 'redeliver'],
  ].map(([method, rest]) => ({
    method,
    path: `/apis/notifications.imagestreams.io/v1/namespaces/:namespace/webhooksubscriptions/:name/deliveries/${rest}`,
    why: 'one entry of the delivery log, and redelivery: below a subresource, where Kubernetes discovery has no names',
  })),
];
