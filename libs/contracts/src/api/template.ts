import type { ObjectMeta, List } from './object-meta';
import { Statuses, type ResourceRef, type Status } from './status';

export const TEMPLATE_API_GROUP = 'template.openshift.io';
export const TEMPLATE_API_VERSION = `${TEMPLATE_API_GROUP}/v1`;
/** The ungrouped form OpenShift still decodes (`apiVersion: v1, kind: Template`); answers always use the grouped one. */
export const LEGACY_TEMPLATE_API_VERSION = 'v1';
/** Kinds a Template body may declare: OpenShift registers the type under these aliases too. */
export const TEMPLATE_KINDS: readonly string[] = ['Template', 'TemplateConfig', 'ProcessedTemplate'];

export const TemplateResource: ResourceRef = { resource: 'templates', group: TEMPLATE_API_GROUP, kind: 'Template' };
/** `processedtemplates` answers a Template: it only processes, it stores nothing. */
export const ProcessedTemplateResource: ResourceRef = { resource: 'processedtemplates', group: TEMPLATE_API_GROUP, kind: 'Template' };

/**
 * Largest template accepted (stored or processed), measured as compact serialized JSON (UTF-8),
 * so indentation in the request does not count. Why 512 KiB and not the 1 MiB a Kubernetes object
 * may have: the template travels from the gateway to template-service inside one NATS request, and
 * requests are not compressed (only replies are), so it must fit NATS's default `max_payload` of
 * 1 MiB together with the request packet and headers. Half of it leaves room for that and for
 * the stored template's metadata in replies; the largest catalog template is about 30 KiB.
 */
export const MAX_TEMPLATE_BYTES = 512 * 1024;

/**
 * Deepest nesting of objects and arrays in a template body (the template itself is level 1).
 * Processing allows 100 levels inside each object (two more from the template's `objects`
 * list), so this only stops what could never be processed, before anything walks it recursively
 * (class-transformer, JSON.stringify), where it would overflow the stack.
 */
export const MAX_TEMPLATE_NESTING_DEPTH = 128;

/**
 * Largest processed template returned. A parameter referenced many times multiplies its value, so
 * a template within MAX_TEMPLATE_BYTES can expand far beyond it; past this it is refused (413).
 */
export const MAX_PROCESSED_TEMPLATE_BYTES = 4 * 1024 * 1024;

/** One entry of `parameters` (template.openshift.io/v1), in the API's field order. */
export interface TemplateParameter {
  name: string;
  displayName?: string;
  description?: string;
  value?: string;
  /** `expression`, the one generator. */
  generate?: string;
  from?: string;
  required?: boolean;
}

/** A stored Template as the API answers it; `objects` are arbitrary objects (RawExtension). */
export interface Template {
  kind: 'Template';
  apiVersion: typeof TEMPLATE_API_VERSION;
  metadata: ObjectMeta & Record<string, unknown>;
  message?: string;
  objects: Record<string, unknown>[] | null;
  parameters?: TemplateParameter[];
  labels?: Record<string, string>;
}

export type TemplateList = List<Template>;

/** The answer of `processedtemplates`: metadata as sent (namespace filled in), objects substituted. */
export interface ProcessedTemplate {
  kind: 'Template';
  apiVersion: typeof TEMPLATE_API_VERSION;
  metadata: Record<string, unknown>;
  message?: string;
  objects: Record<string, unknown>[] | null;
  parameters?: TemplateParameter[];
  labels?: Record<string, string>;
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `metadata.name` as sent, for naming the template in a Status even when it is broken. */
export function declaredTemplateName(template: unknown): string {
  if (!isJsonObject(template) || !isJsonObject(template['metadata'])) return '';
  const name = template['metadata']['name'];
  return typeof name === 'string' ? name : '';
}

/**
 * Where a JSON value nests objects/arrays deeper than `maxDepth` (the value itself is level 1):
 * the top-level member holding the first such place (`objects[3]`, `parameters`, …, or `<body>`
 * when it is the value itself), or undefined. Iterative, so any depth is safe to inspect.
 */
export function excessiveNesting(value: unknown, maxDepth: number): string | undefined {
  const stack: { value: unknown; depth: number; field: string }[] = [{ value, depth: 1, field: '<body>' }];
  while (stack.length > 0) {
    const entry = stack.pop() as { value: unknown; depth: number; field: string };
    if (entry.value === null || typeof entry.value !== 'object') continue;
    if (entry.depth > maxDepth) return entry.field;
    const members: [string, unknown][] = Array.isArray(entry.value) ? entry.value.map((item, index) => [String(index), item]) : Object.entries(entry.value);
    for (let index = members.length - 1; index >= 0; index--) {
      const [key, member] = members[index];
      stack.push({ value: member, depth: entry.depth + 1, field: childField(entry, key) });
    }
  }
  return undefined;
}

function childField(parent: { value: unknown; depth: number; field: string }, key: string): string {
  if (parent.depth === 1) return Array.isArray(parent.value) ? `[${key}]` : key;
  if (parent.depth === 2 && Array.isArray(parent.value)) return `${parent.field}[${key}]`;
  return parent.field;
}

/**
 * What every entry point (the gateway, and template-service for requests arriving over NATS)
 * refuses before anything else looks at a template body: nesting that nothing can process (422
 * Invalid), then a serialized size over MAX_TEMPLATE_BYTES (413). Undefined when within limits.
 */
export function templateLimitViolation(template: unknown): Status | undefined {
  const tooDeep = excessiveNesting(template, MAX_TEMPLATE_NESTING_DEPTH);
  if (tooDeep !== undefined) {
    return Statuses.invalid(TemplateResource, declaredTemplateName(template), [
      { reason: 'FieldValueInvalid', field: tooDeep, message: `Invalid value: "<value nested too deeply to show>": nested deeper than ${MAX_TEMPLATE_NESTING_DEPTH} levels` },
    ]);
  }
  const bytes = Buffer.byteLength(JSON.stringify(template) ?? '');
  if (bytes > MAX_TEMPLATE_BYTES) {
    return Statuses.tooLarge(`the template is ${bytes} bytes of JSON, more than the ${MAX_TEMPLATE_BYTES} a template may have`);
  }
  return undefined;
}
