/**
 * JSON as the processor sees it. `bigint` carries integers beyond 2^53 without losing digits
 * (from `parseJsonLosslessly` or a `${{NAME}}` value); `stringifyJson` writes them back exactly.
 */
export type JsonValue = string | number | bigint | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** One entry of `Template.parameters` (template.openshift.io/v1). */
export interface TemplateParameter {
  name: string;
  displayName?: string;
  description?: string;
  /** The default, or the caller's value; when non-empty the generator is skipped. */
  value?: string;
  /** The generator's name; `expression` is the only one. */
  generate?: string;
  /** The generator's input, e.g. `user[A-Z0-9]{3}`. */
  from?: string;
  /** The value must be non-empty once supplied values and generation have been applied. */
  required?: boolean;
}

/**
 * A Template as it arrives (`template.openshift.io/v1` or the legacy `v1`, kind `Template`,
 * `TemplateConfig` or `ProcessedTemplate`). `objects` is typed `unknown[]` because its elements
 * are arbitrary and are checked one by one while processing.
 */
export interface Template {
  apiVersion?: string;
  kind?: string;
  metadata?: JsonObject;
  message?: string;
  objects?: unknown[] | null;
  parameters?: TemplateParameter[];
  /** Added to every object's `metadata.labels`. */
  labels?: Record<string, string>;
}

/** The processed Template: substituted objects, message and labels, parameters with their values. */
export interface ProcessedTemplate {
  apiVersion: 'template.openshift.io/v1';
  kind: 'Template';
  metadata: JsonObject;
  message?: string;
  /** `null` when the input had no `objects` at all, as OpenShift answers. */
  objects: JsonObject[] | null;
  parameters?: TemplateParameter[];
  labels?: Record<string, string>;
}

/** Kubernetes `StatusCause.reason` values the processor produces. */
export type FieldErrorReason = 'FieldValueRequired' | 'FieldValueInvalid' | 'FieldValueTypeInvalid' | 'FieldValueNotFound';

/**
 * One cause of a 422 Invalid answer, shaped like a Kubernetes `StatusCause`: `message` is the
 * error body without the field path (`Required value: …`, `Invalid value: "x": …`).
 */
export interface FieldError {
  field: string;
  reason: FieldErrorReason;
  message: string;
}

/** An integer drawn uniformly from `[0, maxExclusive)`. */
export type RandomSource = (maxExclusive: number) => number;
