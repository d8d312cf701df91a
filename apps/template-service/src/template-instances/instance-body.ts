import { createHash } from 'node:crypto';
import {
  metadataMapCauses,
  MAX_INSTANCE_PARAMETERS_BYTES,
  Statuses,
  StatusError,
  TEMPLATE_API_VERSION,
  TemplateInstanceResource,
  type StatusCause,
  type TemplateInstance,
  type TemplateInstanceCondition,
  type TemplateInstanceSpec,
} from '@imagestreams/contracts';
import { generatedName, incomingTemplate } from '../templates/template-body';
import type { TemplateInstanceRow } from './template-instance.repository';

type JsonObject = Record<string, unknown>;

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MAX_NAME_LENGTH = 253;
const ANONYMOUS = 'system:anonymous';
/** Metadata the server sets: never stored from a request. */
const SERVER_METADATA = new Set(['namespace', 'uid', 'resourceVersion', 'creationTimestamp', 'generation', 'selfLink', 'managedFields', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'finalizers']);

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A TemplateInstance from a request, checked: what is stored, and what identifies its spec. */
export interface IncomingInstance {
  name: string;
  labels: Record<string, string>;
  /** `{metadata, spec}` as stored (metadata without server-set fields). */
  body: string;
  spec: TemplateInstanceSpec;
  /** The template, checked by `incomingTemplate` (a fresh copy). */
  template: JsonObject;
  /** SHA-256 of the spec in canonical JSON (keys sorted): equal specs, equal digests. */
  specDigest: string;
}

/**
 * Checks a TemplateInstance body: type fields (400 when they name another type), the namespace
 * (400 when another), then every field problem as one 422 Invalid: `metadata.name` (or
 * `generateName`), labels and annotations as string maps, `spec.template` required (and checked as
 * templates are: limits, type, namespace), `spec.parameters` a map of strings (imagestreams'
 * extension), and `spec.secret` refused — Secrets here are registry credentials owned by the
 * importer, whose data is never read back, so they cannot carry parameter values. `spec.requester`
 * defaults to the actor (no authentication yet). Unknown spec fields are dropped, as the API
 * server's decoder drops them.
 */
export function incomingInstance(raw: unknown, namespace: string, actor?: string): IncomingInstance {
  if (!isObject(raw)) throw new StatusError(Statuses.badRequest('the request body must be a JSON object'));
  const instance = JSON.parse(JSON.stringify(raw)) as JsonObject;
  const { apiVersion, kind } = instance;
  if (apiVersion != null && apiVersion !== TEMPLATE_API_VERSION) {
    throw new StatusError(Statuses.badRequest(`the API version in the data (${String(apiVersion)}) does not match the expected API version (${TEMPLATE_API_VERSION})`));
  }
  if (kind != null && kind !== TemplateInstanceResource.kind) {
    throw new StatusError(Statuses.badRequest(`the kind in the data (${String(kind)}) does not match the expected kind (${TemplateInstanceResource.kind})`));
  }
  const metadata: JsonObject = isObject(instance.metadata) ? { ...instance.metadata } : {};
  if (typeof metadata.namespace === 'string' && metadata.namespace !== '' && metadata.namespace !== namespace) {
    throw new StatusError(Statuses.badRequest('the namespace of the provided object does not match the namespace sent on the request'));
  }

  const causes: StatusCause[] = [];
  if ((metadata.name == null || metadata.name === '') && typeof metadata.generateName === 'string' && metadata.generateName !== '') metadata.name = generatedName(metadata.generateName);
  const name = metadata.name;
  if (typeof name !== 'string' || name === '') causes.push({ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' });
  else if (name.length > MAX_NAME_LENGTH || !DNS1123_SUBDOMAIN.test(name)) {
    causes.push({ reason: 'FieldValueInvalid', field: 'metadata.name', message: `Invalid value: ${JSON.stringify(name)}: a lowercase RFC 1123 subdomain (at most ${MAX_NAME_LENGTH} characters) is required` });
  }
  causes.push(...metadataMapCauses(metadata));

  const spec = instance.spec;
  if (!isObject(spec)) causes.push({ reason: 'FieldValueRequired', field: 'spec', message: 'Required value' });
  const source = isObject(spec) ? spec : {};
  if (!isObject(source.template)) causes.push({ reason: 'FieldValueRequired', field: 'spec.template', message: 'Required value: the Template to instantiate' });
  if (source.secret != null) {
    causes.push({
      reason: 'FieldValueForbidden',
      field: 'spec.secret',
      message:
        'Forbidden: parameter values from a Secret are not supported here (Secrets hold registry credentials and their data is never read back); give the values in spec.parameters, a map of parameter names to strings',
    });
  }
  const parameters = source.parameters;
  if (parameters != null) {
    if (!isObject(parameters)) causes.push({ reason: 'FieldValueInvalid', field: 'spec.parameters', message: 'Invalid value: must map parameter names to string values' });
    else {
      for (const [parameter, value] of Object.entries(parameters)) {
        if (typeof value !== 'string') causes.push({ reason: 'FieldValueInvalid', field: `spec.parameters[${parameter}]`, message: `Invalid value: ${JSON.stringify(value) ?? 'null'}: must be a string` });
      }
      const bytes = Buffer.byteLength(JSON.stringify(parameters));
      if (bytes > MAX_INSTANCE_PARAMETERS_BYTES) throw new StatusError(Statuses.tooLarge(`spec.parameters is ${bytes} bytes of JSON, more than the ${MAX_INSTANCE_PARAMETERS_BYTES} it may have`));
    }
  }
  const requester = source.requester;
  if (requester != null && (!isObject(requester) || typeof requester.username !== 'string' || requester.username === '')) {
    causes.push({ reason: 'FieldValueRequired', field: 'spec.requester.username', message: 'Required value' });
  }
  if (causes.length) throw new StatusError(Statuses.invalid(TemplateInstanceResource, typeof name === 'string' ? name : '', causes));

  const template = incomingTemplate(source.template, namespace);
  const checkedSpec: TemplateInstanceSpec = {
    template: source.template as JsonObject,
    ...(isObject(parameters) ? { parameters: parameters as Record<string, string> } : {}),
    requester: isObject(requester) ? (requester as unknown as NonNullable<TemplateInstanceSpec['requester']>) : { username: actor ?? ANONYMOUS },
  };
  const kept = Object.fromEntries(Object.entries(metadata).filter(([key]) => !SERVER_METADATA.has(key)));
  return {
    name: name as string,
    labels: (metadata.labels as Record<string, string> | undefined) ?? {},
    body: JSON.stringify({ metadata: kept, spec: checkedSpec }),
    spec: checkedSpec,
    template,
    specDigest: specDigest(checkedSpec),
  };
}

/** JSON with every object's keys sorted, so equal values serialize equally whatever the key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .filter((key) => value[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function specDigest(spec: TemplateInstanceSpec): string {
  return createHash('sha256').update(canonicalJson(spec)).digest('hex');
}

/** The reason of `Ready=False` while the objects are being created. */
export const INSTANTIATING = 'Instantiating';

/** While the objects are being created (seen by a concurrent read, or kept by an instantiation that stopped half-way). */
export function instantiatingConditions(now: Date): TemplateInstanceCondition[] {
  return [{ type: 'Ready', status: 'False', lastTransitionTime: now.toISOString(), reason: INSTANTIATING, message: 'Creating the template objects' }];
}

/** OpenShift's conditions once every object exists. */
export function readyConditions(now: Date): TemplateInstanceCondition[] {
  return [{ type: 'Ready', status: 'True', lastTransitionTime: now.toISOString(), reason: 'Created', message: '' }];
}

/** OpenShift's conditions after a failure: InstantiateFailure with the aggregated errors, Ready pointing at it. */
export function failedConditions(now: Date, message: string): TemplateInstanceCondition[] {
  return [
    { type: 'Ready', status: 'False', lastTransitionTime: now.toISOString(), reason: 'Failed', message: 'See InstantiateFailure condition for error message' },
    { type: 'InstantiateFailure', status: 'True', lastTransitionTime: now.toISOString(), reason: 'Failed', message },
  ];
}

/** The API's view of a stored instance. */
export function instanceView(row: TemplateInstanceRow): TemplateInstance {
  const stored = JSON.parse(row.body) as { metadata: JsonObject; spec: TemplateInstanceSpec };
  const { name: _name, generateName, ...metadata } = stored.metadata;
  return {
    kind: 'TemplateInstance',
    apiVersion: TEMPLATE_API_VERSION,
    metadata: {
      name: row.name,
      ...(generateName === undefined ? {} : { generateName }),
      namespace: row.namespace,
      uid: row.uid,
      resourceVersion: String(row.resource_version),
      creationTimestamp: row.created_at.toISOString(),
      ...metadata,
    },
    spec: stored.spec,
    status: row.status,
  };
}
