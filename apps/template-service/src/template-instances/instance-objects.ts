import {
  apiVersionOf,
  MAX_TEMPLATE_NESTING_DEPTH,
  TEMPLATE_API_VERSION,
  TEMPLATE_INSTANCE_OWNER_LABEL,
  WORKLOAD_KINDS,
  type StatusCause,
  type TemplateObjectOwner,
  type WorkloadKind,
} from '@imagestreams/contracts';
import { stringifyJson, type JsonObject, type JsonValue } from '@imagestreams/domain-template';

const IMAGE_GROUP = 'image.openshift.io';
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MAX_NAME_LENGTH = 253;

/** One object of a processed template, ready to be created in the instance's namespace. */
export interface PlannedObject {
  /** Its index in the processed template's `objects`. */
  position: number;
  owner: TemplateObjectOwner;
  apiVersion: string;
  /** The API group (`''` for the core group). */
  apiGroup: string;
  kind: string;
  namespace: string;
  name: string;
  /** The object to create: namespace set, owner label added (a Secret's `stringData` folded into `data`). */
  object: JsonObject;
}

export type ObjectPlan = { objects: PlannedObject[]; causes?: undefined } | { causes: StatusCause[]; objects?: undefined };

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * Which service creates and keeps an object, by API group and kind (the owner checks the version):
 * ImageStreams go to stream-service, the kinds with image triggers (BuildConfig, DeploymentConfig,
 * Deployment, StatefulSet, DaemonSet, CronJob) to trigger-dispatcher so their triggers stay live,
 * and everything else (Secret, Service, Route, ConfigMap, PersistentVolumeClaim, ...) is stored
 * by template-service as the instance's object.
 */
export function ownerOf(apiVersion: string, kind: string): TemplateObjectOwner {
  const group = apiGroupOf(apiVersion);
  if (kind === 'ImageStream' && group === IMAGE_GROUP) return 'stream-service';
  if (workloadKindOf(apiVersion, kind)) return 'trigger-dispatcher';
  return 'template-service';
}

export function workloadKindOf(apiVersion: string, kind: string): WorkloadKind | undefined {
  const group = apiGroupOf(apiVersion);
  return WORKLOAD_KINDS.find((candidate) => candidate.kind === kind && candidate.group === group);
}

/** Where the gateway serves an object an instance created. */
export function objectPath(object: { owner: TemplateObjectOwner; apiVersion: string; kind: string; namespace: string; name: string }, instanceName: string): string {
  const name = encodeURIComponent(object.name);
  const namespace = encodeURIComponent(object.namespace);
  if (object.owner === 'stream-service') return `/apis/image.openshift.io/v1/namespaces/${namespace}/imagestreams/${name}`;
  const workload = object.owner === 'trigger-dispatcher' ? workloadKindOf(object.apiVersion, object.kind) : undefined;
  if (workload) return `/apis/${apiVersionOf(workload)}/namespaces/${namespace}/${workload.resource}/${name}`;
  return `/apis/${TEMPLATE_API_VERSION}/namespaces/${namespace}/templateinstances/${encodeURIComponent(instanceName)}/objects/${encodeURIComponent(object.kind)}/${name}`;
}

/**
 * Checks the processed objects and says who creates each. Every problem is a 422 cause on
 * `spec.template.objects[i]` and nothing is created: an object without `apiVersion` or
 * `metadata.name` (`generateName` is not supported), one naming another namespace than the
 * instance's (processing already dropped hard-coded namespaces, so this is one made of a
 * parameter), a stored object with a name that is not a DNS subdomain, two objects with the same
 * group, kind and name. Each object gets the instance's namespace and OpenShift's owner label
 * (`template.openshift.io/template-instance-owner: <instance uid>`).
 */
export function planObjects(objects: readonly JsonObject[], namespace: string, instanceUid: string): ObjectPlan {
  const causes: StatusCause[] = [];
  const planned: PlannedObject[] = [];
  const seen = new Map<string, number>();
  objects.forEach((source, position) => {
    const field = `spec.template.objects[${position}]`;
    const problems = objectProblems(source, namespace, field);
    if (problems.length) {
      causes.push(...problems);
      return;
    }
    const apiVersion = source['apiVersion'] as string;
    const kind = source['kind'] as string;
    const metadata = source['metadata'] as JsonObject;
    const name = metadata['name'] as string;
    const owner = ownerOf(apiVersion, kind);
    const apiGroup = apiGroupOf(apiVersion);
    if (owner === 'template-service' && (name.length > MAX_NAME_LENGTH || !DNS1123_SUBDOMAIN.test(name))) {
      causes.push({ reason: 'FieldValueInvalid', field: `${field}.metadata.name`, message: `Invalid value: ${JSON.stringify(name)}: a lowercase RFC 1123 subdomain (at most ${MAX_NAME_LENGTH} characters) is required` });
      return;
    }
    const key = `${apiGroup}/${kind}/${name}`;
    const first = seen.get(key);
    if (first !== undefined) {
      causes.push({ reason: 'FieldValueDuplicate', field: `${field}.metadata.name`, message: `Duplicate value: ${JSON.stringify(name)}: the same ${kind} as spec.template.objects[${first}]` });
      return;
    }
    seen.set(key, position);
    const labels = isObject(metadata['labels']) ? metadata['labels'] : {};
    const object: JsonObject = { ...source, metadata: { ...metadata, namespace, labels: { ...labels, [TEMPLATE_INSTANCE_OWNER_LABEL]: instanceUid } } };
    planned.push({ position, owner, apiVersion, apiGroup, kind, namespace, name, object: kind === 'Secret' && apiGroup === '' ? withStringDataFolded(object) : object });
  });
  return causes.length ? { causes } : { objects: planned };
}

function objectProblems(source: JsonObject, namespace: string, field: string): StatusCause[] {
  const problems: StatusCause[] = [];
  if (typeof source['apiVersion'] !== 'string' || source['apiVersion'] === '') problems.push({ reason: 'FieldValueRequired', field: `${field}.apiVersion`, message: 'Required value' });
  const metadata = source['metadata'];
  if (!isObject(metadata)) {
    problems.push({ reason: 'FieldValueRequired', field: `${field}.metadata.name`, message: 'Required value: name is required' });
    return problems;
  }
  const name = metadata['name'];
  if (typeof name !== 'string' || name === '') {
    const detail = metadata['generateName'] ? 'generateName is not supported in a TemplateInstance, give the object a name' : 'name is required';
    problems.push({ reason: 'FieldValueRequired', field: `${field}.metadata.name`, message: `Required value: ${detail}` });
  }
  const objectNamespace = metadata['namespace'];
  if (objectNamespace != null && objectNamespace !== '' && objectNamespace !== namespace) {
    problems.push({
      reason: 'FieldValueInvalid',
      field: `${field}.metadata.namespace`,
      message: `Invalid value: ${JSON.stringify(objectNamespace)}: a TemplateInstance creates its objects in its own namespace (${namespace})`,
    });
  }
  for (const map of ['labels', 'annotations'] as const) {
    const value = metadata[map];
    if (value != null && (!isObject(value) || Object.values(value).some((entry) => typeof entry !== 'string'))) {
      problems.push({ reason: 'FieldValueInvalid', field: `${field}.metadata.${map}`, message: 'Invalid value: must be a map of strings' });
    }
  }
  return problems;
}

/** What the Kubernetes API server does with a Secret's `stringData`: each value base64-encoded into `data` (winning over it), `stringData` dropped. */
export function withStringDataFolded(secret: JsonObject): JsonObject {
  const stringData = secret['stringData'];
  if (!isObject(stringData)) return secret;
  const { stringData: _dropped, ...rest } = secret;
  const data: JsonObject = { ...(isObject(secret['data']) ? secret['data'] : {}) };
  for (const [key, value] of Object.entries(stringData)) data[key] = Buffer.from(typeof value === 'string' ? value : stringifyJson(value, MAX_TEMPLATE_NESTING_DEPTH)).toString('base64');
  return { ...rest, data };
}

/**
 * The object as plain JSON for a NATS request. Integers beyond 2^53 (a `${{NAME}}` value) become
 * the nearest double here, as any JSON decoder of the owner would read them; stored objects keep
 * them exact (`stringifyJson`).
 */
export function plainJson(object: JsonObject): Record<string, unknown> {
  return JSON.parse(storedJson(object)) as Record<string, unknown>;
}

/** The object's JSON text, integers beyond 2^53 exact. */
export function storedJson(object: JsonObject): string {
  return stringifyJson(object as JsonValue, MAX_TEMPLATE_NESTING_DEPTH);
}
