import { randomInt } from 'node:crypto';
import {
  declaredTemplateName,
  LEGACY_TEMPLATE_API_VERSION,
  Statuses,
  StatusError,
  TEMPLATE_API_VERSION,
  TEMPLATE_KINDS,
  templateLimitViolation,
  type Template,
} from '@imagestreams/contracts';
import { METADATA_MAP_RULES } from '@imagestreams/domain-labels';
import { validateStoredTemplate, type FieldError } from '@imagestreams/domain-template';
import { invalidTemplate } from './template-status';
import type { TemplateContent, TemplateRow } from './template.repository';

/** Metadata the server sets: echoed back by clients on PUT, never stored from a request. */
const SERVER_METADATA = new Set(['namespace', 'uid', 'resourceVersion', 'creationTimestamp', 'generation', 'selfLink', 'managedFields', 'deletionTimestamp', 'deletionGracePeriodSeconds']);
/** Kubernetes' generateName suffix: five characters without vowels (no accidental words) or look-alikes. */
const NAME_SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const NAME_SUFFIX_LENGTH = 5;
const MAX_NAME_LENGTH = 253;
const MAX_SHOWN_VALUE_LENGTH = 1024;

type JsonObject = Record<string, unknown>;

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A template from a request, ready for the rules: within the limits (else 422/413), a fresh plain
 * JSON copy (so nothing a decoder left on prototypes can matter), declaring the Template type if
 * it declares one (else 400, as Kubernetes answers a body of another type), and not naming
 * another namespace than the request's (400).
 */
export function incomingTemplate(template: unknown, namespace: string): JsonObject {
  const violation = templateLimitViolation(template);
  if (violation) throw new StatusError(violation);
  const copy: unknown = JSON.parse(JSON.stringify(template));
  if (!isJsonObject(copy)) throw new StatusError(Statuses.badRequest('the request body must be a JSON object'));
  const { apiVersion, kind } = copy;
  if (apiVersion != null && apiVersion !== TEMPLATE_API_VERSION && apiVersion !== LEGACY_TEMPLATE_API_VERSION) {
    throw new StatusError(Statuses.badRequest(`the API version in the data (${String(apiVersion)}) does not match the expected API version (${TEMPLATE_API_VERSION})`));
  }
  if (kind != null && (typeof kind !== 'string' || !TEMPLATE_KINDS.includes(kind))) {
    throw new StatusError(Statuses.badRequest(`the kind in the data (${String(kind)}) does not match the expected kind (Template)`));
  }
  const declared = isJsonObject(copy.metadata) ? copy.metadata.namespace : undefined;
  if (typeof declared === 'string' && declared !== '' && declared !== namespace) {
    throw new StatusError(Statuses.badRequest('the namespace of the provided object does not match the namespace sent on the request'));
  }
  return copy;
}

/** `generateName` plus Kubernetes' five random characters. */
export function generatedName(prefix: string): string {
  let suffix = '';
  for (let index = 0; index < NAME_SUFFIX_LENGTH; index++) suffix += NAME_SUFFIX_ALPHABET[randomInt(NAME_SUFFIX_ALPHABET.length)];
  return `${prefix.slice(0, MAX_NAME_LENGTH - NAME_SUFFIX_LENGTH)}${suffix}`;
}

/**
 * What is stored of a valid template: its name, its labels (for selection), and the body without
 * server-set metadata, in the API's field order (`metadata`, `message`, `objects`, `parameters`,
 * `labels`); `apiVersion`/`kind` are implied and unknown top-level fields are dropped, as the API
 * server's decoder drops them. `name` fills in a missing `metadata.name` (create with
 * `generateName`); invalid templates are a 422 with every cause (domain-template's rules, plus
 * labels and annotations as Kubernetes allows them).
 */
export function storedTemplate(template: JsonObject, name?: string): { name: string } & TemplateContent {
  const metadata: JsonObject = { ...(isJsonObject(template.metadata) ? template.metadata : {}) };
  if (name !== undefined) metadata.name = name;
  const named = { ...template, metadata };
  const errors: FieldError[] = [...validateStoredTemplate(named), ...stringMapErrors(metadata, 'labels'), ...stringMapErrors(metadata, 'annotations')];
  if (metadata.generateName != null && typeof metadata.generateName !== 'string') errors.push(typeInvalid('metadata.generateName', metadata.generateName, 'must be a string'));
  if (errors.length > 0) throw invalidTemplate(declaredTemplateName(named), errors);

  const kept = Object.fromEntries(Object.entries(metadata).filter(([key]) => !SERVER_METADATA.has(key)));
  const body: JsonObject = { metadata: kept };
  for (const field of ['message', 'objects', 'parameters', 'labels'] as const) {
    if (template[field] != null) body[field] = template[field];
  }
  return { name: metadata.name as string, labels: (metadata.labels as Record<string, string> | undefined) ?? {}, body: JSON.stringify(body) };
}

/** A value that is not a string is named by its key; once all are strings, Kubernetes' key and value rules apply. */
function stringMapErrors(metadata: JsonObject, field: 'labels' | 'annotations'): FieldError[] {
  const map = metadata[field];
  if (map == null) return [];
  if (!isJsonObject(map)) return [typeInvalid(`metadata.${field}`, map, 'must map names to strings')];
  const typeErrors = Object.entries(map)
    .filter(([, value]) => typeof value !== 'string')
    .map(([key, value]) => typeInvalid(`metadata.${field}[${key}]`, value, 'must be a string'));
  if (typeErrors.length > 0) return typeErrors;
  return METADATA_MAP_RULES[field](map).map((problem) => ({ field: `metadata.${field}`, reason: 'FieldValueInvalid', message: `Invalid value: ${problem}` }));
}

/** A cause worded like domain-template's (Kubernetes' `Invalid value: <JSON>: <detail>`), the value cut short. */
function typeInvalid(field: string, value: unknown, detail: string): FieldError {
  const rendered = JSON.stringify(value) ?? 'null';
  const shown = rendered.length > MAX_SHOWN_VALUE_LENGTH ? `${rendered.slice(0, MAX_SHOWN_VALUE_LENGTH)}…(truncated)` : rendered;
  return { field, reason: 'FieldValueTypeInvalid', message: `Invalid value: ${shown}: ${detail}` };
}

/** The API's view of a stored template: its body with the server-set metadata, always `template.openshift.io/v1`. */
export function templateView(row: TemplateRow): Template {
  const stored = JSON.parse(row.body) as JsonObject;
  const { name: _name, generateName, ...metadata } = (stored.metadata ?? {}) as JsonObject;
  return {
    kind: 'Template',
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
    ...(stored.message === undefined ? {} : { message: stored.message as string }),
    // Required in the API type, so a template without objects answers `null`, as OpenShift does.
    objects: (stored.objects as Template['objects'] | undefined) ?? null,
    ...(stored.parameters === undefined ? {} : { parameters: stored.parameters as Template['parameters'] }),
    ...(stored.labels === undefined ? {} : { labels: stored.labels as Record<string, string> }),
  };
}
