import type { ReferenceObject, SchemaObject } from '@nestjs/swagger';

/**
 * Schemas of what the gateway answers. Request bodies are generated from the class-validator DTOs
 * (request-schemas.ts); responses are TypeScript interfaces in libs/contracts, which leave nothing
 * behind at runtime, so their shapes are written out here, next to the interfaces' names. Where a
 * response embeds an input shape (an ImageStreamImport's `spec`) it points at the DTO's schema.
 */

type Schema = SchemaObject | ReferenceObject;

export const ref = (name: string): ReferenceObject => ({ $ref: `#/components/schemas/${name}` });
const str = (description?: string, extra: SchemaObject = {}): SchemaObject => ({ type: 'string', ...(description ? { description } : {}), ...extra });
const int = (description?: string): SchemaObject => ({ type: 'integer', ...(description ? { description } : {}) });
const bool = (description?: string): SchemaObject => ({ type: 'boolean', ...(description ? { description } : {}) });
const oneOf = (...values: string[]): SchemaObject => ({ type: 'string', enum: values });
const time = (description?: string): SchemaObject => str(description, { format: 'date-time' });
const array = (items: Schema, description?: string): SchemaObject => ({ type: 'array', items, ...(description ? { description } : {}) });
const stringMap = (description?: string): SchemaObject => ({ type: 'object', additionalProperties: { type: 'string' }, ...(description ? { description } : {}) });
const freeform = (description?: string): SchemaObject => ({ type: 'object', additionalProperties: true, ...(description ? { description } : {}) });
const object = (properties: Record<string, Schema>, required: string[] = [], description?: string): SchemaObject => ({
  type: 'object',
  properties,
  ...(required.length ? { required } : {}),
  ...(description ? { description } : {}),
});
const nullable = (schema: SchemaObject): SchemaObject => ({ ...schema, nullable: true });

/** `kind` and `apiVersion` of a top-level object. */
function typeMeta(kind: string, apiVersion: string): Record<string, SchemaObject> {
  return { kind: oneOf(kind), apiVersion: oneOf(apiVersion) };
}

function listOf(kind: string, apiVersion: string, item: string): SchemaObject {
  return object({ ...typeMeta(kind, apiVersion), metadata: ref('ListMeta'), items: array(ref(item)) }, ['kind', 'apiVersion', 'metadata', 'items']);
}

const IMAGE = 'image.openshift.io/v1';
const NOTIFICATIONS = 'notifications.imagestreams.io/v1';
const TEMPLATE = 'template.openshift.io/v1';
const SAMPLES = 'samples.operator.openshift.io/v1';
const USER = 'user.openshift.io/v1';
const ACCESS = 'access.imagestreams.io/v1';
const RBAC = 'rbac.authorization.k8s.io/v1';
const AUTHORIZATION = 'authorization.k8s.io/v1';

const STATUS_REASONS = [
  'BadRequest',
  'Unauthorized',
  'Forbidden',
  'NotFound',
  'AlreadyExists',
  'Conflict',
  'Invalid',
  'MethodNotAllowed',
  'UnsupportedMediaType',
  'RequestEntityTooLarge',
  'ServiceUnavailable',
  'Timeout',
  'Expired',
  'InternalError',
];

export const RESPONSE_SCHEMAS = {
  ObjectMeta: object(
    {
      name: str(),
      namespace: str(),
      uid: str(),
      resourceVersion: str('changes on every write; send it back on PUT for a conditional update (409 when stale)'),
      generation: int('moves when the spec changes'),
      creationTimestamp: time(),
      labels: stringMap(),
      annotations: stringMap(),
    },
    ['name'],
  ),
  ListMeta: object({ resourceVersion: str('where a watch started from this list resumes'), continue: str('token for the next page (`?continue=`); absent on the last page') }),

  Status: object(
    {
      ...typeMeta('Status', 'v1'),
      metadata: object({}),
      status: oneOf('Success', 'Failure'),
      message: str('for humans'),
      reason: str(`machine-readable; one of ${STATUS_REASONS.join(', ')} (imports add their own, e.g. ImportFailed)`),
      details: ref('StatusDetails'),
      code: int('the HTTP status code'),
    },
    ['kind', 'apiVersion', 'status'],
    'The Kubernetes Status object: every failure of /api and /apis, and the answer of deletes and ImageStreamMappings.',
  ),
  StatusDetails: object({
    name: str(),
    group: str(),
    kind: str(),
    uid: str(),
    causes: array(ref('StatusCause'), 'one per invalid field of an Invalid (422) answer'),
    retryAfterSeconds: int(),
  }),
  StatusCause: object({ reason: str('e.g. FieldValueInvalid, FieldValueRequired, FieldValueNotSupported'), message: str(), field: str('JSON path, e.g. spec.tags[0].from.kind') }),

  Namespace: object({ ...typeMeta('Namespace', 'v1'), metadata: ref('ObjectMeta'), spec: object({ finalizers: array(str()) }), status: object({ phase: oneOf('Active', 'Terminating') }) }),
  NamespaceList: listOf('NamespaceList', 'v1', 'Namespace'),
  Secret: object({
    ...typeMeta('Secret', 'v1'),
    metadata: ref('ObjectMeta'),
    type: oneOf('kubernetes.io/dockerconfigjson', 'kubernetes.io/dockercfg'),
    data: stringMap('base64 values'),
  }),
  SecretList: listOf('SecretList', 'v1', 'Secret'),

  User: object(
    {
      ...typeMeta('User', USER),
      metadata: ref('ObjectMeta'),
      fullName: str(),
      identities: array(str(), 'always empty: users are created through the API'),
      groups: array(str(), 'the groups RBAC bindings may name; on `users/~`, every group the caller has (system:authenticated included)'),
    },
    ['kind', 'apiVersion', 'metadata', 'groups'],
  ),
  UserList: listOf('UserList', USER, 'User'),
  ServiceAccount: object({ ...typeMeta('ServiceAccount', 'v1'), metadata: ref('ObjectMeta') }, ['kind', 'apiVersion', 'metadata']),
  ServiceAccountList: listOf('ServiceAccountList', 'v1', 'ServiceAccount'),
  AccessToken: object(
    {
      ...typeMeta('AccessToken', ACCESS),
      metadata: ref('ObjectMeta'),
      spec: object(
        {
          subject: object({ kind: oneOf('User', 'ServiceAccount'), name: str(), namespace: str('service accounts only') }, ['kind', 'name']),
          expiresAt: time('refused after this; absent = never expires'),
          description: str(),
        },
        ['subject'],
      ),
      status: object({
        token: str('ist_...: only in the answer to create, never shown again (only its SHA-256 is stored)'),
        lastUsedAt: time('when it last authenticated a request (to the minute)'),
      }),
    },
    ['kind', 'apiVersion', 'metadata', 'spec', 'status'],
  ),
  AccessTokenList: listOf('AccessTokenList', ACCESS, 'AccessToken'),

  PolicyRule: object(
    {
      verbs: array(str(), 'get, list, watch, create, update, patch, delete, deletecollection, bind, escalate, or *'),
      apiGroups: array(str(), "'' is the core group, * every group"),
      resources: array(str(), '<resource>, <resource>/<subresource>, <resource>/* or *'),
      resourceNames: array(str(), 'only these objects (requests without a name never match)'),
      nonResourceURLs: array(str(), 'paths, or a prefix ending in *; ClusterRoles only'),
    },
    ['verbs'],
  ),
  RoleRef: object({ apiGroup: oneOf('rbac.authorization.k8s.io'), kind: oneOf('Role', 'ClusterRole'), name: str() }, ['apiGroup', 'kind', 'name']),
  RbacSubject: object(
    { kind: oneOf('User', 'Group', 'ServiceAccount'), apiGroup: str("rbac.authorization.k8s.io for users and groups, '' for service accounts"), name: str(), namespace: str('service accounts only') },
    ['kind', 'name'],
  ),
  Role: object({ ...typeMeta('Role', RBAC), metadata: ref('ObjectMeta'), rules: array(ref('PolicyRule')) }, ['kind', 'apiVersion', 'metadata', 'rules']),
  RoleList: listOf('RoleList', RBAC, 'Role'),
  ClusterRole: object(
    { ...typeMeta('ClusterRole', RBAC), metadata: ref('ObjectMeta'), rules: array(ref('PolicyRule')) },
    ['kind', 'apiVersion', 'metadata', 'rules'],
    'built-in ones carry the label kubernetes.io/bootstrapping=rbac-defaults and are read-only',
  ),
  ClusterRoleList: listOf('ClusterRoleList', RBAC, 'ClusterRole'),
  RoleBinding: object(
    { ...typeMeta('RoleBinding', RBAC), metadata: ref('ObjectMeta'), roleRef: ref('RoleRef'), subjects: array(ref('RbacSubject')) },
    ['kind', 'apiVersion', 'metadata', 'roleRef'],
  ),
  RoleBindingList: listOf('RoleBindingList', RBAC, 'RoleBinding'),
  ClusterRoleBinding: object(
    { ...typeMeta('ClusterRoleBinding', RBAC), metadata: ref('ObjectMeta'), roleRef: ref('RoleRef'), subjects: array(ref('RbacSubject')) },
    ['kind', 'apiVersion', 'metadata', 'roleRef'],
  ),
  ClusterRoleBindingList: listOf('ClusterRoleBindingList', RBAC, 'ClusterRoleBinding'),
  SelfSubjectAccessReview: object(
    {
      ...typeMeta('SelfSubjectAccessReview', AUTHORIZATION),
      metadata: object({ creationTimestamp: nullable(str()) }),
      spec: object({
        resourceAttributes: object({ namespace: str(), verb: str(), group: str(), version: str(), resource: str(), subresource: str(), name: str() }),
        nonResourceAttributes: object({ path: str(), verb: str() }),
      }),
      status: object({ allowed: bool(), denied: bool(), reason: str('which binding allowed it, or why nothing did') }, ['allowed']),
    },
    ['kind', 'apiVersion', 'spec', 'status'],
  ),
  AuditEvent: object(
    {
      ...typeMeta('AuditEvent', ACCESS),
      id: str('increases with every recorded event'),
      time: time('when the response finished'),
      user: object({ username: str('empty when the presented credentials were refused (401)'), groups: array(str()) }),
      verb: str(),
      objectRef: object({ apiGroup: str(), resource: str(), subresource: str(), namespace: str(), name: str() }, [], 'what the request acted on; absent for non-resource paths'),
      method: str(),
      path: str('without the query string'),
      code: int('the HTTP status of the answer'),
      sourceIP: str(),
      userAgent: str('at most 256 characters'),
    },
    ['kind', 'apiVersion', 'id', 'time', 'user', 'verb', 'method', 'path', 'code'],
  ),
  AuditEventList: object(
    { ...typeMeta('AuditEventList', ACCESS), metadata: object({ continue: str('token for the next page (`?continue=`); absent on the last page') }), items: array(ref('AuditEvent')) },
    ['kind', 'apiVersion', 'metadata', 'items'],
  ),

  ObjectReference: object({ kind: oneOf('DockerImage', 'ImageStreamTag', 'ImageStreamImage'), name: str(), namespace: str() }, ['kind', 'name']),
  TagReference: object(
    {
      name: str(),
      annotations: nullable(stringMap()),
      from: ref('ObjectReference'),
      reference: bool('true: the tag points at the source without importing it'),
      generation: nullable(int()),
      importPolicy: object({ insecure: bool(), scheduled: bool(), importMode: oneOf('Legacy', 'PreserveOriginal') }),
      referencePolicy: object({ type: oneOf('Source', 'Local') }),
    },
    ['name'],
  ),
  TagEvent: object({ created: time(), dockerImageReference: str(), image: str('the image digest'), generation: int() }),
  TagEventCondition: object({
    type: oneOf('ImportSuccess'),
    status: oneOf('True', 'False', 'Unknown'),
    lastTransitionTime: time(),
    reason: str(),
    message: str(),
    generation: int(),
  }),
  NamedTagEventList: object({ tag: str(), items: nullable(array(ref('TagEvent'), 'history, newest first')), conditions: array(ref('TagEventCondition')) }),
  ImageStream: object({
    ...typeMeta('ImageStream', IMAGE),
    metadata: ref('ObjectMeta'),
    spec: object({ lookupPolicy: object({ local: bool() }), dockerImageRepository: str(), tags: array(ref('TagReference')) }),
    status: object({ dockerImageRepository: str(), publicDockerImageRepository: str(), tags: array(ref('NamedTagEventList')) }),
  }),
  ImageStreamList: listOf('ImageStreamList', IMAGE, 'ImageStream'),
  ImageStreamTag: object({
    ...typeMeta('ImageStreamTag', IMAGE),
    metadata: ref('ObjectMeta'),
    tag: { allOf: [ref('TagReference')], nullable: true, description: 'the spec tag; null when the tag exists only in status (e.g. pushed)' },
    generation: int(),
    conditions: array(ref('TagEventCondition')),
    lookupPolicy: object({ local: bool() }),
    image: object(
      { metadata: object({ name: str(), creationTimestamp: time() }), dockerImageReference: str(), dockerImageMetadata: freeform(), dockerImageManifestMediaType: str() },
      [],
      'absent while the tag has no current image (an import is pending)',
    ),
  }),
  ImageStreamTagList: listOf('ImageStreamTagList', IMAGE, 'ImageStreamTag'),
  ImageLayer: object({ name: str('the layer blob digest'), size: int(), mediaType: str() }),
  ImageManifest: object({ digest: str(), mediaType: str(), manifestSize: int(), architecture: str(), os: str(), variant: str() }),
  Image: object({
    ...typeMeta('Image', IMAGE),
    metadata: ref('ObjectMeta'),
    dockerImageReference: str(),
    dockerImageMetadata: freeform('Docker-style image metadata (Id, Created, Config, ...)'),
    dockerImageMetadataVersion: oneOf('1.0'),
    dockerImageManifestMediaType: str(),
    dockerImageLayers: array(ref('ImageLayer'), 'base layer first'),
    dockerImageManifests: array(ref('ImageManifest'), 'manifest lists only'),
    dockerImageManifest: str('the raw manifest; only on ImageStreamImport results that asked for it'),
  }),
  ImageList: listOf('ImageList', IMAGE, 'Image'),
  ImageStreamImage: object({ ...typeMeta('ImageStreamImage', IMAGE), metadata: ref('ObjectMeta'), image: ref('Image') }),
  ImageImportStatus: object({ status: ref('Status'), image: ref('Image'), tag: str(), manifests: array(ref('Image')) }),
  ImageStreamImport: object({
    ...typeMeta('ImageStreamImport', IMAGE),
    metadata: ref('ObjectMeta'),
    spec: ref('ImageStreamImportSpecInput'),
    status: object({
      import: ref('ImageStream'),
      repository: object({ status: ref('Status'), images: array(ref('ImageImportStatus')), additionalTags: array(str()) }),
      images: array(ref('ImageImportStatus'), 'one per spec.images entry, in order'),
    }),
  }),

  WebhookSubscription: object({
    ...typeMeta('WebhookSubscription', NOTIFICATIONS),
    metadata: ref('ObjectMeta'),
    spec: object({
      url: str(),
      events: array(str()),
      filter: object({ imageStreams: array(str()), tags: array(str()), tagSemver: str(), tagRegex: str('anchored regular expression on the tag name') }),
      paused: bool(),
      headers: stringMap(),
      timeoutSeconds: int(),
      retry: object({ maxAttempts: int(), initialBackoffSeconds: { type: 'number' }, maxBackoffSeconds: { type: 'number' }, disableAfterFailures: int() }),
    }),
    status: object({
      signingSecret: str('whsec_...: only in the answers to create and rotatesecret, never shown again'),
      previousSecretExpiresAt: time('after a rotation: until then deliveries carry a signature with the previous secret too'),
      consecutiveFailures: int('failed attempts in a row; the subscription is disabled when it reaches spec.retry.disableAfterFailures'),
      conditions: array(object({ type: str(), status: oneOf('True', 'False'), reason: str(), message: str(), lastTransitionTime: time() })),
    }),
  }),
  WebhookSubscriptionList: listOf('WebhookSubscriptionList', NOTIFICATIONS, 'WebhookSubscription'),
  WebhookDelivery: object({
    id: str(),
    eventId: str('the CloudEvent id, also the webhook-id header'),
    eventType: str(),
    subject: str(),
    outcome: oneOf('pending', 'succeeded', 'dead', 'skipped'),
    attempts: array(object({ attemptedAt: time(), statusCode: int(), latencyMs: int(), error: str(), responseSnippet: str() })),
    nextAttemptAt: time(),
    createdAt: time(),
    deliveredAt: time(),
    payload: str('the request body every attempt sent, byte for byte (what the signature covers); only on GET of one delivery'),
  }),
  WebhookDeliveryList: object({
    ...typeMeta('WebhookDeliveryList', NOTIFICATIONS),
    metadata: object({}),
    items: array(ref('WebhookDelivery')),
  }),
  WebhookRedelivery: object({ ...typeMeta('WebhookRedelivery', NOTIFICATIONS), deliveriesQueued: int() }),
  WebhookReplay: object({ ...typeMeta('WebhookReplay', NOTIFICATIONS), since: time(), eventsRead: int(), deliveriesQueued: int() }),
  TagMoveDryRun: object({
    ...typeMeta('TagMoveDryRun', NOTIFICATIONS),
    pullSpec: str('what the tag would resolve to'),
    webhooks: array(object({ name: str() })),
    builds: array(object({ kind: str(), namespace: str(), name: str() })),
    deployments: array(object({ kind: str(), namespace: str(), name: str(), rollout: bool(), latestVersion: int() })),
    updatedObjects: array(object({ kind: str(), namespace: str(), name: str(), fieldPaths: array(str()) })),
    notFiring: array(object({ kind: str(), namespace: str(), name: str(), reason: str() })),
  }),
  StoredObject: object({
    apiVersion: str(),
    kind: str('BuildConfig, DeploymentConfig, Build, Deployment, StatefulSet, DaemonSet or CronJob'),
    metadata: ref('ObjectMeta'),
    spec: object({}),
    status: object({}),
  }),
  StoredObjectList: object({ apiVersion: str(), kind: str(), metadata: ref('ListMeta'), items: array(ref('StoredObject')) }),
  TemplateParameter: object(
    {
      name: str('letters, digits and _'),
      displayName: str(),
      description: str(),
      value: str('the default, or the value used; when set the generator is skipped'),
      generate: oneOf('expression'),
      from: str('the expression, e.g. user[A-Z0-9]{3}'),
      required: bool('the value must be non-empty once processed'),
    },
    ['name'],
  ),
  Template: object(
    {
      ...typeMeta('Template', TEMPLATE),
      metadata: ref('ObjectMeta'),
      message: str('shown after instantiation; parameters are substituted'),
      objects: nullable(array(freeform('any object with a kind'), 'the objects; processed: with parameters substituted and the template labels merged')),
      parameters: array(ref('TemplateParameter')),
      labels: stringMap('added to every object'),
    },
    ['kind', 'apiVersion', 'metadata', 'objects'],
  ),
  TemplateList: listOf('TemplateList', TEMPLATE, 'Template'),
  TemplateInstance: object(
    {
      ...typeMeta('TemplateInstance', TEMPLATE),
      metadata: ref('ObjectMeta'),
      spec: object({
        template: ref('Template'),
        parameters: stringMap('imagestreams: parameter values by name (OpenShift reads them from spec.secret, which is not supported here)'),
        requester: object({ username: str(), uid: str(), groups: array(str()) }, [], 'who asked; the actor (system:anonymous) when not sent'),
      }),
      status: object({
        conditions: array(
          object({
            type: oneOf('Ready', 'InstantiateFailure'),
            status: oneOf('True', 'False'),
            lastTransitionTime: time(),
            reason: str('Created, Failed, or Instantiating while the objects are being created'),
            message: str('InstantiateFailure: one line per failed object'),
          }),
        ),
        objects: array(object({ ref: object({ kind: str(), namespace: str(), name: str(), uid: str(), apiVersion: str() }) }), 'every object created, in template order'),
      }),
    },
    ['kind', 'apiVersion', 'metadata', 'spec'],
  ),
  TemplateInstanceList: listOf('TemplateInstanceList', TEMPLATE, 'TemplateInstance'),
  TemplateInstanceObject: object(
    {
      apiVersion: str(),
      kind: str(),
      namespace: str(),
      name: str(),
      uid: str(),
      owner: oneOf('stream-service', 'trigger-dispatcher', 'template-service'),
      path: str('where the gateway serves it'),
      object: freeform('the whole object, for the ones template-service stores (Secrets, Services, Routes, ...); a Secret keeps its data (stringData folded into base64 data)'),
    },
    ['apiVersion', 'kind', 'namespace', 'name', 'uid', 'owner', 'path'],
  ),
  TemplateInstanceObjectList: object({ ...typeMeta('TemplateInstanceObjectList', TEMPLATE), metadata: object({}), items: array(ref('TemplateInstanceObject')) }),
  SamplesCondition: object(
    {
      type: oneOf('ConfigurationValid', 'SamplesExist', 'ImportImageErrorsExist', 'RemovePending'),
      status: oneOf('True', 'False', 'Unknown'),
      lastUpdateTime: time(),
      lastTransitionTime: time('when status last changed'),
      reason: str('e.g. FailedImageImports, InvalidConfiguration, APIServer<reason>Error'),
      message: str('ImportImageErrorsExist names the failing image streams'),
    },
    ['type', 'status'],
  ),
  SamplesConfig: object(
    {
      ...typeMeta('Config', SAMPLES),
      metadata: ref('ObjectMeta'),
      spec: object({
        managementState: oneOf('Managed', 'Unmanaged', 'Force', 'Removed'),
        samplesRegistry: str('registry host[:port][/path] replacing the registry of every sample image stream pull spec'),
        architectures: array(oneOf('x86_64', 'amd64', 'arm64', 'ppc64le', 's390x'), 'only the first counts; cannot change once samples exist'),
        skippedImagestreams: array(str(), 'never created or updated; labelled managed "false" if present'),
        skippedTemplates: array(str()),
      }),
      status: object({
        managementState: str('the state last applied'),
        conditions: array(ref('SamplesCondition')),
        samplesRegistry: str(),
        architectures: array(str()),
        skippedImagestreams: array(str()),
        skippedTemplates: array(str()),
        version: str('the samples catalog version last applied'),
      }),
    },
    ['kind', 'apiVersion', 'metadata', 'spec', 'status'],
  ),
  SamplesConfigList: listOf('ConfigList', SAMPLES, 'SamplesConfig'),
  RegistryNotificationReceived: object({ tagsScheduled: int('scheduled tags whose next check was moved to now') }),

  WatchEvent: object(
    { type: oneOf('ADDED', 'MODIFIED', 'DELETED', 'ERROR'), object: { oneOf: [ref('ImageStream'), ref('Status')] } },
    ['type', 'object'],
    'One line of a watch (`?watch=true`): newline-delimited JSON; an ERROR carries a Status (410 Expired: re-list).',
  ),

  APIVersions: object({
    ...typeMeta('APIVersions', 'v1'),
    versions: array(str()),
    serverAddressByClientCIDRs: array(object({ clientCIDR: str(), serverAddress: str() })),
  }),
  GroupVersionForDiscovery: object({ groupVersion: str(), version: str() }),
  APIGroup: object({
    ...typeMeta('APIGroup', 'v1'),
    name: str(),
    versions: array(ref('GroupVersionForDiscovery')),
    preferredVersion: ref('GroupVersionForDiscovery'),
  }),
  APIGroupList: object({
    ...typeMeta('APIGroupList', 'v1'),
    groups: array(object({ name: str(), versions: array(ref('GroupVersionForDiscovery')), preferredVersion: ref('GroupVersionForDiscovery') })),
  }),
  APIResource: object({
    name: str('plural, or <plural>/<subresource>'),
    singularName: str(),
    namespaced: bool(),
    kind: str(),
    verbs: array(str(), 'exactly the verbs the gateway serves'),
    shortNames: array(str()),
  }),
  APIResourceList: object({ ...typeMeta('APIResourceList', 'v1'), groupVersion: str(), resources: array(ref('APIResource')) }),
  VersionInfo: object({
    major: str(),
    minor: str(),
    gitVersion: str(),
    gitCommit: str(),
    gitTreeState: str(),
    buildDate: str(),
    goVersion: str(),
    compiler: str(),
    platform: str(),
  }),
} satisfies Record<string, SchemaObject>;

export type ResponseSchemaName = keyof typeof RESPONSE_SCHEMAS;
